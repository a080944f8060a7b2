/**
 * Scoring a repository's assertion tasks with the completer (the CLI's `npm run eval`, and the in-browser scorer):
 * one adapter per repository snapshot, greedy completions for each method, exact match and EditSim per method.
 */
import type { MemoryTask } from '../../core/memory/index.ts';
import { score } from '../../core/metric/index.ts';
import { ModelError } from '../errors.ts';
import type { MemoryRequest, Method, SourceFile } from './api.ts';
import type { Completer } from './completer.ts';

export interface EvalTask {
  id: string;
  prefix: string;
  target: string;
  /** Where the assertion is (the 'memory' method ranks by file and line); benchmark records and extracted tasks have it. */
  path?: string;
  line?: number;
}

function memoryTask(task: EvalTask): MemoryTask {
  if (task.path === undefined || task.line === undefined) {
    throw new ModelError('bad-request', `task ${task.id} has no path and line: the 'memory' method cannot place it`);
  }
  return { id: task.id, path: task.path, line: task.line, prefix: task.prefix, target: task.target };
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
  /** What 'memory' recalls from: every assertion site of the repository (default: the tasks themselves). */
  memoryPool?: readonly EvalTask[],
): Promise<EvalResult> {
  const scores: MethodScores[] = [];
  const pool = methods.includes('memory') ? (memoryPool ?? tasks).map(memoryTask) : [];
  const memoryOf = (task: EvalTask): MemoryRequest | undefined => (methods.includes('memory') ? { query: memoryTask(task), pool } : undefined);
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
      const memory = method === 'memory' ? memoryOf(task) : undefined;
      const result = await completer.complete({ prefix: task.prefix, method, adapterId, ragFiles: files, memory });
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
