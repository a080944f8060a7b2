import { describe, expect, it } from 'vitest';
import { manifestWithExternal, readExternalGolden } from './external-golden.ts';
import { dequantizeExternal } from './gguf-dequantize.ts';
import { parseManifest } from './manifest.ts';

const golden = readExternalGolden('q4_graph.json', 'parts');

function manifestText(tensors: Record<string, unknown>[] = golden.tensors): string {
  const external = { location: 'lm_q4.weights', blocks_file: 'lm_blocks', bytes: golden.bytes, format: golden.format, tensors };
  return manifestWithExternal('lm_q4', external);
}

describe('q4-nbits repacking', () => {
  it("writes Python's 4-bit codes, block scales, offsets and float32 expansions byte for byte", () => {
    const external = parseManifest(manifestText()).files.lm_q4!.external!;
    expect(external.format).toBe('q4-nbits');
    expect(external.tensors.map((t) => [t.kind, t.minOffset !== undefined])).toEqual([
      ['Q8_0', false],
      ['Q4_1', true],
      ['Q4_1', true],
    ]);
    const ours = dequantizeExternal(new Uint8Array(Buffer.from(golden.blocks_base64, 'base64')), external);
    const theirs = new Uint8Array(Buffer.from(golden.data_base64, 'base64'));
    expect(ours.byteLength).toBe(theirs.byteLength);
    expect(ours.findIndex((byte, i) => byte !== theirs[i])).toBe(-1);
  });

  it('puts code 2i in the low nibble and 2i + 1 in the high nibble of byte i, as MatMulNBits reads them', () => {
    // One Q4_1 block (d = 1, m = 0) whose codes are j % 16 for j = 0..31: GGUF byte j holds codes j and j + 16.
    const block = new Uint8Array(20);
    block[1] = 0x3c; // float16 1.0, little-endian
    for (let j = 0; j < 16; j++) block[4 + j] = (j % 16) | ((((j + 16) % 16) & 0x0f) << 4);
    const tensor = { tensor: 'w', kind: 'Q4_1', rows: 1, cols: 32, transpose: true, blocks_offset: 0, data_offset: 0, scale_offset: 64, min_offset: 128 };
    const external = {
      location: 'w.weights', blocks_file: 'lm_blocks', bytes: 192, format: 'q4-nbits', tensors: [tensor],
    };
    const parsed = parseManifest(
      JSON.stringify({
        version: 1,
        files: { w: { path: 'w.onnx', sha256: '0'.repeat(64), bytes: 1, external }, lm_blocks: { path: 'b', sha256: '1'.repeat(64), bytes: 20 } },
      }),
    ).files.w!.external!;
    const out = dequantizeExternal(block, parsed);
    const expected = Array.from({ length: 16 }, (_, i) => ((2 * i) % 16) | (((2 * i + 1) % 16) << 4));
    expect([...out.subarray(0, 16)]).toEqual(expected);
    const view = new DataView(out.buffer);
    expect(view.getFloat32(64, true)).toBe(1); // d
    expect(view.getFloat32(128, true)).toBe(8); // m + 8 d
  });

  it('refuses a Q4_1 tensor without its scale and offset-table offsets, or an untransposed one', () => {
    const noMin = golden.tensors.map((t) => ({ ...t, min_offset: undefined }));
    expect(() => parseManifest(manifestText(noMin))).toThrow(/scale_offset and min_offset/);
    const plain = golden.tensors.map((t) => ({ ...t, transpose: false }));
    expect(() => parseManifest(manifestText(plain))).toThrow(/must be stored transposed/);
    const past = golden.tensors.map((t) => (t.kind === 'Q4_1' ? { ...t, min_offset: golden.bytes } : t));
    expect(() => parseManifest(manifestText(past))).toThrow(/runs past the data/);
  });
});
