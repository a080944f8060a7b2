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
  const r = Math.round(x);
  // A tie went up to r; where r is odd the even neighbour is r - 1.
  // (+ 0 turns the -0 that Math.round gives for -0.5 into 0.)
  return (r - x === 0.5 && (r & 1) !== 0 ? r - 1 : r) + 0;
}

/** Rows quantized together before their codes are written out as columns, so each write is a run of TILE bytes. */
const TILE = 64;

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
  const tile = new Int8Array(TILE * t.cols);
  for (let first = 0; first < t.rows; first += TILE) {
    const count = Math.min(TILE, t.rows - first);
    for (let k = 0; k < count; k++) {
      const r = first + k;
      expandRow(blocks, t, r, row, half);
      let largest = 0;
      for (let c = 0; c < t.cols; c++) largest = Math.max(largest, Math.abs(row[c]!));
      const scale = Math.fround(largest / 127);
      const step = scale > 0 ? scale : 1;
      let sum = 0;
      const at = k * t.cols;
      const inverse = 1 / step;
      for (let c = 0; c < t.cols; c++) {
        const value = row[c]!;
        // A product with the inverse lands within 1e-5 of the float32 quotient (|code| <= 127): it rounds the same
        // unless it sits next to a tie, where the exact float32 quotient decides. Dividing every weight took 3x as long.
        const shifted = value * inverse + 128.5; // in [1, 256) for |code| <= 127: truncation rounds it
        let code = (shifted | 0) - 128;
        const off = shifted - (shifted | 0);
        if (off < 0.0001 || off > 0.9999) code = roundHalfEven(Math.fround(value / step));
        code = code > 127 ? 127 : code < -127 ? -127 : code;
        tile[at + c] = code;
        sum += code;
      }
      view.setFloat32(t.scaleOffset + 4 * r, step, true);
      view.setInt32(t.colsumOffset + 4 * r, sum, true);
    }
    for (let c = 0; c < t.cols; c++) {
      const base = c * t.rows + first;
      for (let k = 0; k < count; k++) codes[base + k] = tile[k * t.cols + c]!;
    }
  }
}
