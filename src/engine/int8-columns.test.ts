import { describe, expect, it } from 'vitest';
import { manifestWithExternal, readExternalGolden } from './external-golden.ts';
import { dequantizeExternal } from './gguf-dequantize.ts';
import { roundHalfEven } from './int8-columns.ts';
import { parseManifest } from './manifest.ts';

const golden = readExternalGolden('int8_graph.json', 'columns');
const manifestText = (external: Record<string, unknown>): string => manifestWithExternal('lm_int8', external);

const section = (tensors = golden.tensors, format: unknown = golden.format) => ({
  location: 'lm_int8.weights',
  blocks_file: 'lm_blocks',
  bytes: golden.bytes,
  format,
  tensors,
});

describe('int8-columns expansion', () => {
  it("writes Python's codes, column scales and column sums byte for byte (float16 extremes, an all-zero weight)", () => {
    const external = parseManifest(manifestText(section())).files.lm_int8!.external!;
    expect(external.format).toBe('int8-columns');
    const ours = dequantizeExternal(new Uint8Array(Buffer.from(golden.blocks_base64, 'base64')), external);
    const theirs = new Uint8Array(Buffer.from(golden.data_base64, 'base64'));
    expect(ours.byteLength).toBe(theirs.byteLength);
    expect(ours.findIndex((byte, i) => byte !== theirs[i])).toBe(-1);
    // The all-zero weight's columns keep a scale of 1 (not 0, which would divide by zero in the graph).
    const zero = external.tensors[2]!;
    const scales = new Float32Array(ours.buffer.slice(zero.scaleOffset!, zero.scaleOffset! + 4 * zero.rows));
    expect([...scales]).toEqual(new Array(zero.rows).fill(1));
  });

  it('rounds ties to even, as numpy and onnxruntime do', () => {
    expect([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 126.5, -126.5].map(roundHalfEven)).toEqual([-2, -2, 0, 0, 2, 2, 126, -126]);
    expect([0.49999997, 1.2, -1.7].map(roundHalfEven)).toEqual([0, 1, -2]);
  });

  it('refuses a tensor without its scale and sum offsets, an untransposed one, or an unknown format', () => {
    const noScale = golden.tensors.map((t) => ({ ...t, scale_offset: undefined }));
    expect(() => parseManifest(manifestText(section(noScale)))).toThrow(/scale_offset and colsum_offset/);
    const plain = golden.tensors.map((t) => ({ ...t, transpose: false }));
    expect(() => parseManifest(manifestText(section(plain)))).toThrow(/must be stored transposed/);
    expect(() => parseManifest(manifestText(section(golden.tensors, 'int4')))).toThrow(/format must be/);
    const past = golden.tensors.map((t, i) => (i === 0 ? { ...t, colsum_offset: golden.bytes } : t));
    expect(() => parseManifest(manifestText(section(past)))).toThrow(/runs past the data/);
  });
});
