import type { StateCreator } from 'zustand';
import type { BackendChoice, LoadProgress } from '../../engine/types.ts';
import type { AdapterSummary, EncodeProgress, SourceFile } from '../../engine/completer/api.ts';
import { completerService } from '../services/completer.ts';
import { DEFAULT_LIMITS, readPythonFiles } from '../services/repoFiles.ts';
import { describeError, type UserError } from '../errors.ts';
import type { AppState } from './index.ts';
import type { ReadyTimings } from '../components/readyLine.ts';
import { MODEL_SETS, type ModelSetId } from '../modelSets.ts';

export type Phase = 'idle' | 'models' | 'reading' | 'encoding' | 'adapting' | 'ready' | 'failed' | 'cancelled';

export interface EngineSlice {
  backend: BackendChoice | null;
  /** The model set the worker has loaded (null before the first load, or after a failed one). */
  modelsReady: boolean;
  preparedSet: ModelSetId | null;
  modelProgress: LoadProgress | null;
  phase: Phase;
  encodeProgress: EncodeProgress | null;
  engineError: UserError | null;
  /** The active repository's production and test files at the open commit. */
  production: SourceFile[];
  testFiles: SourceFile[];
  staticAdapter: AdapterSummary | null;
  /** Why there is no Static adapter (e.g. the hypernetwork is not in this build), when there is none. */
  adapterError: UserError | null;
  /** The Evo state of the snapshot at HEAD: what Code2LoRA-Evo completes with until the timeline has run. */
  evoHead: AdapterSummary | null;
  /** Why there is no Evo adapter (e.g. this model set has no Evo graphs), when there is none. */
  evoError: UserError | null;
  /** Where the time to "ready" went for the open repository (set when it is ready). */
  readyTimings: ReadyTimings | null;
  /** .py files left out of the open commit because they are binary (said under the ready line). */
  skippedBinary: string[];
  /** Starts the model worker (if needed), loads the models, then encodes and adapts to the active repository. */
  adaptActiveRepo(): Promise<void>;
  /** Chooses another model set: saved in the settings, loaded at once if a repository is open. */
  switchModelSet(id: ModelSetId): Promise<void>;
  cancelWork(): Promise<void>;
  resetEngineForRepo(): void;
}

/** An adapter, or why there is none; a cancellation is not a reason and goes on up. */
async function adapterOrError(make: () => Promise<AdapterSummary>): Promise<{ adapter: AdapterSummary } | { error: UserError }> {
  try {
    return { adapter: await make() };
  } catch (e) {
    const error = describeError(e);
    if (error.code === 'cancelled') throw e;
    return { error };
  }
}

/** Loads a model set; a set this build lacks is named with the command that makes it. */
async function prepareSet(id: ModelSetId, onProgress: (p: LoadProgress) => void): Promise<void> {
  const modelSet = MODEL_SETS[id];
  try {
    await completerService().prepare(modelSet.manifestPath, onProgress);
  } catch (e) {
    const error = describeError(e);
    // A server with an SPA fallback answers a missing manifest with index.html: that reads as a bad manifest.
    if (modelSet.makeWith && (error.code === 'missing-file' || error.code === 'bad-manifest')) {
      throw Object.assign(new Error(`${modelSet.label} is not in this build: make it with \`${modelSet.makeWith}\`, then build the app again. (${error.message})`), { code: 'missing-file' });
    }
    throw e;
  }
}

/** What the engine knows of the open repository, as it is before any work on it. */
const REPO_ENGINE_START = {
  phase: 'idle',
  encodeProgress: null,
  engineError: null,
  production: [],
  testFiles: [],
  staticAdapter: null,
  adapterError: null,
  evoHead: null,
  evoError: null,
  readyTimings: null,
  skippedBinary: [],
} satisfies Partial<EngineSlice>;

