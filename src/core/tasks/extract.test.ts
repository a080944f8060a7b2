import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PythonParser } from '../python/parser.ts';
import { loadPythonParserNode } from '../python/parser-node.ts';
import { extractTasks, keepTarget } from './extract.ts';
import { TASK_KINDS, type ExtractedTask } from './types.ts';

interface GoldenCase {
  repo: string;
  path: string;
  text: string;
  tasks: ExtractedTask[];
}

// Written by models/eval/task_golden.py with the Python extractor (models/data/tasks.py).
const goldenCases: GoldenCase[] = readFileSync(new URL('./golden/golden_cases.jsonl', import.meta.url), 'utf-8')
  .split('\n')
  .filter((line) => line.length > 0)
  .map((line) => JSON.parse(line) as GoldenCase);

let parser: PythonParser;
beforeAll(async () => {
  parser = await loadPythonParserNode();
});

describe('extractTasks gives the Python extractor\'s tasks on the golden set', () => {
  it('covers every family, the demo repository and files without tasks', () => {
    const kinds = new Set(goldenCases.flatMap((c) => c.tasks.map((t) => t.kind)));
    expect([...kinds].sort()).toEqual([...TASK_KINDS].sort());
    expect(goldenCases.some((c) => c.repo === 'unitkit' && c.tasks.length > 0)).toBe(true);
    expect(goldenCases.some((c) => c.tasks.length === 0)).toBe(true);
  });

  it.each(goldenCases.map((c) => [`${c.repo} ${c.path}`, c] as const))('%s', (_name, c) => {
    expect(extractTasks(parser, c.path, c.text)).toEqual(c.tasks);
  });
});

describe('keepTarget', () => {
  it('drops empty, comma-led, one-character and punctuation-only targets', () => {
    for (const target of ['', '  ', ', x', '1', 'é', '[]', '( )', '""', "''", '...', '😀']) {
      expect(keepTarget(target), target).toBe(false);
    }
    for (const target of ['10', '-1', '"é"', 'b""', 'x.y', '😀😀']) expect(keepTarget(target), target).toBe(true);
  });
});
