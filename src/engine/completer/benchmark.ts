/**
 * The completer's speed figures (`npm run bench`), the same code in Node and in a browser worker: repository
 * encoding tokens/s (cold cache), adapter generation ms, and for base / adapted / RAG prompts the time to first
 * token (prefill), prefill tokens/s and decode ms/token. Prints figures; never judges them.
 */
import type { Method, SourceFile } from './api.ts';
import type { Completer } from './completer.ts';
import { missingEvoGraphs } from './evo-graphs.ts';
import { MemoryVectorCache } from './vector-cache.ts';

export interface BenchInput {
  files: SourceFile[];
  /** Task prefixes to complete (each method runs every one). */
  prefixes: string[];
  adapterRepeats: number;
  maxNewTokens: number;
  /** For the harness's 'complete' mode: which methods to run (default: every one the model set has). */
  methods?: Method[];
}

export interface PromptFigures {
  method: Method;
  prompts: number;
  meanPromptTokens: number;
  /** Medians over the prompts. */
  firstTokenMs: number;
  prefillTokensPerS: number;
  decodeMsPerToken: number | null;
}

export interface BenchFigures {
  encode: { files: number; tokens: number; ms: number; tokensPerS: number };
  adapterMs: number | null;
  prompts: PromptFigures[];
  /** Adapted time to first token over the base model's (the adapter adds no prompt tokens). */
  adaptedOverBaseFirstToken: number | null;
  ragOverBaseFirstToken: number | null;
  /** One Evo step (evo_step, then evo_heads kept resident), median; the changed files' encoding is not in it. */
  evoStepMs: number | null;
}

const median = (xs: number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted.length ? (sorted[Math.floor(sorted.length / 2)] as number) : NaN;
};

/** `completer` must be prepared; `fresh` (a completer over an empty vector cache) measures cold encoding. */
export async function runBenchmark(completer: Completer, input: BenchInput): Promise<BenchFigures> {
  const { encoder } = completer.state;
  // Warm-up (session start-up) that also fills the completer's own cache for the embedding below.
  await encoder.fileVectors(encoder.plan(input.files));
  const plan = encoder.plan(input.files);
  // Cold encoding: vectors of this plan are cached now, so time a fresh cache over the same host.
  const freshEncoder = completer.encoderWithCache(new MemoryVectorCache());
  const start = performance.now();
  const encoded = await freshEncoder.fileVectors(freshEncoder.plan(input.files));
  const encodeMs = performance.now() - start;

  let adapterId: string | undefined;
  let adapterMs: number | null = null;
  const embedding = await completer.embed(input.files);
  if (completer.state.manifest.files.hypernet_static) {
    const times: number[] = [];
    for (let i = 0; i < input.adapterRepeats; i++) {
      const summary = await completer.adapterFromEmbedding(embedding.vector);
      times.push(summary.ms);
      adapterId = summary.id;
    }
    adapterMs = median(times);
  }
  const evoStepMs = missingEvoGraphs(completer.state.manifest).length === 0 ? await evoSteps(completer, embedding.vector, input.adapterRepeats) : null;

  const methods: Method[] = adapterId ? ['base', 'static', 'rag'] : ['base', 'rag'];
  // One warm-up run, so session start-up costs are not in the first method's figures.
  await completer.complete({ prefix: input.prefixes[0] ?? '', method: 'base', maxNewTokens: 2 });
  const prompts: PromptFigures[] = [];
  for (const method of methods) {
    const first: number[] = [];
    const prefill: number[] = [];
    const decode: number[] = [];
    let tokens = 0;
    for (const prefix of input.prefixes) {
      const r = await completer.complete({ prefix, method, adapterId, ragFiles: input.files, maxNewTokens: input.maxNewTokens });
      first.push(r.firstTokenMs);
      prefill.push((r.promptTokens / r.firstTokenMs) * 1000);
      if (r.newTokens > 1) decode.push((r.totalMs - r.firstTokenMs) / (r.newTokens - 1));
      tokens += r.promptTokens;
    }
    prompts.push({
      method,
      prompts: input.prefixes.length,
      meanPromptTokens: tokens / Math.max(input.prefixes.length, 1),
      firstTokenMs: median(first),
      prefillTokensPerS: median(prefill),
      decodeMsPerToken: decode.length ? median(decode) : null,
    });
  }
  const ttft = (m: Method): number | undefined => prompts.find((p) => p.method === m)?.firstTokenMs;
  const base = ttft('base');
  const ratio = (m: Method): number | null => {
    const t = ttft(m);
    return t !== undefined && base ? t / base : null;
  };
  return {
    encode: {
      files: plan.chosen.length,
      tokens: encoded.tokens,
      ms: encodeMs,
      tokensPerS: (encoded.tokens / encodeMs) * 1000,
    },
    adapterMs,
    prompts,
    adaptedOverBaseFirstToken: ratio('static'),
    ragOverBaseFirstToken: ratio('rag'),
    evoStepMs,
  };
}

/** Median ms of Evo steps from the snapshot's state (the snapshot embedding stands in for a commit's). */
async function evoSteps(completer: Completer, embedding: Float32Array, repeats: number): Promise<number> {
  let from = (await completer.evoStartFromEmbedding(embedding)).id;
  const times: number[] = [];
  for (let i = 0; i < Math.max(repeats, 1); i++) {
    const step = await completer.evoStepFromEmbedding(from, embedding);
    times.push(step.ms);
    from = step.id;
  }
  return median(times);
}
