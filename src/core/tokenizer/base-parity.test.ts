import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CodeTokenizer } from './code-tokenizer.ts';

interface GoldenDoc {
  name: string;
  text: string;
  ids: number[];
}

// The pretrained base's tokenizer.json is a build product of `/usr/bin/python3 -m models.base.setup` (made from the
// pinned GGUF, never committed); the golden ids are what our Python encoder gives for the same texts.
const root = new URL('../../../', import.meta.url);
const pin = JSON.parse(readFileSync(new URL('models/configs/base_smollm2.json', root), 'utf8')) as { name: string };
const tokenizerPath = new URL(`models/.cache/base/${pin.name}/tokenizer.json`, root);
const golden = JSON.parse(
  gunzipSync(readFileSync(new URL('models/base/reference/tokenizer_golden.json.gz', root))).toString('utf8'),
) as { docs: GoldenDoc[] };

function loadTokenizer(): CodeTokenizer {
  if (!existsSync(tokenizerPath)) {
    throw new Error(`${tokenizerPath.pathname} is missing: run /usr/bin/python3 -m models.base.setup first`);
  }
  return CodeTokenizer.fromJson(readFileSync(tokenizerPath, 'utf8'));
}

describe(`the pretrained base's tokenizer (${pin.name}): parity with Python`, () => {
  const tokenizer = loadTokenizer();

  it('gives the same ids as Python on every golden document', () => {
    const mismatched: string[] = [];
    for (const doc of golden.docs) {
      const ids = tokenizer.encode(doc.text);
      if (ids.length !== doc.ids.length || ids.some((id, i) => id !== doc.ids[i])) mismatched.push(doc.name);
    }
    expect(golden.docs.length).toBeGreaterThan(100);
    expect(mismatched).toEqual([]);
  });

  it('splits every digit apart (SmolLM2 pre-tokenizes with Digits before ByteLevel)', () => {
    const ids = tokenizer.encode('x = 1234');
    expect(ids.slice(-4).map((id) => tokenizer.decode([id]))).toEqual(['1', '2', '3', '4']);
  });

  it('has no padding token, so padding falls back to end of text', () => {
    expect(tokenizer.endOfTextId).toBe(0);
    expect(tokenizer.padId).toBe(tokenizer.endOfTextId);
  });
});
