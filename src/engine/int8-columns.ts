/**
 * The 8-bit WASM graph's weights (models/export/int8_graph.py quantize_columns), made from the float32 weights the
 * blocks expand to: int8 codes with one symmetric scale per graph column, scale = max |w| / 127 (1 for a zero
 * column), codes rounded half to even and saturated at +-127, and each column's code sum, which the graph needs to
 * take the activations' zero point out of the integer product. float32 arithmetic throughout, so the bytes are
 * Python's: a float32 quotient computed in float64 and rounded once is the float32 quotient.
 */
import type { ExternalTensor } from './types.ts';

type ExpandRow = (blocks: Uint8Array, t: ExternalTensor, r: number, row: Float32Array, half: Float32Array) => void;

/** Rounds to the nearest integer, ties to even (numpy's rint, onnxruntime's Round); Math.round sends ties up. */
export function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const fraction = x - floor;
  if (fraction < 0.5) return floor;
  if (fraction > 0.5) return floor + 1;
  return floor % 2 === 0 ? floor : floor + 1;
}

/**
 * Writes tensor `t` into `out`: codes as [cols, rows] int8 at dataOffset (blocks row r is graph column r), then
 * rows float32 scales at scaleOffset and rows int32 sums at colsumOffset (little-endian, as onnxruntime reads them).
 */
export function quantizeColumns(
  blocks: Uint8Array,
  t: ExternalTensor,
  out: Uint8Array,
  half: Float32Array,
  expandRow: ExpandRow,
): void {
  if (t.scaleOffset === undefined || t.colsumOffset === undefined || !t.transpose) {
    throw new Error(`${t.tensor}: an int8-columns tensor needs scale and column-sum offsets and a transposed layout`);
  }
  const codes = new Int8Array(out.buffer, out.byteOffset + t.dataOffset, t.rows * t.cols);
  const view = new DataView(out.buffer, out.byteOffset);
  const row = new Float32Array(t.cols);
  for (let r = 0; r < t.rows; r++) {
    expandRow(blocks, t, r, row, half);
    let largest = 0;
    for (let c = 0; c < t.cols; c++) largest = Math.max(largest, Math.abs(row[c]!));
    const scale = Math.fround(largest / 127);
    const step = scale > 0 ? scale : 1;
    let sum = 0;
    for (let c = 0, index = r; c < t.cols; c++, index += t.rows) {
      const code = Math.min(127, Math.max(-127, roundHalfEven(Math.fround(row[c]! / step))));
      codes[index] = code;
      sum += code;
    }
    view.setFloat32(t.scaleOffset + 4 * r, step, true);
    view.setInt32(t.colsumOffset + 4 * r, sum, true);
  }
}
