/**
 * The completer engine (CompleterApi) on top of one ModelHost: repository encoding, Static adapters, greedy
 * completion for every method. The model worker runs it for the UI; the Node CLI and benchmark run it in-process.
 * Operations run one at a time (they share the KV-cache residents); cancel() stops the ones in flight.
 */
import { CodeTokenizer } from '../../core/tokenizer/code-tokenizer.ts';
import { lmShapeFromConfig, type LmShape } from '../../cli/lm-feeds.ts';
import { ModelError } from '../errors.ts';
import type { ModelHost } from '../model-host.ts';
import { SerialQueue } from '../serial-queue.ts';
import type { FeedValue, LoadProgress, Manifest } from '../types.ts';
import { adapterCosine, adapterNorms, type LoraValues } from './adapter-summary.ts';
import type {
  AdapterSummary,
  CompleterApi,
  CompletionRequest,
  CompletionResult,
  EncodeProgress,
  EvoStepInput,
  SourceFile,
} from './api.ts';
import { CancelToken } from './cancel.ts';
import { completerSettings, type CompleterSettings } from './config.ts';
import { greedyGenerate } from './generate.ts';
import { loraInputNames, presentNames, zeroLoraInputs } from './lm-inputs.ts';
import { atCursor, prefixPrompt, promptText, retrievalPrompt } from './prompts.ts';
import { RepoEncoder, productionFiles, type RepoEmbedding } from './repo-encoder.ts';
import { Retriever } from './retriever.ts';
import { firstLine, stopTokenIds } from './stop-rules.ts';
import type { VectorCache } from './vector-cache.ts';

/** Adapters kept resident at once (each is a few hundred kB); the least recently used goes first. */
const MAX_ADAPTERS = 32;

interface Prepared {
  manifest: Manifest;
  tokenizer: CodeTokenizer;
  shape: LmShape;
  settings: CompleterSettings;
  stops: Set<number>;
  encoder: RepoEncoder;
  zeroLora: Record<string, FeedValue>;
  loraAlpha: number;
}

interface StoredAdapter {
  residents: Record<string, string>;
  values: LoraValues;
  summary: AdapterSummary;
}

export class Completer implements CompleterApi {
  private prepared: Prepared | null = null;
  private readonly queue = new SerialQueue();
  private readonly active = new Set<CancelToken>();
  private readonly adapters = new Map<string, StoredAdapter>();
  private retriever: { key: string; retriever: Retriever } | null = null;
  private adapterCount = 0;

  constructor(
    private readonly host: ModelHost,
    private readonly vectorCache: VectorCache,
  ) {}

  async prepare(manifestUrl: string, onProgress?: (p: LoadProgress) => void): Promise<void> {
    await this.exclusive(async () => {
      const manifest = await this.host.loadManifest(manifestUrl, onProgress);
      const tokenizer = CodeTokenizer.fromJson(new TextDecoder().decode(await this.host.readFile('tokenizer')));
      const shape = lmShapeFromConfig(manifest.config);
      const settings = completerSettings(manifest);
      await this.releaseAdapters([...this.adapters.keys()]);
      await this.host.load('lm', { gpuOutputs: presentNames(shape) });
      await this.host.load('encoder');
      if (manifest.files.hypernet_static) await this.host.load('hypernet_static', { gpuOutputs: 'all' });
      const lm = (manifest.config?.lm ?? {}) as Record<string, unknown>;
      this.prepared = {
        manifest,
        tokenizer,
        shape,
        settings,
        stops: stopTokenIds(tokenizer),
        encoder: new RepoEncoder(this.host, tokenizer, settings.encoder, shape.d_model, manifest.files.encoder?.sha256 ?? 'encoder', this.vectorCache),
        zeroLora: zeroLoraInputs(shape, settings.loraRank),
        loraAlpha: typeof lm.lora_alpha === 'number' ? lm.lora_alpha : 2 * settings.loraRank,
      };
      this.retriever = null;
    });
  }

