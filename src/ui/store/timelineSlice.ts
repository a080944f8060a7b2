import type { StateCreator } from 'zustand';
import type { CloneProgress, CommitInfo, FileChange } from '../../git/types.ts';
import type { AdapterSummary, EncodeProgress } from '../../engine/completer/api.ts';
import { completerService } from '../services/completer.ts';
import { gitService } from '../services/git.ts';
import { describeError, type UserError } from '../errors.ts';
import { productionChanges } from './evoStepInput.ts';
import { evoBlockReason } from './evoAvailability.ts';
import { pinKey } from './pins.ts';
import { nextTimelineJob, type PinCompletion, type TimelineJob } from './timelinePlan.ts';
import { runTimelineJob, type JobContext } from './timelineJobs.ts';
import type { AppState } from './index.ts';

export interface TimelineStep {
  commit: CommitInfo;
  /** Production .py files this commit changed (vs its first parent; for the oldest commit, its whole snapshot). */
  productionChanges: FileChange[];
  /** The Evo adapter after this commit (kept once computed, so going back is instant). */
  evo: AdapterSummary | null;
}

/** How long Play shows each step before moving on. */
export const PLAY_STEP_MS = 700;
/** Commits added to the timeline by "Load earlier commits" (the shallow clone is deepened by as many). */
export const EARLIER_STEP = 50;

/** Reading the timeline's commits: the diff of each against its parent. */
export interface HistoryReading {
  done: number;
  total: number;
}

