/**
 * The completer's speed figures (`npm run bench`), the same code in Node and in a browser worker: repository
 * encoding tokens/s (cold cache), adapter generation ms, and for base / adapted / RAG prompts the time to first
 * token (prefill), prefill tokens/s and decode ms/token. Prints figures; never judges them.
 */
import type { MemoryTask } from '../../core/memory/index.ts';
import type { CompletionRequest, Method, SourceFile } from './api.ts';
import { decodeBound, type DecodeBound } from './bandwidth.ts';
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
  /**
   * For 'memory' (the repository's assertions in the prompt): where each prefix's assertion is, aligned with
   * `prefixes`, and the repository's assertions it recalls from. Without them 'memory' is not measured.
   */
  memory?: { queries: MemoryTask[]; pool: MemoryTask[] };
}

export interface PromptFigures {
  method: Method;
  prompts: number;
  meanPromptTokens: number;
  /** Medians over the prompts. */
  firstTokenMs: number;
  prefillTokensPerS: number;
  decodeMsPerToken: number | null;
  /** decodeMsPerToken over the bandwidth bound measured in the same run (1 would be the bound itself). */
  decodeOverBound: number | null;
}

export interface BenchFigures {
  encode: { files: number; tokens: number; ms: number; tokensPerS: number };
  adapterMs: number | null;
  prompts: PromptFigures[];
  /** Adapted time to first token over the base model's (the adapter adds no prompt tokens). */
  adaptedOverBaseFirstToken: number | null;
  ragOverBaseFirstToken: number | null;
  /** The repository's tests in the prompt against the adapter alone (the single shared LoRA, else the base). */
  memoryOverAdapterFirstToken: number | null;
  /** One Evo step (evo_step, then evo_heads kept resident), median; the changed files' encoding is not in it. */
  evoStepMs: number | null;
  /** The decode bound where the manifest states the LM's size, measured where the model runs. */
  bound: DecodeBound | null;
}

const median = (xs: number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted.length ? (sorted[Math.floor(sorted.length / 2)] as number) : NaN;
};

/** `completer` must be prepared; `fresh` (a completer over an empty vector cache) measures cold encoding. */
export async function runBenchmark(completer: Completer, input: BenchInput): Promise<BenchFigures> {
  const { files } = completer.state.manifest;
  // A model set without an encoder (the pretrained base alone) encodes nothing and has no Static or Evo.
  const encode = files.encoder ? await encodeFigures(completer, input.files) : { files: 0, tokens: 0, ms: 0, tokensPerS: 0 };

  let adapterId: string | undefined;
  let adapterMs: number | null = null;
  const embedding = files.encoder ? await completer.embed(input.files) : null;
  if (embedding && files.hypernet_static) {
    const times: number[] = [];
    for (let i = 0; i < input.adapterRepeats; i++) {
      const summary = await completer.adapterFromEmbedding(embedding.vector);
      times.push(summary.ms);
      adapterId = summary.id;
    }
    adapterMs = median(times);
  }
  const evoStepMs =
    embedding && missingEvoGraphs(completer.state.manifest).length === 0 ? await evoSteps(completer, embedding.vector, input.adapterRepeats) : null;

  const methods: Method[] = [
    'base',
    ...(adapterId ? (['static'] as const) : []),
    ...(files.single_lora ? (['single'] as const) : []),
    ...(input.memory ? (['memory'] as const) : []),
    'rag',
  ];
  // One warm-up run, so session start-up costs are not in the first method's figures.
  await completer.complete({ prefix: input.prefixes[0] ?? '', method: 'base', maxNewTokens: 2 });
  const bound = decodeBound(completer.state.manifest.config);
  const prompts: PromptFigures[] = [];
  for (const method of methods) {
    const first: number[] = [];
    const prefill: number[] = [];
    const decode: number[] = [];
    let tokens = 0;
    for (const [i, prefix] of input.prefixes.entries()) {
      const request: CompletionRequest = { prefix, method, adapterId, ragFiles: input.files, maxNewTokens: input.maxNewTokens };
      const query = input.memory?.queries[i];
      if (method === 'memory' && input.memory && query) request.memory = { query, pool: input.memory.pool };
      const r = await completer.complete(request);
      first.push(r.firstTokenMs);
      prefill.push((r.promptTokens / r.firstTokenMs) * 1000);
      if (r.newTokens > 1) decode.push((r.totalMs - r.firstTokenMs) / (r.newTokens - 1));
      tokens += r.promptTokens;
    }
    const decodeMsPerToken = decode.length ? median(decode) : null;
    prompts.push({
      method,
      prompts: input.prefixes.length,
      meanPromptTokens: tokens / Math.max(input.prefixes.length, 1),
      firstTokenMs: median(first),
      prefillTokensPerS: median(prefill),
      decodeMsPerToken,
      decodeOverBound: decodeMsPerToken !== null && bound ? decodeMsPerToken / bound.boundMs : null,
    });
  }
  const ttft = (m: Method): number | undefined => prompts.find((p) => p.method === m)?.firstTokenMs;
  const base = ttft('base');
  const ratio = (m: Method): number | null => {
    const t = ttft(m);
    return t !== undefined && base ? t / base : null;
  };
  const adapterAlone = ttft(files.single_lora ? 'single' : 'base');
  const memory = ttft('memory');
  return {
    encode,
    adapterMs,
    prompts,
    adaptedOverBaseFirstToken: ratio('static'),
    ragOverBaseFirstToken: ratio('rag'),
    memoryOverAdapterFirstToken: memory !== undefined && adapterAlone ? memory / adapterAlone : null,
    evoStepMs,
    bound,
  };
}

/** Repository encoding with an empty vector cache (the completer's own cache is warmed first, for the embedding). */
async function encodeFigures(completer: Completer, files: SourceFile[]): Promise<BenchFigures['encode']> {
  const { encoder } = completer.state;
  // Warm-up (session start-up) that also fills the completer's own cache for the embedding below.
  await encoder.fileVectors(encoder.plan(files));
  const plan = encoder.plan(files);
  // Cold encoding: vectors of this plan are cached now, so time a fresh cache over the same host.
  const freshEncoder = completer.encoderWithCache(new MemoryVectorCache());
  const start = performance.now();
  const encoded = await freshEncoder.fileVectors(freshEncoder.plan(files));
  const ms = performance.now() - start;
  return { files: plan.chosen.length, tokens: encoded.tokens, ms, tokensPerS: (encoded.tokens / ms) * 1000 };
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
