/**
 * The 4-bit WebGPU graph's weights (models/export/q4_graph.py q4_parts), made from the GGUF Q4_1 blocks as they
 * come: no arithmetic but one float32 sum. Per block of 32 weights w = d * q + m, MatMulNBits takes the codes with
 * code 2i in the low nibble of byte i (GGUF puts codes j and j + 16 in one byte), d as the block's scale, and its
 * default zero point of 8; the graph adds the rest, m + 8 d per block, from a [blocks, rows] table.
 */
import type { ExternalTensor } from './types.ts';

const BLOCK = 32;
const Q4_1_BYTES = 20;

/** Writes tensor `t` into `out`: codes [rows, blocks, 16] at dataOffset, d [rows * blocks] float32 at scaleOffset,
 * m + 8 d as [blocks, rows] float32 at minOffset (little-endian, as onnxruntime reads them). */
export function packNbits(blocks: Uint8Array, t: ExternalTensor, out: Uint8Array, half: Float32Array): void {
  if (t.kind !== 'Q4_1' || t.scaleOffset === undefined || t.minOffset === undefined || !t.transpose) {
    throw new Error(`${t.tensor}: a q4-nbits weight must be Q4_1, with scale and offset-table offsets, stored transposed`);
  }
  const perRow = t.cols / BLOCK;
  const view = new DataView(out.buffer, out.byteOffset);
  for (let r = 0; r < t.rows; r++) {
    for (let b = 0; b < perRow; b++) {
      const block = r * perRow + b;
      const at = t.blocksOffset + block * Q4_1_BYTES;
      const d = half[blocks[at]! | (blocks[at + 1]! << 8)]!;
      const m = half[blocks[at + 2]! | (blocks[at + 3]! << 8)]!;
      view.setFloat32(t.scaleOffset + 4 * block, d, true);
      // In float32, as numpy adds two float32 values: the exact sum rounded once.
      view.setFloat32(t.minOffset + 4 * (b * t.rows + r), Math.fround(m + 8 * d), true);
      const codes = t.dataOffset + block * 16;
      for (let i = 0; i < 16; i++) {
        // Codes 2i and 2i + 1 of the block: GGUF byte (2i mod 16) holds code 2i (low nibble if 2i < 16, else high).
        const lo = code(blocks, at, 2 * i);
        const hi = code(blocks, at, 2 * i + 1);
        out[codes + i] = lo | (hi << 4);
      }
    }
  }
}

/** Code j (0..31) of the Q4_1 block at `at`: byte j % 16 of its codes, low nibble for j < 16, high for the rest. */
function code(blocks: Uint8Array, at: number, j: number): number {
  const byte = blocks[at + 4 + (j & 15)]!;
  return j < 16 ? byte & 0x0f : byte >> 4;
}
