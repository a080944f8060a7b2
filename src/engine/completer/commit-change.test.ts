/** A commit's Evo step input and the assertion sites it brings (release_steps in models/data/evolution.py). */
import { beforeAll, describe, expect, it } from 'vitest';
import type { PythonParser } from '../../core/python/parser.ts';
import { loadPythonParserNode } from '../../core/python/parser-node.ts';
import type { SourceFile } from './api.ts';
import { changedFiles, commitChange, MAX_TASKS_PER_COMMIT } from './commit-change.ts';

const file = (path: string, oid: string, text: string): SourceFile => ({ path, oid, text });
const lines = (n: number, from = 0): string => Array.from({ length: n }, (_, i) => `x${i + from} = ${i + from}\n`).join('');

const OLD_TEST = `from pkg import f


def test_one():
    assert f(1) == 101
    assert f(2) == 102


def test_two():
    assert f(3) == 103
`;
// test_one: one statement kept (reformatted whitespace only), one modified, one added; test_two unchanged;
// test_three new with more sites than a commit may bring.
const NEW_TEST = `from pkg import f


def test_one():
    assert f(1)  ==  101
    assert f(2) == 120
    assert f(4) == 104


def test_two():
    assert f(3) == 103


def test_three():
${Array.from({ length: 10 }, (_, i) => `    assert f(${i + 10}) == ${i + 10}`).join('\n')}
`;

describe('commitChange', () => {
  let parser: PythonParser;
  beforeAll(async () => {
    parser = await loadPythonParserNode();
  });

  it('lists the files whose blob changed, in path order', () => {
    const before = [file('b.py', '1', 'b'), file('a.py', '2', 'a'), file('same.py', '3', 's')];
    const after = [file('same.py', '3', 's'), file('c.py', '4', 'c'), file('a.py', '5', 'A')];
    expect(changedFiles(before, after).map((c) => [c.path, c.before?.oid ?? null, c.after?.oid ?? null])).toEqual([
      ['a.py', '2', '5'],
      ['b.py', '1', null],
      ['c.py', null, '4'],
    ]);
  });

  it('reads changed production files as diff texts keyed by their blob ids; test files are not read', () => {
    const before = [file('pkg/mod.py', 'm1', lines(30)), file('pkg/gone.py', 'g1', 'x = 1\n'), file('tests/test_mod.py', 't1', OLD_TEST)];
    const after = [
      file('pkg/mod.py', 'm2', lines(30).replace('x15 = 15\n', 'x15 = 150\n')),
      file('pkg/new.py', 'n1', 'y = 2\n'),
      file('tests/test_mod.py', 't2', NEW_TEST),
    ];
    const { step } = commitChange(parser, 'c1', before, after);
    expect(step.commit).toBe('c1');
    expect(step.files).toEqual([
      { path: 'pkg/gone.py', oid: 'g1:', text: '# deleted file: pkg/gone.py\n' },
      { path: 'pkg/mod.py', oid: 'm1:m2', text: 'x12 = 12\nx13 = 13\nx14 = 14\nx15 = 150\nx16 = 16\nx17 = 17\nx18 = 18\n' },
      { path: 'pkg/new.py', oid: 'n1', text: 'y = 2\n' }, // an added file reads whole: the snapshot's cache key
    ]);
  });

  it('brings the sites a commit adds or modifies (by test function and collapsed statement), at most 8', () => {
    const { tasks, step } = commitChange(parser, 'c1', [file('tests/test_mod.py', 't1', OLD_TEST)], [file('tests/test_mod.py', 't2', NEW_TEST)]);
    expect(step.files).toEqual([]);
    expect(tasks.length).toBe(MAX_TASKS_PER_COMMIT);
    expect(tasks.map((t) => `${t.function}: ${t.target}`)).toEqual([
      'test_one: 120',
      'test_one: 104',
      'test_three: 10',
      'test_three: 11',
      'test_three: 12',
      'test_three: 13',
      'test_three: 14',
      'test_three: 15',
    ]);
  });

  it('takes every site of a new test file, none of a deleted one', () => {
    const added = commitChange(parser, 'c', [], [file('tests/test_mod.py', 't1', OLD_TEST)]);
    expect(added.tasks.map((t) => t.target)).toEqual(['101', '102', '103']);
    expect(commitChange(parser, 'c', [file('tests/test_mod.py', 't1', OLD_TEST)], []).tasks).toEqual([]);
  });
});
