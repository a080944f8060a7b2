import type { PlainTensor } from '../../engine/types.ts';

export interface TensorSummary {
  type: string;
  dims: number[];
  min: number;
  max: number;
  mean: number;
  /** The first few values, for eyeballing. */
  head: number[];
}

function values(tensor: PlainTensor): number[] {
  return Array.from(tensor.data as ArrayLike<number | bigint>, (v) => Number(v));
}

export function summarise(tensor: PlainTensor): TensorSummary {
  const all = values(tensor);
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (const v of all) {
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  return { type: tensor.type, dims: [...tensor.dims], min, max, mean: all.length ? sum / all.length : 0, head: all.slice(0, 4) };
}

/** Largest absolute element difference; Infinity when shapes differ, NaN when either side has a NaN. */
export function maxAbsDifference(a: PlainTensor, b: PlainTensor): number {
  if (a.dims.length !== b.dims.length || a.dims.some((d, i) => d !== b.dims[i])) return Infinity;
  const x = values(a);
  const y = values(b);
  let worst = 0;
  for (let i = 0; i < x.length; i += 1) {
    const d = Math.abs(x[i]! - y[i]!);
    if (Number.isNaN(d)) return NaN;
    if (d > worst) worst = d;
  }
  return worst;
}