  /** What prepare() loaded (for the CLI and benchmarks). */
  get state(): Prepared {
    if (!this.prepared) throw new ModelError('not-loaded', 'the completer is not prepared: call prepare() first');
    return this.prepared;
  }

  encodeFiles(files: SourceFile[], onProgress?: (p: EncodeProgress) => void): Promise<{ tokens: number; cachedFiles: number }> {
    return this.exclusive(async (cancel) => {
      const { encoder } = this.state;
      const { tokens, cached } = await encoder.fileVectors(encoder.plan(files), onProgress, cancel);
      return { tokens, cachedFiles: cached };
    });
  }

  /** The prepared encoder over another vector cache (benchmarks time cold encoding with an empty one). */
  encoderWithCache(cache: VectorCache): RepoEncoder {
    const { tokenizer, settings, shape, manifest } = this.state;
    return new RepoEncoder(this.host, tokenizer, settings.encoder, shape.d_model, manifest.files.encoder?.sha256 ?? 'encoder', cache);
  }

  /** The repository embedding e (encoding what the cache lacks). */
  embed(files: SourceFile[]): Promise<RepoEmbedding> {
    return this.exclusive((cancel) => this.state.encoder.embed(files, cancel));
  }

  adapterFromFiles(files: SourceFile[]): Promise<AdapterSummary> {
    return this.exclusive(async (cancel) => {
      const embedding = await this.state.encoder.embed(files, cancel);
      return this.staticAdapter(embedding.vector);
    });
  }

  /** The Static adapter of an embedding: hypernet_static's 14 outputs kept resident for the LM. */
  adapterFromEmbedding(vector: Float32Array): Promise<AdapterSummary> {
    return this.exclusive(() => this.staticAdapter(vector));
  }

  private async staticAdapter(vector: Float32Array): Promise<AdapterSummary> {
    const { manifest, settings, loraAlpha } = this.state;
    if (!manifest.files.hypernet_static) {
      throw new ModelError('unknown-model', 'this model set has no hypernet_static graph (Static adapters unavailable)');
    }
    const id = `static-${++this.adapterCount}`;
    const residents = Object.fromEntries(loraInputNames().map((name) => [name, `completer/adapter/${id}/${name}`]));
    const embedding = () => ({ embedding: { type: 'float32' as const, data: vector.slice(), dims: [vector.length] } });
    const start = performance.now();
    await this.host.run('hypernet_static', embedding(), { keep: residents });
    const ms = performance.now() - start;
    // A second run for the values the summary needs: the kept outputs never leave the GPU.
    const values = await this.host.run('hypernet_static', embedding());
    const summary: AdapterSummary = { id, norms: adapterNorms(values, settings.loraRank, loraAlpha), cosineToPrevious: null, ms };
    this.adapters.set(id, { residents, values, summary });
    await this.evictAdapters();
    return summary;
  }

  async evoStart(files: SourceFile[]): Promise<AdapterSummary> {
    void files;
    throw new ModelError('unknown-model', 'this model set has no Evo graphs yet (evo_init, evo_step, evo_head)');
  }

  async evoStep(fromAdapterId: string, step: EvoStepInput): Promise<AdapterSummary> {
    void fromAdapterId;
    void step;
    throw new ModelError('unknown-model', 'this model set has no Evo graphs yet (evo_init, evo_step, evo_head)');
  }

