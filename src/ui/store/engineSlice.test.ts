import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { AdapterSummary, SourceFile } from '../../engine/completer/api.ts';
import type { RepoRecord } from '../../git/types.ts';

/** A model worker with a Static hypernetwork and, unless `noEvo`, the Evo graphs. */
const engine = vi.hoisted(() => ({ noEvo: false, evoStarts: 0, starts: [] as unknown[][] }));

const summary = (id: string): AdapterSummary => ({ id, norms: {}, cosineToPrevious: null, ms: 1 });

vi.mock('../services/completer.ts', () => ({
  completerService: () => ({
    start: async (...args: unknown[]) => {
      engine.starts.push(args);
      return { backend: 'wasm', reason: 'test' };
    },
    prepare: async () => undefined,
    encodeFiles: async () => ({ tokens: 1, cachedFiles: 0 }),
    adapterFromFiles: async () => summary('static-1'),
    evoStart: async (files: SourceFile[]) => {
      engine.evoStarts++;
      if (engine.noEvo) throw Object.assign(new Error('this model set has no Evo graphs'), { code: 'unknown-model' });
      return summary(`evo-head-${files.length}`);
    },
    cancel: async () => undefined,
  }),
}));

vi.mock('../services/repoFiles.ts', () => ({
  DEFAULT_LIMITS: { maxPythonFiles: 10, maxPythonBytes: 1000 },
  RepoContentError: class extends Error {},
  readPythonFiles: async () => ({ production: [{ path: 'pkg/a.py', oid: 'a', text: 'x = 1\n' }], tests: [] }),
}));

vi.mock('../services/git.ts', () => ({ gitService: () => ({}) }));
vi.mock('../services/tasks.ts', () => ({ tasksOfFiles: async () => [] }));

const { useAppStore } = await import('./index.ts');

const repo = (source: RepoRecord['source']): RepoRecord => ({ id: source, url: '', name: source, head: 'h', ref: 'main', depth: null, clonedAt: 0, source });

beforeEach(() => {
  engine.noEvo = false;
  engine.evoStarts = 0;
  engine.starts = [];
  useAppStore.getState().resetEngineForRepo();
  useAppStore.getState().resetTimeline();
});

describe('preparing a repository', () => {
  it('makes the Static adapter and the Evo state of the HEAD snapshot, which Evo completes with', async () => {
    useAppStore.setState({ activeRepo: repo('demo') });
    await useAppStore.getState().adaptActiveRepo();
    const s = useAppStore.getState();
    expect(s.phase).toBe('ready');
    expect(s.staticAdapter?.id).toBe('static-1');
    expect(s.evoHead?.id).toBe('evo-head-1');
    expect(s.adapterFor('evo')).toBe('evo-head-1');
  });

  it('is ready without Evo when the model set has no Evo graphs, and says why', async () => {
    engine.noEvo = true;
    useAppStore.setState({ activeRepo: repo('remote') });
    await useAppStore.getState().adaptActiveRepo();
    const s = useAppStore.getState();
    expect(s.phase).toBe('ready');
    expect(s.staticAdapter?.id).toBe('static-1');
    expect(s.evoError?.code).toBe('unknown-model');
    expect(s.adapterFor('evo')).toBeNull();
  });

  it('does not start Evo for a local import (no history)', async () => {
    useAppStore.setState({ activeRepo: repo('local') });
    await useAppStore.getState().adaptActiveRepo();
    expect(engine.evoStarts).toBe(0);
    expect(useAppStore.getState().adapterFor('evo')).toBeNull();
    expect(useAppStore.getState().adapterFor('static')).toBe('static-1');
  });
});

describe('the weights WASM runs', () => {
  it('starts the model worker with the float graphs only when Settings asks for them', async () => {
    useAppStore.setState({ modelsReady: false });
    for (const wasmWeights of ['int8', 'float32'] as const) {
      useAppStore.getState().updateSettings({ wasmWeights });
      useAppStore.setState({ activeRepo: repo('demo') });
      await useAppStore.getState().adaptActiveRepo();
      // Opening again with the same settings keeps the worker and its models.
      await useAppStore.getState().adaptActiveRepo();
    }
    expect(engine.starts).toEqual([['auto', { floatOnWasm: false }], ['auto', { floatOnWasm: true }]]);
  });

  it('falls back to 8-bit when the kept setting is one this build does not know', async () => {
    // Node has no localStorage: the one value an older or newer app left behind.
    const kept = JSON.stringify({ wasmWeights: 'fp8', cloneDepth: 7 });
    vi.stubGlobal('localStorage', { getItem: (key: string) => (key === 'code2lora.settings' ? kept : null) });
    const { loadSettings } = await import('./settingsSlice.ts');
    expect(loadSettings()).toMatchObject({ wasmWeights: 'int8', cloneDepth: 7 });
    vi.unstubAllGlobals();
  });
});
