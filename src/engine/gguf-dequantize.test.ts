import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseManifest } from './manifest.ts';
import { dequantizeExternal } from './gguf-dequantize.ts';
import { ModelError } from './errors.ts';

interface Golden {
  blocks_base64: string;
  bytes: number;
  tensors: Record<string, unknown>[];
  data_base64: string;
}

const golden = JSON.parse(
  readFileSync(new URL('../../models/export/golden/gguf_dequantize.json', import.meta.url), 'utf8'),
) as Golden;

/** Manifest text whose graph `lm` has the given external section (snake_case, as the exporter writes it). */
function manifestText(external: Record<string, unknown>): string {
  return JSON.stringify({
    version: 1,
    files: {
      lm: { path: 'lm.onnx', sha256: '0'.repeat(64), bytes: 1, external },
      lm_blocks: { path: 'lm.blocks', sha256: '1'.repeat(64), bytes: 1 },
    },
  });
}

/** The golden's weights as a manifest's graph entry, parsed the way the app parses it. */
function external() {
  const text = manifestText({ location: 'lm.weights', blocks_file: 'lm_blocks', bytes: golden.bytes, tensors: golden.tensors });
  return parseManifest(text).files.lm!.external!;
}

describe('dequantizeExternal', () => {
  it('computes the float32 bit patterns Python computes, plain, transposed and shared weights', () => {
    const blocks = new Uint8Array(Buffer.from(golden.blocks_base64, 'base64'));
    const ours = dequantizeExternal(blocks, external());
    const theirs = new Uint8Array(Buffer.from(golden.data_base64, 'base64'));
    expect(ours.byteLength).toBe(theirs.byteLength);
    const a = new Uint32Array(ours.buffer, ours.byteOffset, ours.byteLength / 4);
    const b = new Uint32Array(theirs.buffer.slice(theirs.byteOffset, theirs.byteOffset + theirs.byteLength));
    const differing = a.findIndex((bits, i) => bits !== b[i]);
    expect(differing).toBe(-1);
    // The golden holds float16 extremes and negative zero, so a sign or subnormal slip shows up above.
    expect(a.some((bits) => bits === 0x80000000)).toBe(true);
  });

  it('names the blocks file when it is shorter than the tensors need', () => {
    const blocks = new Uint8Array(Buffer.from(golden.blocks_base64, 'base64')).subarray(0, 100);
    expect(() => dequantizeExternal(blocks, external())).toThrow(ModelError);
    expect(() => dequantizeExternal(blocks, external())).toThrow(/lm_blocks: w\d needs bytes/);
  });
});

describe('parseManifest external weights', () => {
  it('rejects a graph whose blocks file is not listed', () => {
    const text = manifestText({ location: 'lm.weights', blocks_file: 'missing', bytes: 0, tensors: [] });
    expect(() => parseManifest(text)).toThrow(/blocks_file names "missing"/);
  });

  it('rejects a tensor that runs past the data', () => {
    const tensors = [{ ...golden.tensors[0], data_offset: golden.bytes }];
    const text = manifestText({ location: 'lm.weights', blocks_file: 'lm_blocks', bytes: golden.bytes, tensors });
    expect(() => parseManifest(text)).toThrow(/runs past the data/);
  });
});