  complete(request: CompletionRequest, onText?: (textSoFar: string) => void): Promise<CompletionResult> {
    return this.exclusive(async (cancel) => {
      const { tokenizer, settings, shape, stops } = this.state;
      const prompt = this.prompt(request);
      const lora = this.loraFeeds(request);
      let shown = '';
      const result = await greedyGenerate(this.host, shape, {
        prompt,
        lora,
        maxNewTokens: request.maxNewTokens ?? settings.maxNewTokens,
        stops,
        cancel,
        onToken: onText
          ? (ids) => {
              const text = atCursor(request.prefix, firstLine(tokenizer.decode(ids, true)));
              if (text !== shown) onText((shown = text));
            }
          : undefined,
      });
      const rawText = tokenizer.decode(result.ids, true);
      return {
        text: atCursor(request.prefix, firstLine(rawText)),
        rawText,
        promptTokens: prompt.length,
        newTokens: result.ids.length,
        firstTokenMs: result.firstTokenMs,
        totalMs: result.totalMs,
        method: request.method,
      };
    });
  }

  /** The prompt token ids of a request (prefix tail, or retrieved windows + prefix tail for RAG). */
  prompt(request: CompletionRequest): number[] {
    const { tokenizer, settings } = this.state;
    const prefix = tokenizer.encode(promptText(request.prefix));
    const { prompt_budget: budget, length_quantum: quantum } = settings.prompt;
    if (request.method !== 'rag') return prefixPrompt(prefix, budget, tokenizer.endOfTextId, quantum);
    const rag = settings.rag;
    const windows = this.retrieverFor(request.ragFiles ?? []).top(request.prefix, rag.k);
    const chunks = windows.map((w) => tokenizer.encode(w).slice(0, rag.chunk_tokens));
    return retrievalPrompt(prefix, chunks, budget, rag.max_share_of_budget, tokenizer.endOfTextId, quantum);
  }

  private retrieverFor(files: SourceFile[]): Retriever {
    const production = productionFiles(files);
    const key = production.map((f) => `${f.path}\0${f.oid}`).join('\n');
    if (this.retriever?.key !== key) this.retriever = { key, retriever: new Retriever(production, this.state.settings.rag.window_lines) };
    return this.retriever.retriever;
  }

  private loraFeeds(request: CompletionRequest): Record<string, FeedValue> {
    if (request.method === 'base' || request.method === 'rag') return this.state.zeroLora;
    const adapter = request.adapterId ? this.adapters.get(request.adapterId) : undefined;
    if (!adapter) throw new ModelError('not-loaded', `no adapter "${request.adapterId ?? ''}": make one first`);
    // Most recently used last, so eviction drops the adapter unused for longest.
    this.adapters.delete(request.adapterId as string);
    this.adapters.set(request.adapterId as string, adapter);
    return Object.fromEntries(Object.entries(adapter.residents).map(([input, resident]) => [input, { resident }]));
  }

  /** The values of an adapter's 14 tensors (plain copies; the resident ones stay where they are). */
  adapterValues(id: string): LoraValues {
    const adapter = this.adapters.get(id);
    if (!adapter) throw new ModelError('not-loaded', `no adapter "${id}"`);
    return adapter.values;
  }

  cosine(a: string, b: string): number {
    return adapterCosine(this.adapterValues(a), this.adapterValues(b));
  }

  async cancel(): Promise<void> {
    for (const token of this.active) token.cancel();
  }

  private async evictAdapters(): Promise<void> {
    const excess = this.adapters.size - MAX_ADAPTERS;
    if (excess > 0) await this.releaseAdapters([...this.adapters.keys()].slice(0, excess));
  }

  private async releaseAdapters(ids: string[]): Promise<void> {
    for (const id of ids) {
      const adapter = this.adapters.get(id);
      this.adapters.delete(id);
      if (adapter) await this.host.releaseResident(Object.values(adapter.residents));
    }
  }

  /** Runs after the operations queued before; cancel() reaches it whether queued or running. */
  private exclusive<T>(operation: (cancel: CancelToken) => Promise<T>): Promise<T> {
    const token = new CancelToken();
    this.active.add(token);
    return this.queue
      .run(() => {
        token.throwIfCancelled();
        return operation(token);
      })
      .finally(() => this.active.delete(token));
  }
}
