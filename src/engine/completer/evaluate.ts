/**
 * Scoring a repository's assertion tasks with the completer (the CLI's `npm run eval`, and the in-browser scorer):
 * one adapter per repository snapshot, greedy completions for each method, exact match and EditSim per method.
 */
import { score } from '../../core/metric/index.ts';
import type { Method, SourceFile } from './api.ts';
import type { Completer } from './completer.ts';

export interface EvalTask {
  id: string;
  prefix: string;
  target: string;
}

export interface MethodScores {
  method: Method;
  tasks: number;
  /** Percent of tasks. */
  exactMatch: number;
  /** Mean difflib ratio, percent. */
  editSim: number;
  meanPromptTokens: number;
  /** Milliseconds to make the adapter (Static), 0 for methods without one. */
  adapterMs: number;
  generateMs: number;
}

export interface EvalResult {
  scores: MethodScores[];
  /** method -> task id -> generated text (the first line, as scored). */
  predictions: Record<string, Record<string, string>>;
}

export async function evaluateTasks(
  completer: Completer,
  files: SourceFile[],
  tasks: readonly EvalTask[],
  methods: readonly Method[],
  onTask?: (method: Method, done: number, total: number) => void,
): Promise<EvalResult> {
  const scores: MethodScores[] = [];
  const predictions: Record<string, Record<string, string>> = {};
  for (const method of methods) {
    let adapterId: string | undefined;
    let adapterMs = 0;
    if (method === 'static') {
      const adapter = await completer.adapterFromFiles(files);
      adapterId = adapter.id;
      adapterMs = adapter.ms;
    } else if (method === 'evo') {
      // Evo on a static snapshot: the initial state of the snapshot (the evolution track steps commits).
      const adapter = await completer.evoStart(files);
      adapterId = adapter.id;
      adapterMs = adapter.ms;
    }
    const texts: Record<string, string> = {};
    let exact = 0;
    let edit = 0;
    let promptTokens = 0;
    const start = performance.now();
    for (const [i, task] of tasks.entries()) {
      const result = await completer.complete({ prefix: task.prefix, method, adapterId, ragFiles: files });
      texts[task.id] = result.text;
      const s = score(result.text, task.target);
      exact += s.exactMatch ? 1 : 0;
      edit += s.editSim;
      promptTokens += result.promptTokens;
      onTask?.(method, i + 1, tasks.length);
    }
    const n = Math.max(tasks.length, 1);
    predictions[method] = texts;
    scores.push({
      method,
      tasks: tasks.length,
      exactMatch: (100 * exact) / n,
      editSim: (100 * edit) / n,
      meanPromptTokens: promptTokens / n,
      adapterMs,
      generateMs: performance.now() - start,
    });
  }
  return { scores, predictions };
}

export function scoreTable(scores: readonly MethodScores[]): string {
  const rows = [
    '| method | tasks | EM % | EditSim % | prompt tokens | adapter ms |',
    '|---|---:|---:|---:|---:|---:|',
    ...scores.map(
      (s) =>
        `| ${s.method} | ${s.tasks} | ${s.exactMatch.toFixed(1)} | ${s.editSim.toFixed(1)} | ${s.meanPromptTokens.toFixed(0)} | ${s.adapterMs.toFixed(1)} |`,
    ),
  ];
  return rows.join('\n');
}
