/** Task JSONL records (DESIGN.md section 5), as models/data/bench_build.py writes them. */
import { TASK_KINDS, TASK_SPLITS, type ExtractedTask, type TaskKind, type TaskRecord, type TaskSplit } from './types.ts';

/** "{repo}@{commit}:{path}:{line}:{column}" (column in UTF-8 bytes). */
export function taskId(repo: string, commit: string, task: ExtractedTask): string {
  return `${repo}@${commit}:${task.path}:${task.line}:${task.column}`;
}

export function taskRecord(repo: string, commit: string, task: ExtractedTask, split: TaskSplit): TaskRecord {
  return {
    id: taskId(repo, commit, task),
    repo,
    commit,
    path: task.path,
    line: task.line,
    kind: task.kind,
    prefix: task.prefix,
    target: task.target,
    split,
  };
}

function field<T>(raw: Record<string, unknown>, name: string, check: (value: unknown) => value is T, where: string): T {
  const value = raw[name];
  if (!check(value)) throw new Error(`${where}: field "${name}" is missing or has the wrong type`);
  return value;
}

const isString = (value: unknown): value is string => typeof value === 'string';
const isLine = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 1;
const isKind = (value: unknown): value is TaskKind => TASK_KINDS.includes(value as TaskKind);
const isSplit = (value: unknown): value is TaskSplit => TASK_SPLITS.includes(value as TaskSplit);

/** One parsed and checked record; `where` names it in errors (e.g. "tasks.jsonl line 3"). */
export function parseTaskRecord(line: string, where: string): TaskRecord {
  const raw: unknown = JSON.parse(line);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error(`${where}: not a JSON object`);
  const record = raw as Record<string, unknown>;
  return {
    id: field(record, 'id', isString, where),
    repo: field(record, 'repo', isString, where),
    commit: field(record, 'commit', isString, where),
    path: field(record, 'path', isString, where),
    line: field(record, 'line', isLine, where),
    kind: field(record, 'kind', isKind, where),
    prefix: field(record, 'prefix', isString, where),
    target: field(record, 'target', isString, where),
    split: field(record, 'split', isSplit, where),
  };
}

/** Every record of a task JSONL text (blank lines skipped). */
export function parseTaskJsonl(text: string, name = 'tasks'): TaskRecord[] {
  const records: TaskRecord[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim()) records.push(parseTaskRecord(line, `${name} line ${index + 1}`));
  });
  return records;
}

export function toTaskJsonl(records: readonly TaskRecord[]): string {
  return records.map((record) => JSON.stringify(record)).join('\n') + (records.length ? '\n' : '');
}