export interface TimelineSlice {
  /** The first-parent history, oldest first. */
  timeline: TimelineStep[];
  timelineIndex: number;
  timelineLoading: boolean;
  timelineError: UserError | null;
  /** What the model worker is doing for the timeline now, if anything. */
  timelineJob: TimelineJob | null;
  timelineEncode: EncodeProgress | null;
  timelinePlaying: boolean;
  /** The user stopped the timeline's work; stepping again carries on. */
  timelineStopped: boolean;
  /** Evo completions of pinned assertions, per step (see pins.ts pinResultKey). */
  pinResults: Record<string, PinCompletion>;
  /** The most commits the timeline reads (newest first); grows with loadEarlier. */
  timelineLimit: number;
  /** While the timeline's commits are read: how many of them so far. */
  timelineReading: HistoryReading | null;
  /** Fetching earlier history for a shallow clone: the fetch's progress; null when idle. */
  timelineDeepening: CloneProgress | null;
  /** Why the last "Load earlier commits" did not add any (cancelled, failed), or null. */
  timelineEarlierError: UserError | null;
  /** Reads the first-parent history (newest `limit` commits) and starts at the oldest: z_0. */
  loadTimeline(limit: number): Promise<void>;
  /**
   * EARLIER_STEP more commits: deepens a shallow clone first (progress in timelineDeepening, cancel with
   * cancelEarlier), then the timeline starts at the new oldest commit. The Evo states computed so far start from
   * the old oldest commit, so they are dropped; the commits' diffs are kept.
   */
  loadEarlier(): Promise<void>;
  /** Stops fetching earlier history; the timeline stays as it was. */
  cancelEarlier(): Promise<void>;
  /** Shows a step (at once: what is known is kept) and computes what it still needs; stops Play. */
  stepTo(index: number): Promise<void>;
  togglePlay(): void;
  /** Stops Play (the step shown stays). */
  pauseTimeline(): void;
  /** Stops the work in flight (the model worker's current run is cancelled). */
  stopTimeline(): Promise<void>;
  /** Does the work the step shown needs (idempotent: one run at a time). */
  runTimeline(): Promise<void>;
  resetTimeline(): void;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const initial = {
  timeline: [],
  timelineIndex: -1,
  timelineLoading: false,
  timelineError: null,
  timelineJob: null,
  timelineEncode: null,
  timelinePlaying: false,
  timelineStopped: false,
  pinResults: {},
  timelineLimit: 0,
  timelineReading: null,
  timelineDeepening: null,
  timelineEarlierError: null,
} satisfies Partial<TimelineSlice>;

/**
 * Whether the timeline may have earlier commits to load: it holds as many as it asked for, or the clone is shallow
 * (cloned with fewer commits than the timeline asks for, its history goes on on the server).
 */
export function hasEarlierCommits(s: Pick<TimelineSlice, 'timeline' | 'timelineLimit'> & { activeRepo: { depth: number | null } | null }): boolean {
  if (s.timelineLimit <= 0 || s.timeline.length === 0) return false;
  return s.timeline.length >= s.timelineLimit || (s.activeRepo?.depth ?? null) !== null;
}

export const createTimelineSlice: StateCreator<AppState, [], [], TimelineSlice> = (set, get) => {
  // A new timeline (another repository, or a reload) bumps the generation: work of an older one writes nothing.
  let generation = 0;
  let run: { generation: number; done: Promise<void> } | null = null;

  const blocked = (s: AppState): boolean => s.timelineStopped || s.timelineError !== null || s.phase !== 'ready' || evoBlockReason(s) !== null;

  async function loop(gen: number, repoId: string): Promise<void> {
    const current = (): boolean => gen === generation && get().activeRepo?.id === repoId;
    const ctx: JobContext = { repoId, get, update: (u) => current() && set(u(get())) };
    while (current()) {
      const s = get();
      if (blocked(s)) {
        if (s.timelinePlaying) set({ timelinePlaying: false });
        break;
      }
      const job = nextTimelineJob({ steps: s.timeline, index: s.timelineIndex, pins: s.pins.map(pinKey), pinResults: s.pinResults });
      if (!job) {
        if (!s.timelinePlaying) break;
        if (s.timelineIndex >= s.timeline.length - 1) {
          set({ timelinePlaying: false });
          break;
        }
        set({ timelineJob: null, timelineEncode: null });
        await sleep(PLAY_STEP_MS);
        if (current() && get().timelinePlaying) set({ timelineIndex: get().timelineIndex + 1 });
        continue;
      }
      set({ timelineJob: job });
      try {
        await runTimelineJob(job, ctx);
      } catch (e) {
        if (!current()) break;
        const error = describeError(e);
        if (error.code === 'cancelled') set({ timelineStopped: true, timelinePlaying: false });
        // Evo missing from the model set: the mode switch says so too.
        else if (error.code === 'unknown-model') set({ evoError: error, timelinePlaying: false });
        else set({ timelineError: error, timelinePlaying: false });
      }
    }
    if (current()) set({ timelineJob: null, timelineEncode: null });
  }

  /** The newest `limit` first-parent commits, oldest first, each with its production changes (reused when known). */
  async function readSteps(repoId: string, limit: number, known: Map<string, FileChange[]>, gen: number): Promise<TimelineStep[]> {
    const commits = (await gitService().log(repoId, limit)).reverse();
    const steps: TimelineStep[] = [];
    for (let i = 0; i < commits.length; i++) {
      if (gen !== generation) break;
      const commit = commits[i]!;
      const parent = i > 0 ? commits[i - 1]!.oid : null;
      const changes = (i > 0 && known.get(commit.oid)) || productionChanges(await gitService().diff(repoId, parent, commit.oid));
      steps.push({ commit, productionChanges: changes, evo: null });
      if (gen === generation) set({ timelineReading: { done: i + 1, total: commits.length } });
    }
    return steps;
  }

  return {
    ...initial,

    resetTimeline() {
      generation++;
      set({ ...initial });
    },

    async loadTimeline(limit) {
      const repo = get().activeRepo;
      if (!repo || get().timelineLoading) return;
      const gen = generation;
      set({ timelineLoading: true, timelineError: null, timelineLimit: limit });
      try {
        const steps = await readSteps(repo.id, limit, new Map(), gen);
        if (gen !== generation) return;
        set({ timeline: steps, timelineIndex: steps.length > 0 ? 0 : -1 });
      } catch (e) {
        if (gen === generation) set({ timelineError: describeError(e) });
      } finally {
        if (gen === generation) set({ timelineLoading: false, timelineReading: null });
      }
      if (gen === generation) await get().runTimeline();
    },

    async loadEarlier() {
      const s = get();
      const repo = s.activeRepo;
      if (!repo || s.timelineLoading || s.timelineDeepening || s.timeline.length === 0) return;
      const gen = generation;
      // The generation whose progress lines this call owns: its own new one once it has replaced the timeline.
      let owned = gen;
      const limit = s.timelineLimit + EARLIER_STEP;
      set({ timelineEarlierError: null });
      try {
        if (repo.depth !== null && repo.depth < limit) {
          set({ timelineDeepening: { stage: 'connecting', loaded: 0, total: 0, message: 'Fetching earlier history' } });
          const count = await gitService().deepen(repo.id, limit, (p) => {
            if (gen === generation) set({ timelineDeepening: p });
          });
          // Fewer commits than asked for: the clone now holds the whole history.
          const depth = count < limit ? null : limit;
          if (get().activeRepo?.id === repo.id) set({ activeRepo: { ...repo, depth } });
        }
        if (gen !== generation) return;
        set({ timelineDeepening: null, timelineLoading: true });
        // The old oldest commit's diff was its whole snapshot; against its parent it is read again.
        const known = new Map(s.timeline.slice(1).map((step) => [step.commit.oid, step.productionChanges]));
        const steps = await readSteps(repo.id, limit, known, gen);
        if (gen !== generation) return;
        // A new start: the Evo states so far began at the old oldest commit.
        owned = ++generation;
        set({ timeline: steps, timelineIndex: 0, timelineLimit: limit, pinResults: {}, timelineStopped: false, timelineError: null });
      } catch (e) {
        if (gen === generation) set({ timelineEarlierError: describeError(e) });
      } finally {
        // Another repository's (or a reloaded) timeline keeps its own progress lines.
        if (owned === generation) set({ timelineDeepening: null, timelineLoading: false, timelineReading: null });
      }
      if (owned === generation) await get().runTimeline();
    },

    async cancelEarlier() {
      if (get().timelineDeepening) await gitService().cancel();
    },

    async stepTo(index) {
      const { timeline } = get();
      if (timeline.length === 0) return;
      const timelineIndex = Math.max(0, Math.min(timeline.length - 1, index));
      set({ timelineIndex, timelinePlaying: false, timelineStopped: false, timelineError: null });
      await get().runTimeline();
    },

    togglePlay() {
      const s = get();
      if (s.timelinePlaying) {
        set({ timelinePlaying: false });
        return;
      }
      // Play from the start when the last step is shown.
      const atEnd = s.timelineIndex >= s.timeline.length - 1;
      set({ timelinePlaying: true, timelineStopped: false, timelineError: null, ...(atEnd ? { timelineIndex: 0 } : {}) });
      void get().runTimeline();
    },

    pauseTimeline() {
      if (get().timelinePlaying) set({ timelinePlaying: false });
    },

    async stopTimeline() {
      set({ timelineStopped: true, timelinePlaying: false });
      if (get().timelineJob) await completerService().cancel();
    },

    runTimeline() {
      const repoId = get().activeRepo?.id;
      if (!repoId) return Promise.resolve();
      if (!run || run.generation !== generation) {
        const mine = { generation, done: Promise.resolve() };
        mine.done = loop(generation, repoId).finally(() => {
          if (run === mine) run = null;
        });
        run = mine;
      }
      return run.done;
    },
  };
};
