import { readFileSync } from 'node:fs';
import type { TaskRecord } from '../core/tasks/types.ts';

/** The benchmark's task records (JSONL), optionally one repository's (`name`) of one split. */
export function readTaskRecords(path: string, name?: string, split?: string): TaskRecord[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as TaskRecord)
    .filter((t) => (!name || t.repo === name) && (!split || t.split === split));
}
