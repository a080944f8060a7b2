/**
 * `npm run eval -- --repo <git dir> --track evolution [--commits N] [--tasks f.jsonl]`: the evolution track over the
 * last N first-parent commits. The first of them is the starting snapshot (Evo's z_0); each later commit is one Evo
 * step and brings the assertion sites it adds or modifies in its test files (at most 8), or, with --tasks, the
 * records whose `commit` is that commit (full id or an abbreviation of 7+ characters).
 */
import type { PythonParser } from '../core/python/parser.ts';
import type { TaskRecord } from '../core/tasks/types.ts';
import type { Method } from '../engine/completer/api.ts';
import type { Completer } from '../engine/completer/completer.ts';
import type { EvalTask } from '../engine/completer/evaluate.ts';
import { evaluateEvolution, type EvolutionResult } from '../engine/completer/evaluate-evolution.ts';
import { evolutionCommits, firstParentCommits } from '../engine/completer/node/git-history.ts';
import { gitPythonFiles } from '../engine/completer/node/repo-files.ts';

export interface EvolutionOptions {
  repo: string;
  name: string;
  commits: number;
  methods: readonly Method[];
  records?: readonly TaskRecord[];
  limit?: number;
}

function givenTasks(records: readonly TaskRecord[]): (commit: string) => EvalTask[] {
  return (commit) =>
    records
      .filter((r) => r.commit === commit || (r.commit.length >= 7 && commit.startsWith(r.commit)))
      .map((r) => ({ id: r.id, prefix: r.prefix, target: r.target }));
}

export async function evolutionTrack(completer: Completer, parser: PythonParser, options: EvolutionOptions): Promise<EvolutionResult & { window: string[] }> {
  const window = firstParentCommits(options.repo, options.commits);
  if (window.length < 2) throw new Error(`the evolution track needs at least two commits; ${options.repo} has ${window.length}`);
  let budget = options.limit ?? Infinity;
  const commits = (function* () {
    for (const commit of evolutionCommits(options.repo, window, parser, {
      name: options.name,
      givenTasks: options.records ? givenTasks(options.records) : undefined,
    })) {
      const tasks = commit.tasks.slice(0, Math.max(budget, 0));
      budget -= tasks.length;
      yield { ...commit, tasks };
    }
  })();
  const start = gitPythonFiles(options.repo, window[0]);
  console.error(`${options.name}: ${window.length} commits (${(window[0] as string).slice(0, 10)}..${(window.at(-1) as string).slice(0, 10)}), methods ${options.methods.join(', ')}`);
  const result = await evaluateEvolution(completer, start, commits, options.methods, (c, i) => {
    const cosine = c.evoCosine === null ? '' : `, Evo cosine ${c.evoCosine.toFixed(4)}`;
    console.error(`  ${i + 2}/${window.length} ${c.commit.slice(0, 10)}: ${c.changedFiles} production files, ${c.tasks} tasks${cosine}`);
  });
  return { ...result, window };
}
