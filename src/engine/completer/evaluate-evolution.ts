/**
 * The evolution track with the completer (`npm run eval -- --track evolution`): along a repository's history,
 * Evo's state starts at the first snapshot and takes one step per later commit; each commit's tasks are scored
 * with the Evo adapter that has consumed that commit, the Static adapter of the snapshot at that commit, the base
 * model and RAG over that snapshot. Exact match and EditSim per method, as in evaluate.ts.
 */
import { score } from '../../core/metric/index.ts';
import type { EvoStepInput, Method, SourceFile } from './api.ts';
import type { Completer } from './completer.ts';
import type { EvalResult, EvalTask, MethodScores } from './evaluate.ts';

export interface EvolutionCommit {
  commit: string;
  /** The Python files at this commit: Static's snapshot and RAG's retrieval pool. */
  files: SourceFile[];
  /** What Evo reads of the commit (its changed production files). */
  step: EvoStepInput;
  tasks: EvalTask[];
}

export interface CommitSummary {
  commit: string;
  tasks: number;
  /** Production files the Evo step read (0: the state did not move). */
  changedFiles: number;
  /** Cosine between the Evo adapters after and before this commit (null without Evo). */
  evoCosine: number | null;
}

export interface EvolutionResult extends EvalResult {
  commits: CommitSummary[];
}

interface Tally {
  tasks: number;
  exact: number;
  edit: number;
  promptTokens: number;
  adapterMs: number[];
  generateMs: number;
}

const mean = (xs: number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

/**
 * `commits` (oldest first, e.g. a generator reading git lazily) follow the snapshot `start`. Evo steps through every
 * commit; the other methods run only at commits that bring tasks.
 */
export async function evaluateEvolution(
  completer: Completer,
  start: SourceFile[],
  commits: Iterable<EvolutionCommit>,
  methods: readonly Method[],
  onCommit?: (summary: CommitSummary, index: number) => void,
): Promise<EvolutionResult> {
  const tallies = new Map<Method, Tally>(methods.map((m) => [m, { tasks: 0, exact: 0, edit: 0, promptTokens: 0, adapterMs: [], generateMs: 0 }]));
  const predictions: Record<string, Record<string, string>> = Object.fromEntries(methods.map((m) => [m, {}]));
  const summaries: CommitSummary[] = [];
  let evo = methods.includes('evo') ? await completer.evoStart(start) : null;
  for (const commit of commits) {
    let evoCosine: number | null = null;
    if (evo) {
      evo = await completer.evoStep(evo.id, commit.step);
      evoCosine = evo.cosineToPrevious;
      tallies.get('evo')?.adapterMs.push(evo.ms);
    }
    for (const method of commit.tasks.length > 0 ? methods : []) {
      const tally = tallies.get(method) as Tally;
      let adapterId: string | undefined;
      if (method === 'static') {
        const adapter = await completer.adapterFromFiles(commit.files);
        adapterId = adapter.id;
        tally.adapterMs.push(adapter.ms);
      } else if (method === 'evo') {
        adapterId = evo?.id;
      }
      const begin = performance.now();
      for (const task of commit.tasks) {
        const result = await completer.complete({ prefix: task.prefix, method, adapterId, ragFiles: commit.files });
        (predictions[method] as Record<string, string>)[task.id] = result.text;
        const s = score(result.text, task.target);
        tally.tasks++;
        tally.exact += s.exactMatch ? 1 : 0;
        tally.edit += s.editSim;
        tally.promptTokens += result.promptTokens;
      }
      tally.generateMs += performance.now() - begin;
    }
    const summary = { commit: commit.commit, tasks: commit.tasks.length, changedFiles: commit.step.files.length, evoCosine };
    summaries.push(summary);
    onCommit?.(summary, summaries.length - 1);
  }
  const scores: MethodScores[] = methods.map((method) => {
    const t = tallies.get(method) as Tally;
    const n = Math.max(t.tasks, 1);
    return {
      method,
      tasks: t.tasks,
      exactMatch: (100 * t.exact) / n,
      editSim: (100 * t.edit) / n,
      meanPromptTokens: t.promptTokens / n,
      adapterMs: mean(t.adapterMs),
      generateMs: t.generateMs,
    };
  });
  return { scores, predictions, commits: summaries };
}
