/**
 * A graph's external float32 weights, computed from GGUF blocks the way models/export/gguf_initializers.py does
 * (the `gguf` package's dequantization, in float32): Q4_1 w = d * q + m, Q8_0 w = d * q, per block of 32 along a
 * row. Doing it here, before the session is made, replaces dequantize nodes that onnxruntime folded at load, which
 * held every float32 intermediate of the chain at once (a 4.4 GB peak for the 135M base) and took three times as
 * long. Bit-identical to Python: a float32 product or sum computed in float64 and rounded once is the float32
 * result, since float64 has more than twice float32's precision.
 */
import { ModelError } from './errors.ts';
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

function expand(blocks: Uint8Array, t: ExternalTensor, out: Float32Array, half: Float32Array): void {
  const perBlock = BLOCK_BYTES[t.kind];
  const blocksPerRow = t.cols / BLOCK;
  const base = t.dataOffset / 4;
  // Where column c of row r goes: row-major [rows, cols], or [cols, rows] for a transposed initializer.
  const rowStep = t.transpose ? 1 : t.cols;
  const colStep = t.transpose ? t.rows : 1;
  const codes = new Int32Array(BLOCK);
  for (let r = 0; r < t.rows; r++) {
    for (let b = 0; b < blocksPerRow; b++) {
      const at = t.blocksOffset + (r * blocksPerRow + b) * perBlock;
      const d = half[blocks[at]! | (blocks[at + 1]! << 8)]!;
      let m = 0;
      if (t.kind === 'Q4_1') {
        m = half[blocks[at + 2]! | (blocks[at + 3]! << 8)]!;
        // Byte j holds code j (low nibble) and code j + 16 (high nibble) of its block.
        for (let j = 0; j < 16; j++) {
          const byte = blocks[at + 4 + j]!;
          codes[j] = byte & 0x0f;
          codes[j + 16] = byte >> 4;
        }
      } else {
        for (let j = 0; j < BLOCK; j++) codes[j] = (blocks[at + 2 + j]! << 24) >> 24;
      }
      let index = base + r * rowStep + b * BLOCK * colStep;
      if (t.kind === 'Q4_1') {
        for (let j = 0; j < BLOCK; j++, index += colStep) out[index] = Math.fround(Math.fround(d * codes[j]!) + m);
      } else {
        for (let j = 0; j < BLOCK; j++, index += colStep) out[index] = d * codes[j]!;
      }
    }
  }
}

/** The external data file's bytes (little-endian float32, as onnxruntime reads them). */
export function dequantizeExternal(blocks: Uint8Array, weights: ExternalWeights): Uint8Array {
  for (const t of weights.tensors) {
    if (t.blocksOffset + blocksBytes(t) > blocks.byteLength) {
      throw new ModelError(
        'corrupt-file',
        `${weights.blocksFile}: ${t.tensor} needs bytes ${t.blocksOffset}-${t.blocksOffset + blocksBytes(t)} but the file has ${blocks.byteLength}`,
      );
    }
  }
  const out = new Float32Array(weights.bytes / 4);
  const half = halves();
  for (const t of weights.tensors) expand(blocks, t, out, half);
  return new Uint8Array(out.buffer);
}