export const createEngineSlice: StateCreator<AppState, [], [], EngineSlice> = (set, get) => ({
  backend: null,
  modelsReady: false,
  preparedSet: null,
  modelProgress: null,
  ...REPO_ENGINE_START,

  resetEngineForRepo() {
    set({ ...REPO_ENGINE_START });
  },

  async adaptActiveRepo() {
    const repo = get().activeRepo;
    if (!repo) return;
    const stillActive = (): boolean => get().activeRepo?.id === repo.id;
    const engine = completerService();
    let mark = performance.now();
    const lap = (): number => {
      const now = performance.now();
      const ms = now - mark;
      mark = now;
      return ms;
    };
    try {
      let modelsMs: number | null = null;
      const modelSet = MODEL_SETS[get().settings.modelSet];
      if (!get().modelsReady || get().preparedSet !== modelSet.id) {
        set({ phase: 'models', engineError: null, modelsReady: false, preparedSet: null });
        const backend = await engine.start(get().settings.backend, { floatOnWasm: get().settings.wasmWeights === 'float32' });
        set({ backend });
        await prepareSet(modelSet.id, (modelProgress) => set({ modelProgress }));
        set({ modelsReady: true, preparedSet: modelSet.id, modelProgress: null });
        modelsMs = lap();
      }
      lap();
      set({ phase: 'reading', engineError: null, adapterError: null, evoError: null, readyTimings: null });
      const { production, tests, binary } = await readPythonFiles(repo.id, repo.head, {
        ...DEFAULT_LIMITS,
        maxPythonFiles: get().settings.maxPythonFiles,
        maxPythonBytes: get().settings.maxPythonBytes,
      });
      if (!stillActive()) return;
      const readMs = lap();
      set({ production, testFiles: tests, skippedBinary: binary });
      if (!modelSet.methods.includes('static')) {
        // No hypernetwork is trained on this set's LM: nothing to encode, and the methods that need none work.
        const why = { code: 'no-adapter', message: `${modelSet.label} has no hypernetwork: Static and Evo need the Code2LoRA model set (Settings).` };
        set({ adapterError: why, evoError: why, phase: 'ready', readyTimings: { modelsMs, readMs, encodeMs: 0, adaptMs: 0 } });
        return;
      }
      set({ phase: 'encoding', encodeProgress: null });
      await engine.encodeFiles(production, (encodeProgress) => {
        if (stillActive()) set({ encodeProgress });
      });
      if (!stillActive()) return;
      const encodeMs = lap();
      set({ phase: 'adapting' });
      // Without an adapter the base model and RAG still work; the reason is shown beside the mode switch.
      const staticAdapter = await adapterOrError(() => engine.adapterFromFiles(production));
      if (!stillActive()) return;
      set('adapter' in staticAdapter ? { staticAdapter: staticAdapter.adapter } : { adapterError: staticAdapter.error });
      // A local import has no history to evolve through: Evo is disabled there (see evoAvailability.ts).
      if (repo.source !== 'local') {
        const evoHead = await adapterOrError(() => engine.evoStart(production));
        if (!stillActive()) return;
        set('adapter' in evoHead ? { evoHead: evoHead.adapter } : { evoError: evoHead.error });
      }
      set({ phase: 'ready', readyTimings: { modelsMs, readMs, encodeMs, adaptMs: lap() } });
    } catch (e) {
      const engineError = describeError(e);
      if (stillActive()) set({ engineError, phase: engineError.code === 'cancelled' ? 'cancelled' : 'failed' });
    }
  },

  async switchModelSet(id) {
    if (get().settings.modelSet === id) return;
    get().updateSettings({ modelSet: id });
    set({ modelsReady: false, preparedSet: null, staticAdapter: null, evoHead: null, completions: {}, method: MODEL_SETS[id].defaultMethod });
    if (get().activeRepo) await get().adaptActiveRepo();
  },

  async cancelWork() {
    if (get().phase === 'models' && completerService().stopLoading()) {
      set({ modelsReady: false, preparedSet: null, modelProgress: null });
      return;
    }
    await completerService().cancel();
  },
});
