/**
 * The k assertions of a repository most like the one being completed: the twin of models/memory/retriever.py, with
 * identical rankings on the golden set (models/memory/golden/rankings.json).
 *
 * A candidate scores the Jaccard overlap of the words of the cut lines (the prefix's last line) and of the test
 * names (with `previousLine`, plus that of the lines above the cut lines); ties go to the same file, then to the
 * nearest line, then to the pool's order. Leave-one-out sees every other assertion; `earlierOnly` keeps to what
 * precedes the cursor: other test files, and the lines above it in its own file. With `distinctTargets`, a
 * candidate whose target is already recalled is passed over, so k lines offer k different answers.
 */

export interface MemoryTask {
  readonly id: string;
  readonly path: string;
  readonly line: number;
  readonly prefix: string;
  readonly target: string;
}

/** The retriever's options, as the manifest's `config.memory` carries them (models.static.config.MemoryConfig). */
export interface RetrieverOptions {
  readonly previousLine?: boolean;
  readonly distinctTargets?: boolean;
}

export interface Recalled {
  readonly id: string;
  readonly path: string;
  readonly line: number;
  /** The cut line without its indentation, then the target: `assert parse(v) == Version(1)`. */
  readonly assertion: string;
  readonly target: string;
  readonly score: number;
}

const WORD = /[A-Za-z0-9]+/g;
// Python's `\w` in a str pattern is Unicode-aware; JavaScript's is ASCII unless spelled out.
const TEST_NAME = /def\s+([\p{L}\p{N}_\p{Mn}\p{Mc}]+)\s*\(/gu;

interface Signature {
  readonly task: MemoryTask;
  /** Of the cut line and the test's name. */
  readonly words: ReadonlySet<string>;
  /** Of the line above the cut line. */
  readonly context: ReadonlySet<string>;
}

function lastLine(text: string): string {
  return text.slice(text.lastIndexOf('\n') + 1);
}

function lineAbove(text: string): string {
  const cut = text.lastIndexOf('\n');
  return cut < 0 ? '' : text.slice(text.lastIndexOf('\n', cut - 1) + 1, cut);
}

function lowerWords(text: string): string[] {
  return (text.match(WORD) ?? []).map((w) => w.toLowerCase());
}

function signature(task: MemoryTask): Signature {
  const names = [...task.prefix.matchAll(TEST_NAME)].map((m) => m[1] ?? '');
  const testName = names.length > 0 ? (names[names.length - 1] ?? '') : '';
  const found = [...lowerWords(lastLine(task.prefix)), ...lowerWords(testName.replaceAll('_', ' '))];
  return { task, words: new Set(found), context: new Set(lowerWords(lineAbove(task.prefix))) };
}

function visible(query: MemoryTask, other: MemoryTask, earlierOnly: boolean): boolean {
  if (other.id === query.id) return false;
  return !earlierOnly || other.path !== query.path || other.line < query.line;
}

function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let shared = 0;
  for (const w of a) if (b.has(w)) shared++;
  const union = a.size + b.size - shared;
  return union > 0 ? shared / union : 0;
}

/**
 * A repository's assertion pool with each candidate's words computed once: a query then costs one pass over the
 * pool (scoring every task of a repository against all the others was quadratic in regex work before).
 */
export class MemoryIndex {
  private readonly entries: readonly Signature[];

  constructor(readonly pool: readonly MemoryTask[]) {
    this.entries = pool.map(signature);
  }

  top(query: MemoryTask, k: number, earlierOnly = false, options: RetrieverOptions = {}): Recalled[] {
    const q = signature(query);
    const ranked: { key: [number, number, number, number]; task: MemoryTask; score: number }[] = [];
    this.entries.forEach(({ task, words, context }, order) => {
      if (!visible(query, task, earlierOnly)) return;
      const cut = jaccard(q.words, words);
      const score = options.previousLine === true ? cut + jaccard(q.context, context) : cut;
      ranked.push({ key: [score, task.path === query.path ? 1 : 0, -Math.abs(task.line - query.line), -order], task, score });
    });
    ranked.sort((x, y) => {
      for (let i = 0; i < 4; i++) {
        const d = (y.key[i] ?? 0) - (x.key[i] ?? 0);
        if (d !== 0) return d;
      }
      return 0;
    });
    const chosen: typeof ranked = [];
    const targets = new Set<string>();
    for (const entry of ranked) {
      if (chosen.length === k) break;
      if (options.distinctTargets === true && targets.has(entry.task.target)) continue;
      targets.add(entry.task.target);
      chosen.push(entry);
    }
    return chosen.map(({ task, score }) => ({
      id: task.id,
      path: task.path,
      line: task.line,
      assertion: lastLine(task.prefix).replace(/^\s+/, '') + task.target,
      target: task.target,
      score,
    }));
  }
}

export function topK(
  query: MemoryTask,
  pool: readonly MemoryTask[],
  k: number,
  earlierOnly = false,
  options: RetrieverOptions = {},
): Recalled[] {
  return new MemoryIndex(pool).top(query, k, earlierOnly, options);
}
