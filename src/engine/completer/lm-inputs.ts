/** Feeds of lm.onnx as plain tensors (what ModelHost.run takes): tokens, an empty KV cache, an all-zero adapter. */
import { LORA_TARGETS, loraDims, type LmShape } from '../../cli/lm-feeds.ts';
import type { FeedValue, PlainTensor } from '../types.ts';

export function tokenInputs(ids: readonly number[], start: number): Record<string, PlainTensor> {
  const n = ids.length;
  return {
    input_ids: { type: 'int64', data: BigInt64Array.from(ids, (id) => BigInt(id)), dims: [1, n] },
    position_ids: { type: 'int64', data: BigInt64Array.from({ length: n }, (_, i) => BigInt(start + i)), dims: [1, n] },
  };
}

export function emptyPastInputs(shape: LmShape): Record<string, PlainTensor> {
  const feeds: Record<string, PlainTensor> = {};
  for (let i = 0; i < shape.n_layers; i++) {
    for (const kind of ['key', 'value']) {
      feeds[`past_${kind}_${i}`] = { type: 'float32', data: new Float32Array(0), dims: [1, shape.n_kv_heads, 0, shape.head_dim] };
    }
  }
  return feeds;
}

export function loraInputNames(): string[] {
  return LORA_TARGETS.flatMap((m) => [`lora_A_${m}`, `lora_B_${m}`]);
}

/** The base model: every LoRA input zero. */
export function zeroLoraInputs(shape: LmShape, rank: number): Record<string, FeedValue> {
  const feeds: Record<string, FeedValue> = {};
  for (const m of LORA_TARGETS) {
    const dims = loraDims(shape, m, rank);
    feeds[`lora_A_${m}`] = { type: 'float32', data: new Float32Array(dims.a[0] * dims.a[1]), dims: dims.a };
    feeds[`lora_B_${m}`] = { type: 'float32', data: new Float32Array(dims.b[0] * dims.b[1]), dims: dims.b };
  }
  return feeds;
}

export function presentNames(shape: LmShape): string[] {
  return Array.from({ length: shape.n_layers }, (_, i) => [`present_key_${i}`, `present_value_${i}`]).flat();
}
