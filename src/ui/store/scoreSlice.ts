import type { StateCreator } from 'zustand';
import type { ExtractedTask } from '../../core/tasks/types.ts';
import type { Method } from '../../engine/completer/api.ts';
import { score } from '../../core/metric/index.ts';
import { completerService } from '../services/completer.ts';
import { describeError, type UserError } from '../errors.ts';
import { evoCommitLabel } from './evoAvailability.ts';
import type { AppState } from './index.ts';

export interface TaskScore {
  task: ExtractedTask;
  answers: Partial<Record<Method, { text: string; exact: boolean; editSim: number }>>;
}

export interface ScoreSlice {
  scoreMethods: Method[];
  scoreRows: TaskScore[];
  scoreDone: number;
  scoreTotal: number;
  scoreRunning: boolean;
  scoreError: UserError | null;
  scoreCancelled: boolean;
  /** Wall time of the run so far (ms), updated after each answer and at the end. */
  scoreElapsedMs: number;
  /** Which commit's Evo state the run used, in words (null when Evo was not scored). */
  scoreEvoCommit: string | null;
  runScore(methods: Method[]): Promise<void>;
  cancelScore(): Promise<void>;
}

export const createScoreSlice: StateCreator<AppState, [], [], ScoreSlice> = (set, get) => ({
  scoreMethods: [],
  scoreRows: [],
  scoreDone: 0,
  scoreTotal: 0,
  scoreRunning: false,
  scoreError: null,
  scoreCancelled: false,
  scoreElapsedMs: 0,
  scoreEvoCommit: null,

  async runScore(methods) {
    const tasks = get().tasks;
    const usable = methods.filter((m) => get().adapterFor(m) !== null);
    const started = performance.now();
    const elapsed = (): number => performance.now() - started;
    const st0 = get();
    set({
      scoreElapsedMs: 0,
      scoreEvoCommit: usable.includes('evo') ? evoCommitLabel({ ...st0, head: st0.activeRepo?.head ?? '' }) : null,
      scoreMethods: usable,
      scoreRows: tasks.map((task) => ({ task, answers: {} })),
      scoreDone: 0,
      scoreTotal: tasks.length * usable.length,
      scoreRunning: true,
      scoreError: null,
      scoreCancelled: false,
    });
    const engine = completerService();
    try {
      for (let i = 0; i < tasks.length; i++) {
        const task = tasks[i]!;
        for (const method of usable) {
          if (get().scoreCancelled) return;
          const adapterId = get().adapterFor(method);
          const result = await engine.complete(get().requestFor(method, task.prefix, adapterId ?? undefined, task), () => undefined);
          const s = score(result.text, task.target);
          set((st) => ({
            scoreElapsedMs: elapsed(),
            scoreDone: st.scoreDone + 1,
            scoreRows: st.scoreRows.map((row, j) =>
              j === i ? { ...row, answers: { ...row.answers, [method]: { text: result.text, exact: s.exactMatch, editSim: s.editSim } } } : row,
            ),
          }));
        }
      }
    } catch (e) {
      const error = describeError(e);
      if (error.code === 'cancelled') set({ scoreCancelled: true });
      else set({ scoreError: error });
    } finally {
      set({ scoreRunning: false, scoreElapsedMs: elapsed() });
    }
  },

  async cancelScore() {
    set({ scoreCancelled: true });
    await completerService().cancel();
  },
});
