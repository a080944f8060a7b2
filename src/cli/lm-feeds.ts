import * as ort from 'onnxruntime-web';

import { LORA_TARGETS, type LoraTarget } from '../core/adapters/layout.ts';

/** The LoRA projection types, in the order of the lm.onnx inputs (models/lm/config.py LORA_TARGETS). */
export { LORA_TARGETS, type LoraTarget };

/** What lm.onnx's feeds depend on (from the manifest's config.lm). */
export interface LmShape {
  n_layers: number;
  n_heads: number;
  /** Key/value heads (grouped-query attention); the KV cache and the k/v projections have this many. */
  n_kv_heads: number;
  head_dim: number;
  d_model: number;
  d_ff: number;
  vocab_size: number;
}

/** One adapter: for each target, A [rank, d_in] and B [d_out, rank], row-major float32. */
export type LoraArrays = Record<LoraTarget, { a: Float32Array; b: Float32Array }>;

export function loraDims(shape: LmShape, target: LoraTarget, rank: number): { a: [number, number]; b: [number, number] } {
  const dIn = target === 'down' ? shape.d_ff : shape.d_model;
  const kvDim = shape.n_kv_heads * shape.head_dim;
  const dOut = target === 'gate' || target === 'up' ? shape.d_ff : target === 'k' || target === 'v' ? kvDim : shape.d_model;
  return { a: [rank, dIn], b: [dOut, rank] };
}

/** An all-zero adapter: lm.onnx then computes the base model. */
export function zeroLora(shape: LmShape, rank: number): LoraArrays {
  const out = {} as LoraArrays;
  for (const m of LORA_TARGETS) {
    const dims = loraDims(shape, m, rank);
    out[m] = { a: new Float32Array(dims.a[0] * dims.a[1]), b: new Float32Array(dims.b[0] * dims.b[1]) };
  }
  return out;
}

/** The same deterministic adapter as models/export/lora_pattern.py. */
export function patternLora(shape: LmShape, rank: number): LoraArrays {
  const out = {} as LoraArrays;
  LORA_TARGETS.forEach((m, t) => {
    const dims = loraDims(shape, m, rank);
    const a = Float32Array.from({ length: dims.a[0] * dims.a[1] }, (_, i) => 0.05 * Math.sin(0.37 * i + 1.3 * t));
    const b = Float32Array.from({ length: dims.b[0] * dims.b[1] }, (_, i) => 0.05 * Math.cos(0.23 * i + 0.7 * t));
    out[m] = { a, b };
  });
  return out;
}

export function loraFeeds(shape: LmShape, lora: LoraArrays, rank: number): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  for (const m of LORA_TARGETS) {
    const dims = loraDims(shape, m, rank);
    feeds[`lora_A_${m}`] = new ort.Tensor('float32', lora[m].a, dims.a);
    feeds[`lora_B_${m}`] = new ort.Tensor('float32', lora[m].b, dims.b);
  }
  return feeds;
}

/** A KV cache with zero past tokens (the first step). */
export function emptyPast(shape: LmShape, batch = 1): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  for (let i = 0; i < shape.n_layers; i++) {
    for (const kind of ['key', 'value']) {
      feeds[`past_${kind}_${i}`] = new ort.Tensor('float32', new Float32Array(0), [batch, shape.n_kv_heads, 0, shape.head_dim]);
    }
  }
  return feeds;
}

/** The next step's past_* feeds from a run's present_* outputs. */
export function pastFromPresent(shape: LmShape, outputs: Record<string, ort.Tensor>): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  for (let i = 0; i < shape.n_layers; i++) {
    for (const kind of ['key', 'value']) {
      const present = outputs[`present_${kind}_${i}`];
      if (!present) throw new Error(`lm.onnx output present_${kind}_${i} is missing`);
      feeds[`past_${kind}_${i}`] = present;
    }
  }
  return feeds;
}

/** input_ids and position_ids [1, n] for tokens at positions start..start+n-1. */
export function tokenFeeds(ids: readonly number[], start: number): Record<string, ort.Tensor> {
  const n = ids.length;
  return {
    input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, (id) => BigInt(id)), [1, n]),
    position_ids: new ort.Tensor('int64', BigInt64Array.from({ length: n }, (_, i) => BigInt(start + i)), [1, n]),
  };
}

/** Reads the LM's shape out of a parsed manifest's config.lm. */
export function lmShapeFromConfig(config: Record<string, unknown> | undefined): LmShape {
  const lm = config?.lm as Record<string, unknown> | undefined;
  const keys = ['n_layers', 'n_heads', 'head_dim', 'd_model', 'd_ff', 'vocab_size'] as const;
  const shape = {} as LmShape;
  for (const key of keys) {
    const value = lm?.[key];
    if (typeof value !== 'number') throw new Error(`manifest config.lm.${key} is missing`);
    shape[key] = value;
  }
  // Manifests written before grouped-query attention have no n_kv_heads (0 in models/lm/config.py): as many as heads.
  const kvHeads = lm?.n_kv_heads;
  shape.n_kv_heads = typeof kvHeads === 'number' && kvHeads > 0 ? kvHeads : shape.n_heads;
  return shape;
}
