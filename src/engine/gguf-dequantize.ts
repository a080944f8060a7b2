/**
 * A graph's external float32 weights, computed from GGUF blocks the way models/export/gguf_initializers.py does
 * (the `gguf` package's dequantization, in float32): Q4_1 w = d * q + m, Q8_0 w = d * q, per block of 32 along a
 * row. Doing it here, before the session is made, replaces dequantize nodes that onnxruntime folded at load, which
 * held every float32 intermediate of the chain at once (a 4.4 GB peak for the 135M base) and took three times as
 * long. Bit-identical to Python: a float32 product or sum computed in float64 and rounded once is the float32
 * result, since float64 has more than twice float32's precision.
 */
import { ModelError } from './errors.ts';
import { quantizeColumns } from './int8-columns.ts';
import { packNbits } from './q4-nbits.ts';
import type { ExternalTensor, ExternalWeights } from './types.ts';

const BLOCK = 32;
const BLOCK_BYTES = { Q4_1: 20, Q8_0: 34 } as const;

let halfTable: Float32Array | undefined;

/** Every float16 bit pattern's value, made once (65,536 entries). */
function halves(): Float32Array {
  if (halfTable) return halfTable;
  const table = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const exponent = (h >> 10) & 0x1f;
    const fraction = h & 0x3ff;
    if (exponent === 0) table[h] = sign * fraction * 2 ** -24;
    else if (exponent === 31) table[h] = fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
    else table[h] = sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
  }
  halfTable = table;
  return table;
}

function blocksBytes(t: ExternalTensor): number {
  return (t.rows * t.cols * BLOCK_BYTES[t.kind]) / BLOCK;
}

/** Row r of a [rows, cols] blocks weight, dequantized into `row` (cols floats). */
function expandRow(blocks: Uint8Array, t: ExternalTensor, r: number, row: Float32Array, half: Float32Array): void {
  const perBlock = BLOCK_BYTES[t.kind];
  const blocksPerRow = t.cols / BLOCK;
  for (let b = 0; b < blocksPerRow; b++) {
    const at = t.blocksOffset + (r * blocksPerRow + b) * perBlock;
    const d = half[blocks[at]! | (blocks[at + 1]! << 8)]!;
    const first = b * BLOCK;
    if (t.kind === 'Q4_1') {
      const m = half[blocks[at + 2]! | (blocks[at + 3]! << 8)]!;
      // Byte j holds code j (low nibble) and code j + 16 (high nibble) of its block.
      for (let j = 0; j < 16; j++) {
        const byte = blocks[at + 4 + j]!;
        row[first + j] = Math.fround(Math.fround(d * (byte & 0x0f)) + m);
        row[first + j + 16] = Math.fround(Math.fround(d * (byte >> 4)) + m);
      }
    } else {
      for (let j = 0; j < BLOCK; j++) row[first + j] = d * ((blocks[at + 2 + j]! << 24) >> 24);
    }
  }
}

function expandFloat32(blocks: Uint8Array, t: ExternalTensor, out: Float32Array, half: Float32Array): void {
  const base = t.dataOffset / 4;
  // Where column c of row r goes: row-major [rows, cols], or [cols, rows] for a transposed initializer.
  const rowStep = t.transpose ? 1 : t.cols;
  const colStep = t.transpose ? t.rows : 1;
  const row = new Float32Array(t.cols);
  for (let r = 0; r < t.rows; r++) {
    expandRow(blocks, t, r, row, half);
    let index = base + r * rowStep;
    for (let c = 0; c < t.cols; c++, index += colStep) out[index] = row[c]!;
  }
}

/**
 * The external data file's bytes, as onnxruntime reads them: little-endian float32 weights; for the 8-bit graph,
 * int8 codes with their column scales and sums (int8-columns.ts); for the 4-bit graph, repacked 4-bit codes with
 * their block scales and offsets (q4-nbits.ts).
 */
export function dequantizeExternal(blocks: Uint8Array, weights: ExternalWeights): Uint8Array {
  for (const t of weights.tensors) {
    if (t.blocksOffset + blocksBytes(t) > blocks.byteLength) {
      throw new ModelError(
        'corrupt-file',
        `${weights.blocksFile}: ${t.tensor} needs bytes ${t.blocksOffset}-${t.blocksOffset + blocksBytes(t)} but the file has ${blocks.byteLength}`,
      );
    }
  }
  const half = halves();
  if (weights.format === 'int8-columns') {
    const out = new Uint8Array(weights.bytes);
    for (const t of weights.tensors) quantizeColumns(blocks, t, out, half, expandRow);
    return out;
  }
  if (weights.format === 'q4-nbits') {
    // 4-bit codes, their block scales and offsets for Q4_1 weights; any other weight expanded to float32.
    const out = new Uint8Array(weights.bytes);
    const floats = new Float32Array(out.buffer, 0, Math.floor(weights.bytes / 4));
    for (const t of weights.tensors) {
      if (t.kind === 'Q4_1') packNbits(blocks, t, out, half);
      else expandFloat32(blocks, t, floats, half);
    }
    return out;
  }
  const out = new Float32Array(weights.bytes / 4);
  for (const t of weights.tensors) expandFloat32(blocks, t, out, half);
  return new Uint8Array(out.buffer);
}
