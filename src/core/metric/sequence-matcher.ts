/**
 * difflib.SequenceMatcher(None, a, b).ratio() of CPython 3.11, reproduced exactly, autojunk heuristic included,
 * so EditSim figures from the browser and the Python pipeline agree bit for bit.
 *
 * Sequences are code points (what a Python `str` is made of), not UTF-16 units: `Array.from(text)`.
 */

interface Match {
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

/** Total size of difflib's matching blocks (the order blocks are found in does not change the sum). */
function matchingCharacters(a: readonly string[], b: readonly string[]): number {
  const b2j = indexOfB(b);
  const queue: Array<[number, number, number, number]> = [[0, a.length, 0, b.length]];
  let matches = 0;
  for (let range = queue.pop(); range; range = queue.pop()) {
    const [alo, ahi, blo, bhi] = range;
    const { i, j, size } = findLongestMatch(a, b, b2j, alo, ahi, blo, bhi);
    if (size === 0) continue;
    matches += size;
    if (alo < i && blo < j) queue.push([alo, i, blo, j]);
    if (i + size < ahi && j + size < bhi) queue.push([i + size, ahi, j + size, bhi]);
  }
  return matches;
}

/** difflib.SequenceMatcher(None, a, b).ratio() on two strings. */
export function sequenceRatio(a: string, b: string): number {
  const codePointsA = Array.from(a);
  const codePointsB = Array.from(b);
  const total = codePointsA.length + codePointsB.length;
  if (total === 0) return 1.0;
  return (2.0 * matchingCharacters(codePointsA, codePointsB)) / total;
}
