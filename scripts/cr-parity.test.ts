import { describe, expect, it } from 'vitest';
import type { TaskRecord } from '../src/core/tasks/types.ts';
import { compareTasks, parityTable, pythonShown, repoOfId, summarize, type PredictionRow } from './cr-parity.ts';

function task(id: string, prefix: string, target: string): TaskRecord {
  return { id, repo: repoOfId(id), commit: '1.0-1', path: 't.py', line: 1, kind: 'assert', prefix, target, split: 'cr_test' };
}

describe('cr-parity', () => {
  it('reads the repository of a task id', () => {
    expect(repoOfId('python-iso3166@2.1.1-2:tests/test_x.py:3:4')).toBe('python-iso3166');
    expect(() => repoOfId('nothing')).toThrow();
  });

  it('shows a raw Python decode as the completer does: first line, cut where the expression ends, without the spaces the prompt gave up', () => {
    expect(pythonShown('assert x == ', ' rc\n')).toBe('rc');
    expect(pythonShown('assert x ==', ' rc)\n   ')).toBe(' rc)');
    expect(pythonShown('f(', 'ValueError, 1) as f:\n   ')).toBe('ValueError, 1)');
    expect(pythonShown('f(', null)).toBe('');
  });

  it('compares TS and Python completions per task and sums them up per method', () => {
    const tasks = [task('r@1:a', 'assert x == ', 'rc'), task('r@1:b', 'assert y == ', '3'), task('r@1:c', 'assert z == ', 'None')];
    const python = new Map<string, PredictionRow>([
      ['r@1:a', { id: 'r@1:a', kind: 'assert', target: 'rc', static: ' rc\n' }],
      ['r@1:b', { id: 'r@1:b', kind: 'assert', target: '3', static: ' 4\n' }],
      ['r@1:c', { id: 'r@1:c', kind: 'assert', target: 'None', static: ' None\n' }],
    ]);
    const ts = { 'r@1:a': 'rc', 'r@1:b': '3', 'r@1:c': 'False' };
    const { rows, metricFormMismatches } = compareTasks(tasks, ts, python, 'static');
    expect(metricFormMismatches).toBe(0);
    expect(rows.map((r) => [r.ts === r.python, r.tsExact, r.pythonExact])).toEqual([
      [true, true, true],
      [false, true, false],
      [false, false, true],
    ]);
    const s = summarize('static', rows);
    expect(s.tsExactMatch).toBeCloseTo(200 / 3);
    expect(s.pythonExactMatch).toBeCloseTo(200 / 3);
    expect(s.differencePoints).toBeCloseTo(0);
    expect(s.withinTolerance).toBe(true);
    expect(s.identical).toBe(1);
    expect(s.onlyTsExact).toBe(1);
    expect(s.onlyPythonExact).toBe(1);
    expect(s.sameExactOutcomePercent).toBeCloseTo(100 / 3);
    expect(parityTable([s], { static: 2 / 3 })).toContain('| static (static) | 3 | 66.67 | 66.67 | 66.67 | +0.00 | yes | 33.33 |');
  });

  it('one task of 204 (0.49 points) is within the tolerance, two are not', () => {
    const rows = Array.from({ length: 204 }, (_, i) => ({
      id: `r@1:${i}`, repo: 'r', target: 'x', ts: 'x', python: 'x', tsExact: i < 2, pythonExact: false, tsEditSim: 1, pythonEditSim: 1,
    }));
    expect(summarize('base', rows.map((r, i) => ({ ...r, tsExact: i < 1 }))).withinTolerance).toBe(true);
    expect(summarize('base', rows).withinTolerance).toBe(false);
  });

  it('fails loudly when a task has no completion on either side', () => {
    const tasks = [task('r@1:a', 'x = ', '1')];
    expect(() => compareTasks(tasks, {}, new Map([['r@1:a', { id: 'r@1:a', kind: 'assert', target: '1', base: '1' }]]), 'pretrained')).toThrow(/no TS/);
    expect(() => compareTasks(tasks, { 'r@1:a': '1' }, new Map(), 'pretrained')).toThrow(/no Python/);
  });
});
