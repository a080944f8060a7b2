/**
 * Greedy decoding with the KV cache (models/static/generate.py greedy_completion): the prompt in one prefill run,
 * then one token per run; the present_* outputs stay inside the host as residents (on the GPU under WebGPU) and
 * are fed back as the next run's past_*. LoRA matrices are ordinary inputs (residents from an adapter, or zeros).
 */
import type { LmShape } from '../../cli/lm-feeds.ts';
import type { ModelHost } from '../model-host.ts';
import type { FeedValue, PlainTensor } from '../types.ts';
import type { CancelToken } from './cancel.ts';
import { emptyPastInputs, tokenInputs } from './lm-inputs.ts';

export interface GenerateRequest {
  prompt: readonly number[];
  lora: Record<string, FeedValue>;
  maxNewTokens: number;
  stops: ReadonlySet<number>;
  /** Called after every new token with all ids so far. */
  onToken?: (ids: readonly number[]) => void;
  /** Whether the ids so far already end the completion (the expression-end rules), checked after every token. */
  endsAt?: (ids: readonly number[]) => boolean;
  cancel?: CancelToken;
}

export interface GenerateResult {
  /** Generated ids, the stopping token included when there was one (as in Python). */
  ids: number[];
  firstTokenMs: number;
  totalMs: number;
}

/** The argmax of the last row of logits [1, n, vocab]; the first maximum wins, as torch.argmax. */
export function argmaxLastRow(logits: PlainTensor, vocab: number): number {
  const data = logits.data as Float32Array;
  const offset = data.length - vocab;
  let best = 0;
  let bestValue = data[offset] as number;
  for (let i = 1; i < vocab; i++) {
    const value = data[offset + i] as number;
    if (value > bestValue) {
      best = i;
      bestValue = value;
    }
  }
  return best;
}

const KV_PREFIX = 'completer/kv/';

export async function greedyGenerate(host: ModelHost, shape: LmShape, request: GenerateRequest): Promise<GenerateResult> {
  const start = performance.now();
  const keep: Record<string, string> = {};
  const past: Record<string, FeedValue> = {};
  for (let i = 0; i < shape.n_layers; i++) {
    for (const kind of ['key', 'value']) {
      keep[`present_${kind}_${i}`] = `${KV_PREFIX}past_${kind}_${i}`;
      past[`past_${kind}_${i}`] = { resident: `${KV_PREFIX}past_${kind}_${i}` };
    }
  }
  const ids: number[] = [];
  let firstTokenMs = 0;
  try {
    let feeds: Record<string, FeedValue> = { ...tokenInputs(request.prompt, 0), ...emptyPastInputs(shape), ...request.lora };
    for (let step = 0; step < request.maxNewTokens; step++) {
      request.cancel?.throwIfCancelled();
      const outputs = await host.run('lm', feeds, { keep });
      const logits = outputs.logits;
      if (!logits) throw new Error('lm.onnx returned no logits');
      const next = argmaxLastRow(logits, shape.vocab_size);
      if (step === 0) firstTokenMs = performance.now() - start;
      ids.push(next);
      request.onToken?.(ids);
      if (request.stops.has(next) || request.endsAt?.(ids)) break;
      feeds = { ...tokenInputs([next], request.prompt.length + step), ...past, ...request.lora };
    }
  } finally {
    await host.releaseResident(Object.values(keep));
  }
  return { ids, firstTokenMs, totalMs: performance.now() - start };
}
