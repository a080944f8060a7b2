import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cursorLine, cutAtExpressionEnd, expressionEnd } from './expression-end.ts';

interface GoldenCase {
  cut_line: string;
  completion: string;
  end: number | null;
}

const root = new URL('../../../', import.meta.url);
const golden: GoldenCase[] = readFileSync(new URL('models/static/golden/expression_end.jsonl', root), 'utf8')
  .split('\n')
  .filter((line) => line.length > 0)
  .map((line) => JSON.parse(line) as GoldenCase);

describe('expression-end stop rules', () => {
  it('end every golden completion where Python ends it', () => {
    expect(golden.length).toBeGreaterThan(1000);
    const fired = golden.filter((c) => c.end !== null).length;
    expect(fired).toBeGreaterThan(100);
    expect(golden.length - fired).toBeGreaterThan(100);
    const mismatches = golden.filter((c) => expressionEnd(c.cut_line, c.completion) !== c.end);
    expect(mismatches.slice(0, 3)).toEqual([]);
  });

  it('keep the closing bracket of a call open at the cursor and drop what follows', () => {
    expect(cutAtExpressionEnd('    self.assertEqual(x, ', '5) + 1')).toBe('5)');
    expect(cutAtExpressionEnd('    self.assertTrue(isinstance(x, ', 'Foo)) and more')).toBe('Foo))');
    expect(cutAtExpressionEnd('    assert x == ', 'foo(1) + 2')).toBe('foo(1) + 2');
    expect(cutAtExpressionEnd('    self.assertEqual(x, ', "')' + \"(\") tail")).toBe("')' + \"(\")");
  });

  it('cut a runaway repetition but keep literals of one repeated character', () => {
    const runaway = '1' + '.0'.repeat(30);
    expect(cutAtExpressionEnd('    assert v == ', runaway)).toBe('1' + '.0'.repeat(20));
    const rule = "'" + '-'.repeat(60) + "'";
    expect(cutAtExpressionEnd('    assert v == ', rule)).toBe(rule);
  });

  it('count code points, as Python does', () => {
    const emoji = "'" + '😀a'.repeat(25) + "'";
    expect(expressionEnd('    assert x == ', emoji)).toBe(41);
  });

  it('read only the first line, and take the cursor line from the prefix', () => {
    expect(expressionEnd('    self.assertEqual(x, ', '5\n)')).toBeNull();
    expect(cursorLine('def f():\n    self.assertEqual(x, ')).toBe('    self.assertEqual(x, ');
    expect(cursorLine('x')).toBe('x');
  });
});
