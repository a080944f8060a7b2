import type { StateCreator } from 'zustand';
import type { CommitInfo, FileChange } from '../../git/types.ts';
import type { AdapterSummary } from '../../engine/completer/api.ts';
import { isProductionFile } from '../../core/python/file-roles.ts';
import { completerService } from '../services/completer.ts';
import { gitService } from '../services/git.ts';
import { DEFAULT_LIMITS, readPythonFiles } from '../services/repoFiles.ts';
import { describeError, type UserError } from '../errors.ts';
import type { AppState } from './index.ts';

export interface TimelineStep {
  commit: CommitInfo;
  /** Production .py files this commit changed (vs its first parent). */
  productionChanges: FileChange[];
  /** The Static adapter of this commit's snapshot (computed when the step is visited). */
  adapter: AdapterSummary | null;
}

export interface TimelineSlice {
  timeline: TimelineStep[];
  timelineIndex: number;
  timelineBusy: boolean;
  timelineError: UserError | null;
  /** The Evo adapter of the current step, when the Evo graphs are available. */
  evoAdapterId: string | null;
  loadTimeline(limit: number): Promise<void>;
  /** Moves to a step and computes its adapter if not yet known (cached per commit, so going back is instant). */
  stepTo(index: number): Promise<void>;
}

export const createTimelineSlice: StateCreator<AppState, [], [], TimelineSlice> = (set, get) => ({
  timeline: [],
  timelineIndex: -1,
  timelineBusy: false,
  timelineError: null,
  evoAdapterId: null,

  async loadTimeline(limit) {
    const repo = get().activeRepo;
    if (!repo) return;
    set({ timelineBusy: true, timelineError: null });
    try {
      const commits = (await gitService().log(repo.id, limit)).reverse();
      const steps: TimelineStep[] = [];
      for (let i = 0; i < commits.length; i++) {
        const commit = commits[i]!;
        const parent = i > 0 ? commits[i - 1]!.oid : null;
        const changes = await gitService().diff(repo.id, parent, commit.oid);
        steps.push({ commit, productionChanges: changes.filter((c) => isProductionFile(c.path)), adapter: null });
      }
      set({ timeline: steps, timelineIndex: steps.length - 1 });
    } catch (e) {
      set({ timelineError: describeError(e) });
    } finally {
      set({ timelineBusy: false });
    }
  },

  async stepTo(index) {
    const repo = get().activeRepo;
    const step = get().timeline[index];
    if (!repo || !step) return;
    set({ timelineIndex: index, timelineError: null });
    if (step.adapter) return;
    set({ timelineBusy: true });
    try {
      const { production } = await readPythonFiles(repo.id, step.commit.oid, {
        ...DEFAULT_LIMITS,
        maxPythonFiles: get().settings.maxPythonFiles,
        maxPythonBytes: get().settings.maxPythonBytes,
      });
      await completerService().encodeFiles(production, () => undefined);
      const adapter = await completerService().adapterFromFiles(production);
      set((s) => ({ timeline: s.timeline.map((t, i) => (i === index ? { ...t, adapter } : t)) }));
    } catch (e) {
      set({ timelineError: describeError(e) });
    } finally {
      set({ timelineBusy: false });
    }
  },
});
