import type { StateCreator } from 'zustand';
import type { ExtractedTask } from '../../core/tasks/types.ts';
import type { MemoryTask } from '../../core/memory/index.ts';
import type { CompletionRequest, CompletionResult, Method } from '../../engine/completer/api.ts';
import { completerService } from '../services/completer.ts';
import { tasksOfFiles } from '../services/tasks.ts';
import { describeError, type UserError } from '../errors.ts';
import { evoAdapterId, evoBlockReason } from './evoAvailability.ts';
import type { AppState } from './index.ts';
import { MODEL_SETS } from '../modelSets.ts';
import { loadSettings } from './settingsSlice.ts';

// In a module of their own so that Node code (the e2e tests) can list them without loading the store.
export { METHODS, METHOD_LABEL } from '../methods.ts';

export interface MethodCompletion {
  status: 'running' | 'done' | 'failed';
  text: string;
  result: CompletionResult | null;
  error: UserError | null;
  /** The adapter the completion ran with (Static or Evo), so the UI and the tests can tell which state was used. */
  adapterId?: string;
}

/** A repository task as the memory retriever sees it; the id makes the task itself invisible to its own query. */
export function memoryTaskOf(task: Pick<ExtractedTask, 'path' | 'line' | 'column' | 'prefix' | 'target'>): MemoryTask {
  return { id: `${task.path}:${task.line}:${task.column}`, path: task.path, line: task.line, prefix: task.prefix, target: task.target };
}

/** Where a completion is asked for: the picked assertion's place, when there is one. */
export interface CompletionPlace {
  path: string;
  line: number;
  column: number;
}

export interface CompletionSlice {
  method: Method;
  tasks: ExtractedTask[];
  /** The task the user picked (its target is hidden in the editor and completed). */
  activeTask: ExtractedTask | null;
  completions: Partial<Record<Method, MethodCompletion>>;
  setMethod(method: Method): void;
  loadTasks(): Promise<void>;
  pickTask(task: ExtractedTask | null): void;
  /** Completes `prefix` with each of `methods` in turn (one worker, runs are serialised). */
  complete(prefix: string, methods: readonly Method[]): Promise<void>;
  /** The adapter id a method needs, or null when the method has none ready. */
  adapterFor(method: Method): string | null | undefined;
  /** The engine request for a method, with what it needs (adapter, production files, the repository's assertions). */
  requestFor(method: Method, prefix: string, adapterId: string | undefined, place: CompletionPlace | null): CompletionRequest;
}

export const createCompletionSlice: StateCreator<AppState, [], [], CompletionSlice> = (set, get) => ({
  // The chosen model set's best mode (a set without Static must not start in it).
  method: MODEL_SETS[loadSettings().modelSet].defaultMethod,
  tasks: [],
  activeTask: null,
  completions: {},

  setMethod(method) {
    set({ method });
  },

  async loadTasks() {
    const tasks = await tasksOfFiles(get().testFiles);
    set({ tasks });
  },

  pickTask(task) {
    // A fresh object, so picking the same assertion again completes it again.
    set({ activeTask: task ? { ...task } : null, completions: {} });
  },

  adapterFor(method) {
    if (method === 'static') return get().staticAdapter?.id ?? null;
    if (method === 'evo') return evoBlockReason(get()) ? null : evoAdapterId(get());
    return undefined;
  },

  requestFor(method, prefix, adapterId, place) {
    const request: CompletionRequest = { prefix, method, ...(adapterId ? { adapterId } : {}) };
    if (method === 'rag') request.ragFiles = get().production;
    if (method === 'memory') {
      const query = memoryTaskOf({ path: place?.path ?? '', line: place?.line ?? 0, column: place?.column ?? 0, prefix, target: '' });
      request.memory = { query, pool: get().tasks.map(memoryTaskOf) };
    }
    return request;
  },

  async complete(prefix, methods) {
    const engine = completerService();
    for (const method of methods) {
      const adapterId = get().adapterFor(method);
      if (adapterId === null) {
        const message =
          method === 'evo'
            ? evoBlockReason(get()) ?? 'The Evo adapter of the timeline\'s current commit is still being computed.'
            : get().adapterError?.message ?? 'The adapter is not ready yet.';
        set((s) => ({
          completions: { ...s.completions, [method]: { status: 'failed', text: '', result: null, error: { code: 'no-adapter', message } } },
        }));
        continue;
      }
      const used = adapterId ? { adapterId } : {};
      set((s) => ({ completions: { ...s.completions, [method]: { status: 'running', text: '', result: null, error: null, ...used } } }));
      // The streamed text comes over its own message port, so a last update can arrive after the result: it is dropped.
      let settled = false;
      try {
        const result = await engine.complete(
          get().requestFor(method, prefix, adapterId ?? undefined, get().activeTask),
          (text) => {
            if (!settled) set((s) => ({ completions: { ...s.completions, [method]: { status: 'running', text, result: null, error: null, ...used } } }));
          },
        );
        settled = true;
        set((s) => ({ completions: { ...s.completions, [method]: { status: 'done', text: result.text, result, error: null, ...used } } }));
      } catch (e) {
        settled = true;
        set((s) => ({ completions: { ...s.completions, [method]: { status: 'failed', text: '', result: null, error: describeError(e) } } }));
        if (describeError(e).code === 'cancelled') return;
      }
    }
  },
});
