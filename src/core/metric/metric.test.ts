import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { score, stripTrailingPunctuation } from './metric.ts';
import { sequenceRatio } from './sequence-matcher.ts';

interface GoldenCase {
  prediction: string;
  reference: string;
  em: boolean;
  editsim: number;
}

// Written by models/eval/make_metric_golden.py (Python's difflib is the reference for editsim).
const goldenCases: GoldenCase[] = readFileSync(
  new URL('../../../models/eval/golden/metric_cases.jsonl', import.meta.url),
  'utf-8',
)
  .split('\n')
  .filter((line) => line.length > 0)
  .map((line) => JSON.parse(line) as GoldenCase);

describe('metric (shared golden cases with models/eval/metric.py)', () => {
  it('has the golden cases', () => {
    expect(goldenCases.length).toBeGreaterThan(100);
  });

  it.each(goldenCases.map((c, index) => [index, c] as const))('case %i', (_index, c) => {
    const result = score(c.prediction, c.reference);
    expect(result.exactMatch).toBe(c.em);
    expect(result.editSim).toBe(c.editsim);
  });
});

describe('sequenceRatio', () => {
  it('counts code points, not UTF-16 units', () => {
    // Python: difflib.SequenceMatcher(None, '😀a', 'a').ratio() == 2*1/3
    expect(sequenceRatio('😀a', 'a')).toBe((2 * 1) / 3);
    expect(sequenceRatio('', '')).toBe(1);
  });

  it('applies autojunk only from 200 items of b', () => {
    // Python: SequenceMatcher(None, 'b' + 'a'*10, 'a'*198 + 'b').ratio() == 20/210; with 'a'*199 + 'b' (200
    // items, autojunk purges 'a') the only anchor is 'b' and the ratio is 2/211.
    expect(sequenceRatio('b' + 'a'.repeat(10), 'a'.repeat(198) + 'b')).toBe(20 / 210);
    expect(sequenceRatio('b' + 'a'.repeat(10), 'a'.repeat(199) + 'b')).toBe(2 / 211);
  });
});

describe('stripTrailingPunctuation', () => {
  it('keeps balanced brackets', () => {
    expect(stripTrailingPunctuation('f(x)')).toBe('f(x)');
    expect(stripTrailingPunctuation('f(x)))')).toBe('f(x)');
    expect(stripTrailingPunctuation('ValueError) :')).toBe('ValueError');
  });
});
