import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { CompletionRequest } from '../../engine/completer/api.ts';
import type { RepoRecord } from '../../git/types.ts';

/** A model worker that records which manifests it loaded and what it encoded. */
const engine = vi.hoisted(() => ({ prepared: [] as string[], encoded: 0, missing: false }));

vi.mock('../services/completer.ts', () => ({
  completerService: () => ({
    start: async () => ({ backend: 'wasm', reason: 'test' }),
    prepare: async (path: string) => {
      if (engine.missing) throw Object.assign(new Error(`manifest ${path} answered HTTP 404`), { code: 'missing-file' });
      engine.prepared.push(path);
    },
    encodeFiles: async () => {
      engine.encoded++;
      return { tokens: 1, cachedFiles: 0 };
    },
    adapterFromFiles: async () => ({ id: 'static-1', norms: {}, cosineToPrevious: null, ms: 1 }),
    evoStart: async () => ({ id: 'evo-1', norms: {}, cosineToPrevious: null, ms: 1 }),
    // The Score tab's answers: the target itself for 'memory', a wrong one otherwise.
    complete: async (request: CompletionRequest) => ({
      text: request.method === 'memory' ? 'Metre(1)' : 'None', rawText: '', promptTokens: 1, newTokens: 1, firstTokenMs: 1, totalMs: 1, method: request.method,
    }),
    cancel: async () => undefined,
    stopLoading: () => false,
  }),
}));
vi.mock('../services/repoFiles.ts', () => ({
  DEFAULT_LIMITS: { maxPythonFiles: 10, maxPythonBytes: 1000 },
  RepoContentError: class extends Error {},
  readPythonFiles: async () => ({ production: [{ path: 'pkg/a.py', oid: 'a', text: 'x = 1\n' }], tests: [], binary: [] }),
}));
vi.mock('../services/git.ts', () => ({ gitService: () => ({}) }));
vi.mock('../services/tasks.ts', () => ({ tasksOfFiles: async () => [] }));

const { useAppStore } = await import('./index.ts');
const repo: RepoRecord = { id: 'demo', url: '', name: 'demo', head: 'h', ref: 'main', depth: null, clonedAt: 0, source: 'demo' };

beforeEach(() => {
  engine.prepared = [];
  engine.encoded = 0;
  engine.missing = false;
  globalThis.localStorage?.clear();
  useAppStore.setState({ activeRepo: null, modelsReady: false, preparedSet: null });
  useAppStore.getState().updateSettings({ modelSet: 'code2lora' });
  useAppStore.getState().resetEngineForRepo();
});

describe('model sets', () => {
  it('switching to the base set loads its manifest, encodes nothing and says why Static and Evo are absent', async () => {
    useAppStore.setState({ activeRepo: repo, method: 'static' });
    await useAppStore.getState().switchModelSet('base');
    const s = useAppStore.getState();
    expect(engine.prepared).toEqual(['models/base/manifest.json']);
    expect(engine.encoded).toBe(0);
    expect(s.phase).toBe('ready');
    expect(s.preparedSet).toBe('base');
    expect(s.method).toBe('memory');
    expect(s.adapterError?.message).toMatch(/has no hypernetwork: Static and Evo need the Code2LoRA model set/);
    expect(s.settings.modelSet).toBe('base');
  });

  it('switching back loads the Code2LoRA set again and encodes for its adapter', async () => {
    useAppStore.setState({ activeRepo: repo });
    await useAppStore.getState().switchModelSet('base');
    await useAppStore.getState().switchModelSet('code2lora');
    expect(engine.prepared).toEqual(['models/base/manifest.json', 'models/manifest.json']);
    expect(engine.encoded).toBe(1);
    expect(useAppStore.getState().staticAdapter?.id).toBe('static-1');
  });

  it('a build without the base set names the command that makes it', async () => {
    engine.missing = true;
    useAppStore.setState({ activeRepo: repo });
    await useAppStore.getState().switchModelSet('base');
    const s = useAppStore.getState();
    expect(s.phase).toBe('failed');
    expect(s.engineError?.message).toMatch(/not in this build: make it with `npm run models:base`/);
  });
});

describe('the Score tab', () => {
  it('marks each answer exact or not against its target, per method', async () => {
    const task = { path: 'tests/test_u.py', line: 3, column: 11, kind: 'assert' as const, prefix: 'assert u == ', target: 'Metre(1)', function: 'test_u', statement: 'assert u == Metre(1)' };
    useAppStore.setState({ activeRepo: repo, tasks: [task, { ...task, line: 4 }], staticAdapter: null });
    await useAppStore.getState().runScore(['base', 'memory']);
    const s = useAppStore.getState();
    expect(s.scoreDone).toBe(4);
    expect(s.scoreRows.map((r) => [r.answers.base?.exact, r.answers.memory?.exact])).toEqual([[false, true], [false, true]]);
    expect(s.scoreRows[0]?.answers.memory?.editSim).toBe(1);
  });
});

describe('a reload with the base set chosen', () => {
  it('starts in that set\'s best mode, not in Static (which it lacks)', async () => {
    vi.resetModules();
    const stored = JSON.stringify({ modelSet: 'base' });
    vi.stubGlobal('localStorage', { getItem: () => stored, setItem: () => undefined, removeItem: () => undefined, clear: () => undefined });
    try {
      const fresh = await import('./index.ts');
      expect(fresh.useAppStore.getState().settings.modelSet).toBe('base');
      expect(fresh.useAppStore.getState().method).toBe('memory');
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
