/**
 * difflib.SequenceMatcher(None, a, b).get_opcodes() and .get_grouped_opcodes(n) of CPython 3.11 on sequences of
 * strings (lines), on top of the one matcher in src/core/metric/sequence-matcher.ts.
 */
import { matchingBlocks } from '../metric/sequence-matcher.ts';

export type OpcodeTag = 'replace' | 'delete' | 'insert' | 'equal';

/** a[i1:i2] becomes b[j1:j2]. */
export interface Opcode {
  readonly tag: OpcodeTag;
  readonly i1: number;
  readonly i2: number;
  readonly j1: number;
  readonly j2: number;
}

export function opcodes(a: readonly string[], b: readonly string[]): Opcode[] {
  const codes: Opcode[] = [];
  let i = 0;
  let j = 0;
  for (const block of matchingBlocks(a, b)) {
    const tag: OpcodeTag | null = i < block.i && j < block.j ? 'replace' : i < block.i ? 'delete' : j < block.j ? 'insert' : null;
    if (tag) codes.push({ tag, i1: i, i2: block.i, j1: j, j2: block.j });
    i = block.i + block.size;
    j = block.j + block.size;
    if (block.size > 0) codes.push({ tag: 'equal', i1: block.i, i2: i, j1: block.j, j2: j });
  }
  return codes;
}

/** Change clusters with at most n items of context around them (what unified_diff makes hunks of). */
export function groupedOpcodes(a: readonly string[], b: readonly string[], n = 3): Opcode[][] {
  const codes = opcodes(a, b);
  if (codes.length === 0) codes.push({ tag: 'equal', i1: 0, i2: 1, j1: 0, j2: 1 });
  const first = codes[0] as Opcode;
  if (first.tag === 'equal') {
    codes[0] = { ...first, i1: Math.max(first.i1, first.i2 - n), j1: Math.max(first.j1, first.j2 - n) };
  }
  const last = codes[codes.length - 1] as Opcode;
  if (last.tag === 'equal') {
    codes[codes.length - 1] = { ...last, i2: Math.min(last.i2, last.i1 + n), j2: Math.min(last.j2, last.j1 + n) };
  }
  const groups: Opcode[][] = [];
  let group: Opcode[] = [];
  for (const code of codes) {
    let { i1, j1 } = code;
    const { tag, i2, j2 } = code;
    if (tag === 'equal' && i2 - i1 > 2 * n) {
      group.push({ tag, i1, i2: Math.min(i2, i1 + n), j1, j2: Math.min(j2, j1 + n) });
      groups.push(group);
      group = [];
      i1 = Math.max(i1, i2 - n);
      j1 = Math.max(j1, j2 - n);
    }
    group.push({ tag, i1, i2, j1, j2 });
  }
  if (group.length > 0 && !(group.length === 1 && group[0]?.tag === 'equal')) groups.push(group);
  return groups;
}
