import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { AdapterSummary, CompletionRequest, EvoStepInput, SourceFile } from '../../engine/completer/api.ts';
import type { CommitInfo, FileChange, RepoRecord } from '../../git/types.ts';
import type { ExtractedTask } from '../../core/tasks/types.ts';

/** A model worker that records what it is asked: Evo states numbered in order, completions naming their adapter. */
const engine = vi.hoisted(() => ({
  calls: [] as string[],
  failEvo: null as null | { code: string; message: string },
  cancelNext: false,
  count: 0,
  reset() {
    this.calls = [];
    this.failEvo = null;
    this.cancelNext = false;
    this.count = 0;
  },
}));

function modelError(e: { code: string; message: string }): Error {
  return Object.assign(new Error(e.message), { code: e.code });
}

const summary = (id: string, cosine: number | null): AdapterSummary => ({ id, norms: { q: { a: 1, b: 1, delta: 1 } }, cosineToPrevious: cosine, ms: 1 });

vi.mock('../services/completer.ts', () => ({
  completerService: () => ({
    encodeFiles: async (files: SourceFile[]) => {
      engine.calls.push(`encode ${files.map((f) => f.oid).join(',')}`);
      return { tokens: 1, cachedFiles: 0 };
    },
    evoStart: async (files: SourceFile[]) => {
      if (engine.failEvo) throw modelError(engine.failEvo);
      engine.calls.push(`start ${files.map((f) => f.path).join(',')}`);
      return summary(`evo-${engine.count++}`, null);
    },
    evoStep: async (from: string, step: EvoStepInput) => {
      if (engine.cancelNext) throw modelError({ code: 'cancelled', message: 'cancelled' });
      engine.calls.push(`step ${from} ${step.commit} [${step.files.map((f) => f.path).join(',')}]`);
      return summary(`evo-${engine.count++}`, 0.9);
    },
    complete: async (request: CompletionRequest, onText: (text: string) => void) => {
      engine.calls.push(`complete ${request.method} ${request.adapterId}`);
      // Like comlink: the streamed text has its own port, and its last message may come after the result.
      setTimeout(() => onText('late partial'), 0);
      return { text: `${request.adapterId}`, rawText: '', promptTokens: 1, newTokens: 1, firstTokenMs: 1, totalMs: 1, method: request.method };
    },
    cancel: async () => undefined,
  }),
}));

const commits: CommitInfo[] = ['c0', 'c1', 'c2', 'c3'].map((oid, i) => ({ oid, parents: i ? [`c${i - 1}`] : [], message: `commit ${i}`, author: 'a', timestamp: i }));
const change = (path: string, commit: string): FileChange => ({
  path,
  kind: 'modified',
  oldOid: `o-${commit}`,
  newOid: `n-${commit}`,
  oldText: 'x = 1\n',
  newText: `x = 2  # ${commit}\n`,
});
// c2 changes a test file only.
const changes: Record<string, FileChange[]> = {
  c0: [change('pkg/a.py', 'c0')],
  c1: [change('pkg/a.py', 'c1'), change('tests/test_a.py', 'c1')],
  c2: [change('tests/test_a.py', 'c2')],
  c3: [change('pkg/b.py', 'c3')],
};

/** The remote's history behind a shallow clone: deepen() calls, and a deepen that is cancelled. */
const remote = vi.hoisted(() => ({
  diffs: [] as string[],
  deepens: [] as number[],
  cancelDeepen: false,
  reset() {
    this.diffs = [];
    this.deepens = [];
    this.cancelDeepen = false;
  },
}));

vi.mock('../services/git.ts', () => ({
  gitService: () => ({
    log: async (_repo: string, limit?: number) => [...commits].reverse().slice(0, limit),
    diff: async (_repo: string, from: string | null, to: string) => {
      remote.diffs.push(`${from}..${to}`);
      return changes[to] ?? [];
    },
    deepen: async (_repo: string, depth: number, onProgress: (p: { stage: string; loaded: number; total: number; message: string }) => void) => {
      remote.deepens.push(depth);
      onProgress({ stage: 'receiving', loaded: 1, total: 2, message: '' });
      if (remote.cancelDeepen) throw modelError({ code: 'cancelled', message: 'Cancelled.' });
      return Math.min(depth, commits.length);
    },
    cancel: async () => undefined,
  }),
}));

vi.mock('../services/repoFiles.ts', () => ({
  DEFAULT_LIMITS: { maxPythonFiles: 10, maxPythonBytes: 1000 },
  RepoContentError: class extends Error {},
  readPythonFiles: async () => ({ production: [{ path: 'pkg/a.py', oid: 'blob-a', text: 'x = 1\n' }], tests: [] }),
}));

vi.mock('../services/tasks.ts', () => ({ tasksOfFiles: async () => [] }));

const { useAppStore } = await import('./index.ts');
const { PLAY_STEP_MS, EARLIER_STEP, hasEarlierCommits } = await import('./timelineSlice.ts');

