/**
 * A git repository's first-parent history as evolution-track commits (evaluate-evolution.ts), read lazily through
 * the git command: each commit's Python files (Static's snapshot, RAG's pool), its Evo step and the tasks it brings.
 */
import { execFileSync } from 'node:child_process';
import type { PythonParser } from '../../../core/python/parser.ts';
import { taskId } from '../../../core/tasks/records.ts';
import type { SourceFile } from '../api.ts';
import { commitChange } from '../commit-change.ts';
import type { EvalTask } from '../evaluate.ts';
import type { EvolutionCommit } from '../evaluate-evolution.ts';
import { gitPythonFiles } from './repo-files.ts';

/** The last `count` first-parent commits of `rev`, oldest first. */
export function firstParentCommits(repo: string, count: number, rev = 'HEAD'): string[] {
  const out = execFileSync('git', ['-C', repo, 'rev-list', '--first-parent', `--max-count=${count}`, rev], { stdio: ['ignore', 'pipe', 'pipe'] });
  return out.toString('utf8').split('\n').filter(Boolean).reverse();
}

export interface HistoryOptions {
  /** Repository name in task ids ("{repo}@{commit}:{path}:{line}:{column}"). */
  name: string;
  /** Given tasks per commit instead of the extracted ones (e.g. from a JSONL file); keyed by full commit id. */
  givenTasks?: (commit: string) => EvalTask[];
}

/**
 * The commits after `commits[0]` (whose snapshot starts Evo), each against its predecessor in the list, which is
 * its first parent when the list comes from firstParentCommits.
 */
export function* evolutionCommits(repo: string, commits: readonly string[], parser: PythonParser, options: HistoryOptions): Generator<EvolutionCommit> {
  let before: SourceFile[] = gitPythonFiles(repo, commits[0]);
  for (const commit of commits.slice(1)) {
    const files = gitPythonFiles(repo, commit);
    const change = commitChange(parser, commit, before, files);
    const tasks = options.givenTasks
      ? options.givenTasks(commit)
      : change.tasks.map((t) => ({ id: taskId(options.name, commit, t), prefix: t.prefix, target: t.target }));
    yield { commit, files, step: change.step, tasks };
    before = files;
  }
}
