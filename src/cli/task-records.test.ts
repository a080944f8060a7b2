import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readTaskRecords } from './task-records.ts';

const dir = mkdtempSync(join(tmpdir(), 'task-records-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readTaskRecords', () => {
  it('reads JSONL records, skipping blank lines, and keeps one repository of one split', () => {
    const path = join(dir, 'static.jsonl');
    const rec = (id: string, repo: string, split: string): string => JSON.stringify({ id, repo, split, prefix: 'x', target: 'y' });
    writeFileSync(path, [rec('1', 'a', 'cr_test'), '', rec('2', 'a', 'train'), rec('3', 'b', 'cr_test'), ''].join('\n'));
    expect(readTaskRecords(path).map((t) => t.id)).toEqual(['1', '2', '3']);
    expect(readTaskRecords(path, 'a').map((t) => t.id)).toEqual(['1', '2']);
    expect(readTaskRecords(path, 'a', 'cr_test').map((t) => t.id)).toEqual(['1']);
    expect(readTaskRecords(path, undefined, 'cr_test').map((t) => t.id)).toEqual(['1', '3']);
  });
});
