/**
 * difflib.SequenceMatcher(None, a, b) of CPython 3.11 on sequences of strings, reproduced exactly, autojunk
 * heuristic included: its matching blocks (for get_opcodes, src/core/diff) and ratio(), so EditSim figures and
 * Evo's diff texts from the browser and the Python pipeline agree bit for bit.
 *
 * For ratio() on text the items are code points (what a Python `str` is made of), not UTF-16 units:
 * `Array.from(text)`; for line diffs they are lines.
 */

/** a[i:i+size] == b[j:j+size]: difflib's Match triple. */
export interface Match {
  readonly i: number;
  readonly j: number;
  readonly size: number;
}

/** b2j of difflib: element -> ascending indices in b, with "popular" elements purged (autojunk). */
function indexOfB(b: readonly string[]): Map<string, number[]> {
  const b2j = new Map<string, number[]>();
  b.forEach((element, index) => {
    const indices = b2j.get(element);
    if (indices) indices.push(index);
    else b2j.set(element, [index]);
  });
  // autojunk: in sequences of 200+ items, an element occurring more than 1% (+1) of the time is ignored
  // as a match anchor (it can still be absorbed when a match is extended).
  if (b.length >= 200) {
    const limit = Math.floor(b.length / 100) + 1;
    for (const [element, indices] of [...b2j]) {
      if (indices.length > limit) b2j.delete(element);
    }
  }
  return b2j;
}

function findLongestMatch(
  a: readonly string[],
  b: readonly string[],
  b2j: ReadonlyMap<string, readonly number[]>,
  alo: number,
  ahi: number,
  blo: number,
  bhi: number,
): Match {
  let besti = alo;
  let bestj = blo;
  let bestsize = 0;
  let j2len = new Map<number, number>();
  for (let i = alo; i < ahi; i++) {
    const newj2len = new Map<number, number>();
    for (const j of b2j.get(a[i] as string) ?? []) {
      if (j < blo) continue;
      if (j >= bhi) break;
      const k = (j2len.get(j - 1) ?? 0) + 1;
      newj2len.set(j, k);
      if (k > bestsize) {
        besti = i - k + 1;
        bestj = j - k + 1;
        bestsize = k;
      }
    }
    j2len = newj2len;
  }
  // No junk predicate (isjunk=None): difflib's extension loops reduce to these two, which also absorb
  // popular elements adjacent to the match.
  while (besti > alo && bestj > blo && a[besti - 1] === b[bestj - 1]) {
    besti--;
    bestj--;
    bestsize++;
  }
  while (besti + bestsize < ahi && bestj + bestsize < bhi && a[besti + bestsize] === b[bestj + bestsize]) {
    bestsize++;
  }
  return { i: besti, j: bestj, size: bestsize };
}

/**
 * get_matching_blocks(): the matches in ascending order, adjacent ones merged, ending with the sentinel
 * (len(a), len(b), 0).
 */
export function matchingBlocks(a: readonly string[], b: readonly string[]): Match[] {
  const b2j = indexOfB(b);
  const queue: Array<[number, number, number, number]> = [[0, a.length, 0, b.length]];
  const found: Match[] = [];
  for (let range = queue.pop(); range; range = queue.pop()) {
    const [alo, ahi, blo, bhi] = range;
    const match = findLongestMatch(a, b, b2j, alo, ahi, blo, bhi);
    const { i, j, size } = match;
    if (size === 0) continue;
    found.push(match);
    if (alo < i && blo < j) queue.push([alo, i, blo, j]);
    if (i + size < ahi && j + size < bhi) queue.push([i + size, ahi, j + size, bhi]);
  }
  // Blocks never overlap in a or in b, so sorting by (i, j) is Python's tuple sort.
  found.sort((x, y) => x.i - y.i || x.j - y.j);
  const blocks: Match[] = [];
  let current: Match = { i: 0, j: 0, size: 0 };
  for (const next of found) {
    if (current.i + current.size === next.i && current.j + current.size === next.j) {
      current = { i: current.i, j: current.j, size: current.size + next.size };
    } else {
      if (current.size > 0) blocks.push(current);
      current = next;
    }
  }
  if (current.size > 0) blocks.push(current);
  blocks.push({ i: a.length, j: b.length, size: 0 });
  return blocks;
}

/** difflib.SequenceMatcher(None, a, b).ratio() on two strings. */
export function sequenceRatio(a: string, b: string): number {
  const codePointsA = Array.from(a);
  const codePointsB = Array.from(b);
  const total = codePointsA.length + codePointsB.length;
  if (total === 0) return 1.0;
  const matches = matchingBlocks(codePointsA, codePointsB).reduce((sum, block) => sum + block.size, 0);
  return (2.0 * matches) / total;
}
