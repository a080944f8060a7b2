import { describe, expect, it } from 'vitest';
import { codePointLength, compareCodePoints, leadingCodePoints, splitLinesKeepEnds } from './python-strings.ts';
import { atCursor, prefixPrompt, promptText, retrievalPrompt } from './prompts.ts';
import { Retriever, queryText } from './retriever.ts';

describe('Python string semantics', () => {
  it('counts and cuts code points, not UTF-16 units', () => {
    expect(codePointLength('a😀b')).toBe(3);
    expect(leadingCodePoints('a😀b', 2)).toBe('a😀');
    expect(leadingCodePoints('ab', 5)).toBe('ab');
  });

  it('splits lines like str.splitlines(keepends=True)', () => {
    expect(splitLinesKeepEnds('a\r\nb\rc\u2028d\x0ce\n')).toEqual(['a\r\n', 'b\r', 'c\u2028', 'd\x0c', 'e\n']);
    expect(splitLinesKeepEnds('tail')).toEqual(['tail']);
    expect(splitLinesKeepEnds('')).toEqual([]);
  });

  it('orders by code point', () => {
    expect(compareCodePoints('\uffff', '😀')).toBeLessThan(0);
    expect(compareCodePoints('a/b.py', 'a/b.py')).toBe(0);
  });
});

describe('prompts', () => {
  it('moves trailing spaces of the prefix to the continuation', () => {
    expect(promptText('assert x == ')).toBe('assert x ==');
    expect(promptText('x =\t')).toBe('x =\t');
    expect(atCursor('assert x == ', ' Version(1)')).toBe('Version(1)');
    expect(atCursor('assert x ==', ' Version(1)')).toBe(' Version(1)');
  });

  it('keeps the prefix tail within the budget, EOT first when it fits', () => {
    expect(prefixPrompt([5, 6], 4, 0)).toEqual([0, 5, 6]);
    expect(prefixPrompt([1, 2, 3, 4, 5], 3, 0)).toEqual([3, 4, 5]);
  });

  it('puts retrieved chunks first, at most their share of the budget, on top of the prefix budget', () => {
    expect(retrievalPrompt([7, 8, 9], [[1, 2, 3], [4]], 6, 0.5, 0)).toEqual([0, 1, 2, 3, 7, 8, 9]);
    const long = Array.from({ length: 10 }, (_, i) => i + 1);
    expect(retrievalPrompt(long, [[91, 92, 93, 94]], 6, 0.5, 0)).toEqual([0, 91, 92, 93, ...prefixPrompt(long, 6, 0)]);
  });

  it('cuts the oldest tokens to a multiple of the length quantum', () => {
    const prefix = Array.from({ length: 10 }, (_, i) => i + 1);
    expect(prefixPrompt(prefix, 20, 0, 4)).toEqual([3, 4, 5, 6, 7, 8, 9, 10]);
    expect(prefixPrompt([5, 6], 20, 0, 4)).toEqual([0, 5, 6]);
    expect(retrievalPrompt(prefix, [[91, 92]], 20, 0.5, 0, 4)).toEqual([0, 91, 92, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });
});

describe('retriever', () => {
  it('ranks windows by the IDF of the test function words they share', () => {
    const files = [{ text: 'def parse_version(text):\n    return Version(text)\n' }, { text: 'def unrelated():\n    pass\n' }];
    const retriever = new Retriever(files, 1);
    expect(retriever.top('import x\ndef test_parse():\n    assert parse_version("1") == ', 3)).toEqual([
      'def parse_version(text):\n', // parse_version and def
      'def unrelated():\n', // only def, which every def line has
    ]);
    expect(queryText('x = 1\ndef test_a():\n    y')).toBe('\ndef test_a():\n    y');
  });
});
