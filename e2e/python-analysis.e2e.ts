/**
 * Python analysis in real Chromium: a production Vite build of the browser adapter (both .wasm files located
 * through Vite `?url` assets) extracts the golden set's tasks on the main thread and in a module worker, and
 * they must equal the Python extractor's (src/core/tasks/golden/golden_cases.jsonl).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { build, preview, type PreviewServer } from 'vite';
import { launchBrowser } from './support/browser.ts';
import type { ExtractedTask } from '../src/core/tasks/types.ts';

interface GoldenCase {
  repo: string;
  path: string;
  text: string;
  tasks: ExtractedTask[];
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const HARNESS = join(ROOT, 'e2e', 'fixtures', 'python-analysis');
const goldenCases = readFileSync(join(ROOT, 'src', 'core', 'tasks', 'golden', 'golden_cases.jsonl'), 'utf-8')
  .split('\n')
  .filter((line) => line)
  .map((line) => JSON.parse(line) as GoldenCase);

let outDir: string;
let server: PreviewServer;
let browser: Browser;
let page: Page;

before(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'python-analysis-'));
  const started = Date.now();
  await build({
    configFile: false,
    root: HARNESS,
    logLevel: 'error', // rolldown's bundle-timing notes are noise on a shared CPU
    build: { outDir, emptyOutDir: true, target: 'es2022' },
    worker: { format: 'es' },
  });
  console.log(`# harness built in ${Date.now() - started} ms`);
  server = await preview({
    configFile: false,
    root: HARNESS,
    build: { outDir },
    preview: { port: 0, host: '127.0.0.1', strictPort: false, open: false },
    logLevel: 'warn',
  });
  browser = await launchBrowser();
  page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(server.resolvedUrls?.local[0] ?? '');
  await page.waitForFunction(() => window.pythonAnalysis !== undefined);
  assert.deepEqual(errors, []);
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

test('the build ships both .wasm files as assets', () => {
  const assets = readdirSync(join(outDir, 'assets'));
  assert.ok(assets.some((name) => /^web-tree-sitter.*\.wasm$/.test(name)), assets.join(', '));
  assert.ok(assets.some((name) => /^tree-sitter-python.*\.wasm$/.test(name)), assets.join(', '));
});

for (const where of ['extractOnMainThread', 'extractInWorker'] as const) {
  test(`${where}: the golden set's tasks equal the Python extractor's`, async () => {
    const started = Date.now();
    let tasks = 0;
    for (const c of goldenCases) {
      const ours = await page.evaluate(
        ({ method, path, text }) => window.pythonAnalysis![method](path, text),
        { method: where, path: c.path, text: c.text },
      );
      assert.deepEqual(ours, c.tasks, `${c.repo} ${c.path}`);
      tasks += ours.length;
    }
    console.log(`# ${where}: ${goldenCases.length} files, ${tasks} tasks in ${Date.now() - started} ms`);
  });
}
