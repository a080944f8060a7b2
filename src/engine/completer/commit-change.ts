/**
 * What one commit of a repository's history means for the evolution track (DESIGN.md section 2), from the Python
 * files before and after it: the Evo step input (each changed production file as changeText reads a change, keyed
 * by its blob ids: changeKey) and the tasks the commit brings: assertion sites of its changed test files that the
 * file did not have before, matched by (test function, whitespace-collapsed statement) like release_steps in
 * models/data/evolution.py, in path order, at most MAX_TASKS_PER_COMMIT.
 */
import { changeText } from '../../core/diff/index.ts';
import { isProductionFile, isTestFile } from '../../core/python/file-roles.ts';
import type { PythonParser } from '../../core/python/parser.ts';
import { extractTasks } from '../../core/tasks/extract.ts';
import type { ExtractedTask } from '../../core/tasks/types.ts';
import type { EvoStepInput, SourceFile } from './api.ts';
import { compareCodePoints } from './python-strings.ts';

export const MAX_TASKS_PER_COMMIT = 8;

export interface ChangedFile {
  path: string;
  before: SourceFile | null;
  after: SourceFile | null;
}

export interface CommitChange {
  step: EvoStepInput;
  tasks: ExtractedTask[];
}

/** Files whose blob differs between the two sides (added, deleted or modified), in code-point order of path. */
export function changedFiles(before: readonly SourceFile[], after: readonly SourceFile[]): ChangedFile[] {
  const old = new Map(before.map((f) => [f.path, f]));
  const now = new Map(after.map((f) => [f.path, f]));
  const paths = [...new Set([...old.keys(), ...now.keys()])].sort(compareCodePoints);
  return paths
    .map((path) => ({ path, before: old.get(path) ?? null, after: now.get(path) ?? null }))
    .filter((c) => c.before?.oid !== c.after?.oid);
}

/**
 * The vector-cache key of a change's text: both blob ids; an added file reads as the whole file, so its own blob id
 * (the snapshot encoder's key: a vector already made for a snapshot serves the step, and the other way round).
 */
export function changeKey(change: ChangedFile): string {
  if (!change.before && change.after) return change.after.oid;
  return `${change.before?.oid ?? ''}:${change.after?.oid ?? ''}`;
}

/** The Evo step of a commit: its changed production files as the encoder reads them ("" texts left out). */
export function evoStepInput(commit: string, changes: readonly ChangedFile[]): EvoStepInput {
  const files = changes
    .filter((c) => isProductionFile(c.path))
    .map((c) => ({ path: c.path, oid: changeKey(c), text: changeText(c.path, c.before?.text ?? '', c.after?.text ?? '') }))
    .filter((f) => f.text !== '');
  return { commit, files };
}

const siteKey = (t: ExtractedTask): string => `${t.function}\0${t.statement}`;

/** Assertion sites a commit adds or modifies in its test files, at most `limit`. */
export function newAssertionSites(parser: PythonParser, changes: readonly ChangedFile[], limit = MAX_TASKS_PER_COMMIT): ExtractedTask[] {
  const tasks: ExtractedTask[] = [];
  for (const change of changes) {
    if (!change.after || !isTestFile(change.path)) continue;
    const old = new Set(change.before ? extractTasks(parser, change.path, change.before.text).map(siteKey) : []);
    for (const task of extractTasks(parser, change.path, change.after.text)) {
      if (old.has(siteKey(task))) continue;
      tasks.push(task);
      if (tasks.length >= limit) return tasks;
    }
  }
  return tasks;
}

export function commitChange(parser: PythonParser, commit: string, before: readonly SourceFile[], after: readonly SourceFile[]): CommitChange {
  const changes = changedFiles(before, after);
  return { step: evoStepInput(commit, changes), tasks: newAssertionSites(parser, changes) };
}
