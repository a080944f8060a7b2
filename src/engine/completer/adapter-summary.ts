/** Norms of an adapter's matrices and of its weight updates, for the UI (AdapterSummary in api.ts). */
import { LORA_TARGETS } from '../../cli/lm-feeds.ts';
import type { PlainTensor } from '../types.ts';

export type LoraValues = Record<string, PlainTensor>;

function frobenius(data: Float32Array): number {
  let sum = 0;
  for (const x of data) sum += x * x;
  return Math.sqrt(sum);
}

/** ||B A||_F from the r x r Gram matrices: ||BA||^2 = tr((B^T B)(A A^T)), without forming d_out x d_in. */
export function productNorm(a: Float32Array, b: Float32Array, rank: number): number {
  const dIn = a.length / rank;
  const dOut = b.length / rank;
  const aat = new Float64Array(rank * rank);
  const btb = new Float64Array(rank * rank);
  for (let i = 0; i < rank; i++) {
    for (let j = 0; j < rank; j++) {
      let s = 0;
      for (let k = 0; k < dIn; k++) s += (a[i * dIn + k] as number) * (a[j * dIn + k] as number);
      aat[i * rank + j] = s;
      let t = 0;
      for (let k = 0; k < dOut; k++) t += (b[k * rank + i] as number) * (b[k * rank + j] as number);
      btb[i * rank + j] = t;
    }
  }
  let trace = 0;
  for (let i = 0; i < rank; i++) for (let j = 0; j < rank; j++) trace += (btb[i * rank + j] as number) * (aat[j * rank + i] as number);
  return Math.sqrt(Math.max(trace, 0));
}

export function adapterNorms(values: LoraValues, rank: number, alpha: number): Record<string, { a: number; b: number; delta: number }> {
  const out: Record<string, { a: number; b: number; delta: number }> = {};
  for (const m of LORA_TARGETS) {
    const a = values[`lora_A_${m}`]?.data as Float32Array | undefined;
    const b = values[`lora_B_${m}`]?.data as Float32Array | undefined;
    if (!a || !b) throw new Error(`adapter lacks lora_A_${m} / lora_B_${m}`);
    out[m] = { a: frobenius(a), b: frobenius(b), delta: (alpha / rank) * productNorm(a, b, rank) };
  }
  return out;
}

/** Cosine between two adapters' tensors, flattened in the same order. */
export function adapterCosine(x: LoraValues, y: LoraValues): number {
  let dot = 0;
  let xx = 0;
  let yy = 0;
  for (const name of Object.keys(x).sort()) {
    const p = x[name]?.data as Float32Array;
    const q = y[name]?.data as Float32Array | undefined;
    if (!q || q.length !== p.length) return NaN;
    for (let i = 0; i < p.length; i++) {
      dot += (p[i] as number) * (q[i] as number);
      xx += (p[i] as number) ** 2;
      yy += (q[i] as number) ** 2;
    }
  }
  return dot / Math.max(Math.sqrt(xx * yy), 1e-30);
}
