/** changeText and the grouped opcodes against Python's own output (golden/change_text.json, from make_diff_golden.py). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { changeText, deletedFileText } from './change-text.ts';
import { groupedOpcodes } from './opcodes.ts';
import { splitLinesKeepEnds } from './split-lines.ts';

interface GoldenCase {
  name: string;
  path: string;
  old: string;
  new: string;
  text: string;
  groups: [string, number, number, number, number][][];
}

const golden = JSON.parse(readFileSync(new URL('./golden/change_text.json', import.meta.url), 'utf8')) as { cases: GoldenCase[] };

describe('changeText (models/evo/diff_text.py change_text)', () => {
  it('has the golden cases', () => {
    expect(golden.cases.length).toBeGreaterThan(50);
  });

  it.each(golden.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(changeText(c.path, c.old, c.new)).toBe(c.text);
    const groups = groupedOpcodes(splitLinesKeepEnds(c.old), splitLinesKeepEnds(c.new));
    expect(groups.map((g) => g.map((o) => [o.tag, o.i1, o.i2, o.j1, o.j2]))).toEqual(c.groups);
  });

  it('reads an added file whole and a deleted one as one line', () => {
    expect(changeText('a.py', '', 'x = 1\ny')).toBe('x = 1\ny');
    expect(changeText('a/b.py', 'x = 1\n', '')).toBe(deletedFileText('a/b.py'));
    expect(deletedFileText('a/b.py')).toBe('# deleted file: a/b.py\n');
    expect(changeText('a.py', '', '')).toBe('');
  });
});

describe('splitLinesKeepEnds (str.splitlines(keepends=True))', () => {
  it('splits on every line boundary Python knows', () => {
    // Python: 'a\r\nb\rc\nd\x0be\x0cf\x1cg\x1dh\x1ei\x85j\u2028k\u2029l'.splitlines(True)
    expect(splitLinesKeepEnds('a\r\nb\rc\nd\x0be\x0cf\x1cg\x1dh\x1ei\x85j\u2028k\u2029l')).toEqual([
      'a\r\n', 'b\r', 'c\n', 'd\x0b', 'e\x0c', 'f\x1c', 'g\x1d', 'h\x1e', 'i\x85', 'j\u2028', 'k\u2029', 'l',
    ]);
    expect(splitLinesKeepEnds('')).toEqual([]);
    expect(splitLinesKeepEnds('\n\n')).toEqual(['\n', '\n']);
    expect(splitLinesKeepEnds('\r\r\n')).toEqual(['\r', '\r\n']);
    expect(splitLinesKeepEnds('😀\n')).toEqual(['😀\n']);
  });
});