const repo: RepoRecord = { id: 'r', url: '', name: 'unitkit', head: 'c3', ref: 'main', depth: null, clonedAt: 0, source: 'demo' };
const task: ExtractedTask = { path: 'tests/test_a.py', line: 3, column: 11, kind: 'assert', prefix: 'assert f() == ', target: '2', function: 'test_f', statement: 'assert f() == 2' };

beforeEach(() => {
  engine.reset();
  remote.reset();
  useAppStore.getState().resetTimeline();
  useAppStore.getState().clearPins();
  useAppStore.setState({ activeRepo: repo, phase: 'ready', evoError: null, evoHead: null });
});

describe('the Evo timeline', () => {
  it('opens at the oldest commit with z_0 of its snapshot', async () => {
    await useAppStore.getState().loadTimeline(50);
    const s = useAppStore.getState();
    expect(s.timeline.map((t) => t.commit.oid)).toEqual(['c0', 'c1', 'c2', 'c3']);
    expect(s.timelineIndex).toBe(0);
    expect(s.timeline[1]?.productionChanges.map((c) => c.path)).toEqual(['pkg/a.py']);
    expect(engine.calls).toEqual(['encode blob-a', 'start pkg/a.py']);
    expect(s.timeline[0]?.evo?.id).toBe('evo-0');
    expect(s.timelineJob).toBeNull();
  });

  it('steps commit by commit from the previous state, with the changed production files only', async () => {
    await useAppStore.getState().loadTimeline(50);
    engine.calls = [];
    await useAppStore.getState().stepTo(3);
    expect(engine.calls).toEqual([
      'encode o-c1:n-c1',
      'step evo-0 c1 [pkg/a.py]',
      // A commit without production changes: no encoding, an empty step (the engine keeps the state).
      'step evo-1 c2 []',
      'encode o-c3:n-c3',
      'step evo-2 c3 [pkg/b.py]',
    ]);
    expect(useAppStore.getState().timeline.map((t) => t.evo?.id)).toEqual(['evo-0', 'evo-1', 'evo-2', 'evo-3']);
  });

  it('goes back without computing anything (the states are kept)', async () => {
    await useAppStore.getState().loadTimeline(50);
    await useAppStore.getState().stepTo(3);
    engine.calls = [];
    const stepping = useAppStore.getState().stepTo(1);
    // The view has the step's adapter at once, before any work.
    expect(useAppStore.getState().timelineIndex).toBe(1);
    expect(useAppStore.getState().timeline[1]?.evo?.id).toBe('evo-1');
    await stepping;
    expect(engine.calls).toEqual([]);
  });

  it('completes pinned assertions with the step\'s Evo adapter, here and at the previous step, once', async () => {
    await useAppStore.getState().loadTimeline(50);
    useAppStore.getState().togglePin(task);
    expect(useAppStore.getState().isPinned(task)).toBe(true);
    await useAppStore.getState().runTimeline();
    await useAppStore.getState().stepTo(2);
    expect(engine.calls.filter((c) => c.startsWith('complete'))).toEqual([
      'complete evo evo-0',
      'complete evo evo-2',
      'complete evo evo-1',
    ]);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const results = useAppStore.getState().pinResults;
    expect(results['c2|tests/test_a.py:3:11']).toEqual({ status: 'done', text: 'evo-2', error: null });
    engine.calls = [];
    await useAppStore.getState().stepTo(1);
    await useAppStore.getState().stepTo(2);
    expect(engine.calls).toEqual([]);
  });

  it('Evo at HEAD until the timeline has run, then the current step\'s adapter', async () => {
    useAppStore.setState({ evoHead: summary('head', null), method: 'evo' });
    expect(useAppStore.getState().adapterFor('evo')).toBe('head');
    await useAppStore.getState().loadTimeline(50);
    expect(useAppStore.getState().adapterFor('evo')).toBe('evo-0');
  });

  it('shows a model set without Evo as Evo unavailable, and stops asking', async () => {
    engine.failEvo = { code: 'unknown-model', message: 'this model set has no Evo graphs yet' };
    await useAppStore.getState().loadTimeline(50);
    const s = useAppStore.getState();
    expect(s.evoError?.code).toBe('unknown-model');
    expect(s.adapterFor('evo')).toBeNull();
    await s.stepTo(2);
    expect(engine.calls).toEqual(['encode blob-a']);
  });

  it('does no Evo work for a local import (no history)', async () => {
    useAppStore.setState({ activeRepo: { ...repo, source: 'local' } });
    await useAppStore.getState().loadTimeline(50);
    expect(engine.calls).toEqual([]);
    expect(useAppStore.getState().adapterFor('evo')).toBeNull();
  });

  it('plays to the newest commit and stops there', async () => {
    vi.useFakeTimers();
    try {
      await useAppStore.getState().loadTimeline(50);
      useAppStore.getState().togglePlay();
      await vi.runAllTimersAsync();
      await useAppStore.getState().runTimeline();
      const s = useAppStore.getState();
      expect(s.timelineIndex).toBe(3);
      expect(s.timelinePlaying).toBe(false);
      expect(s.timeline.every((t) => t.evo)).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('pauses Play where it is', async () => {
    vi.useFakeTimers();
    try {
      await useAppStore.getState().loadTimeline(50);
      useAppStore.getState().togglePlay();
      await vi.advanceTimersByTimeAsync(PLAY_STEP_MS + 1);
      useAppStore.getState().pauseTimeline();
      await vi.runAllTimersAsync();
      await useAppStore.getState().runTimeline();
      expect(useAppStore.getState().timelinePlaying).toBe(false);
      expect(useAppStore.getState().timelineIndex).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('stops when the work in flight is cancelled, and carries on when the user steps again', async () => {
    await useAppStore.getState().loadTimeline(50);
    engine.cancelNext = true;
    await useAppStore.getState().stepTo(3);
    expect(useAppStore.getState().timelineStopped).toBe(true);
    expect(useAppStore.getState().timelineError).toBeNull();
    expect(useAppStore.getState().timeline[1]?.evo).toBeNull();
    engine.cancelNext = false;
    await useAppStore.getState().stepTo(3);
    expect(useAppStore.getState().timeline.map((t) => t.evo?.id)).toEqual(['evo-0', 'evo-1', 'evo-2', 'evo-3']);
  });

  it('writes nothing from work of a timeline that was reset', async () => {
    const loading = useAppStore.getState().loadTimeline(50);
    useAppStore.getState().resetTimeline();
    await loading;
    expect(useAppStore.getState().timeline).toEqual([]);
  });

  describe('earlier history', () => {
    const shallow: RepoRecord = { ...repo, source: 'remote', depth: 2 };

    it('deepens a shallow clone, reads only the new diffs, and starts again at the new oldest commit', async () => {
      useAppStore.setState({ activeRepo: shallow });
      await useAppStore.getState().loadTimeline(2);
      let s = useAppStore.getState();
      expect(s.timeline.map((t) => t.commit.oid)).toEqual(['c2', 'c3']);
      expect(hasEarlierCommits(s)).toBe(true);
      await s.stepTo(1);
      expect(s.timeline.length).toBe(2);
      remote.diffs = [];
      engine.calls = [];
      await useAppStore.getState().loadEarlier();
      s = useAppStore.getState();
      expect(remote.deepens).toEqual([2 + EARLIER_STEP]);
      expect(s.timeline.map((t) => t.commit.oid)).toEqual(['c0', 'c1', 'c2', 'c3']);
      // c3's diff is kept; c2's was its whole snapshot and is read again against c1.
      expect(remote.diffs).toEqual(['null..c0', 'c0..c1', 'c1..c2']);
      expect(s.timeline[2]?.productionChanges).toEqual([]);
      expect(s.timelineIndex).toBe(0);
      expect(s.timelineDeepening).toBeNull();
      // Fewer commits than asked for: the clone holds the whole history now, and there is nothing earlier.
      expect(s.activeRepo?.depth).toBeNull();
      expect(hasEarlierCommits(s)).toBe(false);
      // The old states started at c2; the new timeline starts Evo from c0's snapshot.
      expect(engine.calls).toEqual(['encode blob-a', 'start pkg/a.py']);
      expect(s.timeline.map((t) => t.evo?.id ?? null)).toEqual([expect.stringMatching(/^evo-/), null, null, null]);
    });

    it('keeps the timeline as it was when the fetch is cancelled', async () => {
      useAppStore.setState({ activeRepo: shallow });
      await useAppStore.getState().loadTimeline(2);
      const before = useAppStore.getState().timeline;
      remote.cancelDeepen = true;
      await useAppStore.getState().loadEarlier();
      const s = useAppStore.getState();
      expect(s.timeline).toBe(before);
      expect(s.timelineEarlierError?.code).toBe('cancelled');
      expect(s.timelineDeepening).toBeNull();
      expect(s.activeRepo?.depth).toBe(2);
      expect(hasEarlierCommits(s)).toBe(true);
    });

    it('offers earlier commits of a clone shallower than the timeline asks for', async () => {
      useAppStore.setState({ activeRepo: shallow });
      await useAppStore.getState().loadTimeline(50);
      expect(useAppStore.getState().timeline.length).toBe(4);
      expect(hasEarlierCommits(useAppStore.getState())).toBe(true);
      await useAppStore.getState().loadEarlier();
      expect(remote.deepens).toEqual([50 + EARLIER_STEP]);
      expect(hasEarlierCommits(useAppStore.getState())).toBe(false);
    });

    it('reads further back without fetching when the clone already holds the history', async () => {
      await useAppStore.getState().loadTimeline(3);
      await useAppStore.getState().loadEarlier();
      expect(remote.deepens).toEqual([]);
      expect(useAppStore.getState().timeline.map((t) => t.commit.oid)).toEqual(['c0', 'c1', 'c2', 'c3']);
    });
  });
});
