/**
 * The completer engine (CompleterApi) on top of one ModelHost: repository encoding, Static and Evo adapters, greedy
 * completion for every method. The model worker runs it for the UI; the Node CLI and benchmark run it in-process.
 * Operations run one at a time (they share the KV-cache residents); cancel() stops the ones in flight.
 *
 * Adapters' LoRA tensors stay resident (on the GPU under WebGPU), at most MAX_ADAPTERS of them. An Evo adapter is
 * also its GRU state z (a few hundred bytes), which is never evicted: stepping on from, or completing with, an
 * adapter whose tensors were evicted runs evo_heads on its state again.
 */
import { adapterFiles, LORA_TARGETS as ADAPTER_TARGETS, type AdapterFiles, type SharedLora } from '../../core/adapters/index.ts';
import { MemoryIndex, memoryBlock, memoryPrompt, type MemoryTask, type Recalled } from '../../core/memory/index.ts';
import { CodeTokenizer } from '../../core/tokenizer/code-tokenizer.ts';
import { lmShapeFromConfig, type LmShape } from '../../cli/lm-feeds.ts';
import { ModelError } from '../errors.ts';
import type { ModelHost } from '../model-host.ts';
import { SerialQueue } from '../serial-queue.ts';
import type { FeedValue, LoadProgress, Manifest, PlainTensor } from '../types.ts';
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
import { completerSettings, section, type CompleterSettings } from './config.ts';
import { headsFeeds, initialState, loadEvoGraphs, missingEvoGraphs, nextState, requireEvoGraphs } from './evo-graphs.ts';
import { greedyGenerate } from './generate.ts';
import { loraInputNames, presentNames, zeroLoraInputs } from './lm-inputs.ts';
import { prefixPrompt, promptText, retrievalPrompt } from './prompts.ts';
import { RepoEncoder, productionFiles, type RepoEmbedding } from './repo-encoder.ts';
import { Retriever } from './retriever.ts';
import { expressionEndCheck, shownCompletion, stopTokenIds } from './stop-rules.ts';
import type { VectorCache } from './vector-cache.ts';

/** The id the single shared LoRA is kept under among the resident adapters. */
const SINGLE_ID = 'single';
/** The id of the shared LoRA trained on the memory prompt (memory_lora.onnx), where the model set has one. */
const MEMORY_ID = 'memory';
/** Shared adapters: graphs without inputs whose one run makes the adapter's tensors. */
const SHARED_GRAPHS: Readonly<Record<string, string>> = { [SINGLE_ID]: 'single_lora', [MEMORY_ID]: 'memory_lora' };

/** An adapter's resident tensors as the LM's LoRA feeds. */
function residentFeeds(adapter: StoredAdapter): Record<string, FeedValue> {
  return Object.fromEntries(Object.entries(adapter.residents).map(([input, resident]) => [input, { resident }]));
}

/** Adapters kept resident at once (each is a few hundred kB); the least recently used goes first. */
const MAX_ADAPTERS = 32;

interface Prepared {
  manifest: Manifest;
  tokenizer: CodeTokenizer;
  shape: LmShape;
  settings: CompleterSettings;
  stops: Set<number>;
  encoder: RepoEncoder;
  /** Evo's encoder: the same object as `encoder` when both were trained with the same settings. */
  evoEncoder: RepoEncoder;
  zeroLora: Record<string, FeedValue>;
  loraAlpha: number;
}

interface StoredAdapter {
  residents: Record<string, string>;
  values: LoraValues;
}

/** What is kept of every Evo adapter for the completer's life (until the next prepare()). */
interface EvoRecord {
  state: Float32Array;
  norms: AdapterSummary['norms'];
}

type Norms = AdapterSummary['norms'];

