/**
 * Runs every e2e test file (e2e/*.e2e.ts) with Node's test runner, one file at a time: each drives a real
 * Chromium, and two cores cannot run several at once without starving them.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.e2e.ts'))
  .sort()
  .map((f) => `e2e/${f}`);
if (files.length === 0) {
  console.error('no e2e tests found');
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...files],
  { stdio: 'inherit', cwd: fileURLToPath(new URL('..', import.meta.url)) },
);
process.exit(result.status ?? 1);
