import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CodeTokenizer } from './code-tokenizer.ts';

interface GoldenDoc {
  name: string;
  text: string;
  ids: number[];
}

const root = new URL('../../../', import.meta.url);
const tokenizer = CodeTokenizer.fromJson(readFileSync(new URL('public/models/tokenizer.json', root), 'utf8'));
const golden = JSON.parse(
  gunzipSync(readFileSync(new URL('models/tokenizer/golden/golden.json.gz', root))).toString('utf8'),
) as { docs: GoldenDoc[] };

describe('tokenizer parity with the Python trainer (golden set)', () => {
  it('covers at least 1 MB of text', () => {
    const bytes = golden.docs.reduce((sum, doc) => sum + Buffer.byteLength(doc.text, 'utf8'), 0);
    expect(bytes).toBeGreaterThanOrEqual(1_000_000);
  });

  it('gives the same ids as Python on every golden document', () => {
    const mismatched: string[] = [];
    for (const doc of golden.docs) {
      const ids = tokenizer.encode(doc.text);
      if (ids.length !== doc.ids.length || ids.some((id, i) => id !== doc.ids[i])) mismatched.push(doc.name);
    }
    expect(mismatched).toEqual([]);
  });

  it('decodes every golden document back to its text', () => {
    const failed = golden.docs.filter((doc) => tokenizer.decode(doc.ids) !== doc.text).map((doc) => doc.name);
    expect(failed).toEqual([]);
  });

  it('knows its special tokens', () => {
    expect(tokenizer.encode('<|endoftext|>')).toEqual([tokenizer.endOfTextId]);
    expect(tokenizer.decode([tokenizer.padId, tokenizer.endOfTextId], true)).toBe('');
  });
});