export class Completer implements CompleterApi {
  private prepared: Prepared | null = null;
  private readonly queue = new SerialQueue();
  private readonly active = new Set<CancelToken>();
  private readonly adapters = new Map<string, StoredAdapter>();
  private readonly evo = new Map<string, EvoRecord>();
  private retriever: { key: string; retriever: Retriever } | null = null;
  private memoryIndex: { key: string; index: MemoryIndex } | null = null;
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
      this.evo.clear(); // states of another model set mean nothing to this one
      await this.host.load('lm', { gpuOutputs: presentNames(shape) });
      // A base-only model set (public/models/base) has no encoder: Static, Evo and encoding are then unavailable.
      if (manifest.files.encoder) await this.host.load('encoder');
      if (manifest.files.hypernet_static) await this.host.load('hypernet_static', { gpuOutputs: 'all' });
      for (const graph of Object.values(SHARED_GRAPHS)) {
        if (manifest.files[graph]) await this.host.load(graph, { gpuOutputs: 'all' });
      }
      if (missingEvoGraphs(manifest).length === 0) await loadEvoGraphs(this.host);
      const lm = section(manifest.config?.lm);
      const encoderId = manifest.files.encoder?.sha256 ?? 'encoder';
      const encoder = new RepoEncoder(this.host, tokenizer, settings.encoder, shape.d_model, encoderId, this.vectorCache);
      const sameSettings = JSON.stringify(settings.evoEncoder) === JSON.stringify(settings.encoder);
      this.prepared = {
        manifest,
        tokenizer,
        shape,
        settings,
        stops: stopTokenIds(tokenizer),
        encoder,
        evoEncoder: sameSettings
          ? encoder
          : new RepoEncoder(this.host, tokenizer, settings.evoEncoder, shape.d_model, encoderId, this.vectorCache),
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

  /** The repository encoder, or a clear error for a model set without encoder.onnx (the base-only set). */
  private requireEncoder(): void {
    if (!this.state.manifest.files.encoder) {
      throw new ModelError('unknown-model', 'this model set has no encoder graph: Static and Evo adapters are unavailable with it');
    }
  }

  encodeFiles(files: SourceFile[], onProgress?: (p: EncodeProgress) => void): Promise<{ tokens: number; cachedFiles: number }> {
    return this.exclusive(async (cancel) => {
      this.requireEncoder();
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
    return this.exclusive((cancel) => {
      this.requireEncoder();
      return this.state.encoder.embed(files, cancel);
    });
  }

  adapterFromFiles(files: SourceFile[]): Promise<AdapterSummary> {
    return this.exclusive(async (cancel) => {
      this.requireEncoder();
      const embedding = await this.state.encoder.embed(files, cancel);
      return this.staticAdapter(embedding.vector);
    });
  }

  /** The Static adapter of an embedding: hypernet_static's 14 outputs kept resident for the LM. */
  adapterFromEmbedding(vector: Float32Array): Promise<AdapterSummary> {
    return this.exclusive(() => this.staticAdapter(vector));
  }

  private async staticAdapter(vector: Float32Array): Promise<AdapterSummary> {
    const { manifest } = this.state;
    if (!manifest.files.hypernet_static) {
      throw new ModelError('unknown-model', 'this model set has no hypernet_static graph (Static adapters unavailable)');
    }
    const id = `static-${++this.adapterCount}`;
    const embedding = () => ({ embedding: { type: 'float32' as const, data: vector.slice(), dims: [vector.length] } });
    const { adapter, ms } = await this.residentAdapter(id, 'hypernet_static', embedding);
    const summary: AdapterSummary = { id, norms: this.norms(adapter.values), cosineToPrevious: null, ms };
    await this.storeAdapter(id, adapter);
    return summary;
  }

  /**
   * Runs a graph whose outputs are the 14 LoRA tensors twice: once keeping them resident for the LM, once for the
   * values the summary needs (the kept outputs never leave the GPU). `ms` times the first run.
   */
  private async residentAdapter(
    id: string,
    graph: string,
    feeds: () => Record<string, PlainTensor>,
  ): Promise<{ adapter: StoredAdapter; ms: number }> {
    const residents = Object.fromEntries(loraInputNames().map((name) => [name, `completer/adapter/${id}/${name}`]));
    const start = performance.now();
    await this.host.run(graph, feeds(), { keep: residents });
    const ms = performance.now() - start;
    const values = await this.host.run(graph, feeds());
    return { adapter: { residents, values }, ms };
  }

  private async storeAdapter(id: string, adapter: StoredAdapter): Promise<void> {
    this.adapters.set(id, adapter);
    await this.evictAdapters();
  }

  private norms(values: LoraValues): Norms {
    const { settings, loraAlpha } = this.state;
    return adapterNorms(values, settings.loraRank, loraAlpha);
  }

  evoStart(files: SourceFile[]): Promise<AdapterSummary> {
    return this.exclusive(async (cancel) => {
      requireEvoGraphs(this.state.manifest);
      const embedding = await this.state.evoEncoder.embed(files, cancel);
      return this.startEvo(embedding.vector);
    });
  }

  evoStep(fromAdapterId: string, step: EvoStepInput): Promise<AdapterSummary> {
    return this.exclusive(async (cancel) => {
      requireEvoGraphs(this.state.manifest);
      const from = this.evoRecord(fromAdapterId);
      const changed = productionFiles(step.files);
      if (changed.length === 0) return this.unmovedEvo(from);
      const embedding = await this.state.evoEncoder.embed(changed, cancel);
      return this.stepEvo(fromAdapterId, from, embedding.vector);
    });
  }

  /** Evo's z_0 and adapter from a snapshot embedding (the parity test and benchmarks feed embeddings directly). */
  evoStartFromEmbedding(vector: Float32Array): Promise<AdapterSummary> {
    return this.exclusive(async () => {
      requireEvoGraphs(this.state.manifest);
      return this.startEvo(vector);
    });
  }

  /** One Evo step from an adapter with a commit's embedding e_t. */
  evoStepFromEmbedding(fromAdapterId: string, vector: Float32Array): Promise<AdapterSummary> {
    return this.exclusive(async () => {
      requireEvoGraphs(this.state.manifest);
      return this.stepEvo(fromAdapterId, this.evoRecord(fromAdapterId), vector);
    });
  }

  /** A copy of an Evo adapter's state z. */
  evoState(id: string): Float32Array {
    return this.evoRecord(id).state.slice();
  }

  private evoRecord(id: string): EvoRecord {
    const record = this.evo.get(id);
    if (!record) throw new ModelError('not-loaded', `no Evo adapter "${id}": start one with evoStart()`);
    return record;
  }

  private async startEvo(vector: Float32Array): Promise<AdapterSummary> {
    const start = performance.now();
    const state = await initialState(this.host, vector);
    return this.evoAdapter(state, null, performance.now() - start);
  }

  private async stepEvo(fromId: string, from: EvoRecord, vector: Float32Array): Promise<AdapterSummary> {
    const start = performance.now();
    const state = await nextState(this.host, from.state, vector);
    return this.evoAdapter(state, fromId, performance.now() - start);
  }

  /** A commit without production changes: the same state under a new id (its tensors are made when used). */
  private unmovedEvo(from: EvoRecord): AdapterSummary {
    const id = `evo-${++this.adapterCount}`;
    this.evo.set(id, { state: from.state, norms: from.norms });
    return { id, norms: from.norms, cosineToPrevious: 1, ms: 0 };
  }

  private async evoAdapter(state: Float32Array, fromId: string | null, stateMs: number): Promise<AdapterSummary> {
    const id = `evo-${++this.adapterCount}`;
    const { adapter, ms } = await this.residentAdapter(id, 'evo_heads', () => headsFeeds(state));
    const norms = this.norms(adapter.values);
    const cosineToPrevious = fromId === null ? null : adapterCosine(adapter.values, await this.valuesOf(fromId));
    this.evo.set(id, { state, norms });
    await this.storeAdapter(id, adapter);
    return { id, norms, cosineToPrevious, ms: stateMs + ms };
  }

  /** An adapter's tensor values: kept ones as they are, an Evo adapter's recomputed from its state. */
  private async valuesOf(id: string): Promise<LoraValues> {
    const stored = this.adapters.get(id);
    if (stored) return stored.values;
    return this.host.run('evo_heads', headsFeeds(this.evoRecord(id).state));
  }

  /** The adapter's resident tensors for a completion, made again from its state if an Evo adapter was evicted. */
  private async residentFor(id: string): Promise<StoredAdapter> {
    const stored = this.adapters.get(id);
    if (stored) {
      // Most recently used last, so eviction drops the adapter unused for longest.
      this.adapters.delete(id);
      this.adapters.set(id, stored);
      return stored;
    }
    const record = this.evo.get(id);
    if (!record) throw new ModelError('not-loaded', `no adapter "${id}": make one first`);
    const { adapter } = await this.residentAdapter(id, 'evo_heads', () => headsFeeds(record.state));
    await this.storeAdapter(id, adapter);
    return adapter;
  }

  complete(request: CompletionRequest, onText?: (textSoFar: string) => void): Promise<CompletionResult> {
    return this.exclusive(async (cancel) => {
      const { tokenizer, settings, shape, stops } = this.state;
      const recalled = this.recalled(request);
      const prompt = this.prompt(request, recalled);
      const lora = await this.loraFeeds(request);
      let shown = '';
      const result = await greedyGenerate(this.host, shape, {
        prompt,
        lora,
        maxNewTokens: request.maxNewTokens ?? settings.maxNewTokens,
        stops,
        cancel,
        endsAt: expressionEndCheck(tokenizer, request.prefix),
        onToken: onText
          ? (ids) => {
              const text = shownCompletion(request.prefix, tokenizer.decode(ids, true));
              if (text !== shown) onText((shown = text));
            }
          : undefined,
      });
      const rawText = tokenizer.decode(result.ids, true);
      return {
        text: shownCompletion(request.prefix, rawText),
        rawText,
        promptTokens: prompt.length,
        newTokens: result.ids.length,
        firstTokenMs: result.firstTokenMs,
        totalMs: result.totalMs,
        method: request.method,
        ...(recalled ? { recalled: recalled.map(({ path, line, assertion }) => ({ path, line, assertion })) } : {}),
      };
    });
  }

  /** The prompt token ids of a request (prefix tail, or retrieved windows + prefix tail for RAG). */
  /** The assertions a 'memory' request recalls (best match last in the prompt), or null for other methods. */
  private recalled(request: CompletionRequest): Recalled[] | null {
    if (request.method !== 'memory') return null;
    if (!request.memory) throw new ModelError('bad-request', "method 'memory' needs the assertion and the repository's pool");
    const memory = this.state.settings.memory;
    return this.memoryIndexFor(request.memory.pool).top(request.memory.query, memory.k, false, {
      previousLine: memory.previous_line,
      distinctTargets: memory.distinct_targets,
    });
  }

  prompt(request: CompletionRequest, recalled = this.recalled(request)): number[] {
    const { tokenizer, settings } = this.state;
    const prefix = tokenizer.encode(promptText(request.prefix));
    const { prompt_budget: budget, length_quantum: quantum } = settings.prompt;
    if (recalled) {
      const block = tokenizer.encode(memoryBlock(recalled));
      return memoryPrompt(prefix, block, budget, settings.memory.max_block_tokens, tokenizer.endOfTextId, quantum);
    }
    if (request.method !== 'rag') return prefixPrompt(prefix, budget, tokenizer.endOfTextId, quantum);
    const rag = settings.rag;
    const windows = this.retrieverFor(request.ragFiles ?? []).top(request.prefix, rag.k);
    const chunks = windows.map((w) => tokenizer.encode(w).slice(0, rag.chunk_tokens));
    return retrievalPrompt(prefix, chunks, budget, rag.max_share_of_budget, tokenizer.endOfTextId, quantum);
  }

  /** The pool's index, kept while requests bring the same pool (every request carries it across the worker boundary). */
  private memoryIndexFor(pool: readonly MemoryTask[]): MemoryIndex {
    const key = pool.map((t) => `${t.id}\0${t.prefix.length}\0${t.target}`).join('\n');
    if (this.memoryIndex?.key !== key) this.memoryIndex = { key, index: new MemoryIndex(pool) };
    return this.memoryIndex.index;
  }

  private retrieverFor(files: SourceFile[]): Retriever {
    const production = productionFiles(files);
    const key = production.map((f) => `${f.path}\0${f.oid}`).join('\n');
    if (this.retriever?.key !== key) this.retriever = { key, retriever: new Retriever(production, this.state.settings.rag.window_lines) };
    return this.retriever.retriever;
  }

  private async loraFeeds(request: CompletionRequest): Promise<Record<string, FeedValue>> {
    // The memory prompt goes with the LoRA trained on it where the model set has one, else with the base alone.
    if (request.method === 'memory' && this.state.manifest.files.memory_lora) {
      return residentFeeds(await this.sharedAdapter(MEMORY_ID));
    }
    if (request.method === 'base' || request.method === 'rag' || request.method === 'memory') return this.state.zeroLora;
    if (request.method === 'single') return residentFeeds(await this.sharedAdapter(SINGLE_ID));
    if (!request.adapterId) throw new ModelError('not-loaded', 'no adapter given: make one first');
    return residentFeeds(await this.residentFor(request.adapterId));
  }

  /**
   * A shared LoRA's tensors (the single one, or the one trained on the memory prompt), resident like any adapter:
   * its graph has no inputs, so one run makes them (again after an eviction).
   */
  private async sharedAdapter(id: string): Promise<StoredAdapter> {
    const stored = this.adapters.get(id);
    if (stored) {
      this.adapters.delete(id);
      this.adapters.set(id, stored);
      return stored;
    }
    const graph = SHARED_GRAPHS[id] as string;
    if (!this.state.manifest.files[graph]) {
      throw new ModelError('unknown-model', `this model set has no ${graph} graph (that shared LoRA is unavailable)`);
    }
    const { adapter } = await this.residentAdapter(id, graph, () => ({}));
    await this.storeAdapter(id, adapter);
    return adapter;
  }

  /** The values of a resident adapter's 14 tensors (plain copies; the resident ones stay where they are). */
  adapterValues(id: string): LoraValues {
    const adapter = this.adapters.get(id);
    if (!adapter) throw new ModelError('not-loaded', `no resident adapter "${id}"`);
    return adapter.values;
  }

  adapterFiles(id: string, source: { repository: string; commit: string }): Promise<AdapterFiles> {
    return this.exclusive(async () => {
      const { manifest, shape, loraAlpha } = this.state;
      const base = section(section(manifest.config?.lm).base);
      if (typeof base.name !== 'string' || typeof base.gguf_sha256 !== 'string') {
        throw new ModelError('unknown-model', "this model set's LM is not a pretrained base other tools run: its adapters cannot be saved for them");
      }
      const values = id === SINGLE_ID ? (await this.sharedAdapter(SINGLE_ID)).values : await this.valuesOf(id);
      const matrix = (name: string): { rows: number; cols: number; data: Float32Array } => {
        const t = values[name];
        if (!t || t.type !== 'float32' || t.dims.length !== 2) throw new ModelError('run-failed', `adapter ${id} has no float32 matrix ${name}`);
        return { rows: t.dims[0] ?? 0, cols: t.dims[1] ?? 0, data: t.data };
      };
      const lora = Object.fromEntries(
        ADAPTER_TARGETS.map((m) => [m, { a: matrix(`lora_A_${m}`), b: matrix(`lora_B_${m}`) }]),
      ) as SharedLora;
      const method = id === SINGLE_ID ? 'single' : id.startsWith('evo-') ? 'evo' : 'static';
      return adapterFiles(lora, { nLayers: shape.n_layers, nHeads: shape.n_heads, nKvHeads: shape.n_kv_heads, loraAlpha }, {
        repository: source.repository,
        commit: source.commit,
        method,
        base_model: base.name,
        base_model_sha256: base.gguf_sha256,
        base_model_hub_id: typeof base.hub_id === 'string' ? base.hub_id : '',
      });
    });
  }

  /** The values of any adapter's 14 tensors, an evicted Evo adapter's computed again from its state. */
  loraValues(id: string): Promise<LoraValues> {
    return this.exclusive(() => this.valuesOf(id));
  }

  cosine(a: string, b: string): number {
    return adapterCosine(this.adapterValues(a), this.adapterValues(b));
  }

  /** Ids of the adapters whose tensors are resident now, least recently used first. */
  residentAdapterIds(): string[] {
    return [...this.adapters.keys()];
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
