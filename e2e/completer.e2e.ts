/**
 * The completer in real Chromium, in a module worker as in the app: the shipped models (public/models) complete
 * the demo repository's shortest assertion prompt on WASM and on WebGPU (SwiftShader), and both backends give
 * the same greedy completions, base and Static (the shipped model set has the hypernetwork); RAG is the same LM path
 * with a longer prompt, which SwiftShader makes slow. Under WebGPU the Static adapter's tensors stay
 * on the GPU. The page is the benchmark harness (src/cli/bench-page), built here, never part of the app.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { startHarness, type Harness } from '../src/cli/bench-page/harness.ts';
import type { CompletionReport } from '../src/cli/bench-page/protocol.ts';
import { isTestFile } from '../src/core/python/file-roles.ts';
import { loadPythonParserNode } from '../src/core/python/parser-node.ts';
import { extractTasks } from '../src/core/tasks/extract.ts';
import { repositoryPythonFiles } from '../src/engine/completer/node/repo-files.ts';
import { launchBrowser } from './support/browser.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DEMO = join(ROOT, '.cache', 'demo', 'served', 'unitkit.git');

let harness: Harness;
let browser: Browser;

before(async () => {
  if (!existsSync(DEMO)) throw new Error('the demo repository is missing: run `npm run demo` first');
  const files = repositoryPythonFiles(DEMO);
  const parser = await loadPythonParserNode();
  const prefixes = files
    .filter((f) => isTestFile(f.path))
    .flatMap((f) => extractTasks(parser, f.path, f.text).map((t) => t.prefix))
    .sort((a, b) => a.length - b.length);
  // A few production files keep the encoding small: SwiftShader is slow.
  const small = [...files.filter((f) => !isTestFile(f.path)).slice(0, 3)];
  harness = await startHarness(join(ROOT, 'public', 'models'), {
    demo: { files: small, prefixes: prefixes.slice(0, 1), adapterRepeats: 1, maxNewTokens: 6, methods: ['base', 'static'] },
  });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await harness?.close();
});

test('WASM and WebGPU give the same greedy completions', async () => {
  const wasm = await harness.run(browser, { backend: 'wasm', mode: 'complete', input: 'demo' }, 20 * 60_000);
  assert.ok(wasm.ok, wasm.ok ? '' : wasm.error);
  const webgpu = await harness.run(browser, { backend: 'webgpu', mode: 'complete', input: 'demo' }, 20 * 60_000);
  assert.ok(webgpu.ok, webgpu.ok ? '' : webgpu.error);
  assert.equal(wasm.backend.backend, 'wasm');
  assert.equal(webgpu.backend.backend, 'webgpu', webgpu.backend.reason);
  const a = wasm.report as CompletionReport;
  const b = webgpu.report as CompletionReport;
  // Both methods ran (the shipped model set has the hypernetwork): one method alone must not pass.
  assert.deepEqual(a.completions.map((c) => c.method), ['base', 'static']);
  assert.deepEqual(
    b.completions.map((c) => [c.method, c.rawText, c.promptTokens]),
    a.completions.map((c) => [c.method, c.rawText, c.promptTokens]),
  );
  for (const c of a.completions) assert.ok(c.newTokens > 0);
  const adapterLocations = Object.entries(b.residents).filter(([name]) => name.includes('/adapter/'));
  // Static's adapter is resident: an empty list would make the loop below prove nothing.
  assert.ok(adapterLocations.length > 0, `resident adapter tensors: ${Object.keys(b.residents).join(', ')}`);
  for (const [name, location] of adapterLocations) assert.equal(location, 'gpu-buffer', name);
  console.log(
    `completions: ${a.completions.map((c) => `${c.method} ${JSON.stringify(c.text)} (${c.promptTokens} prompt tokens)`).join('; ')}; ` +
      `first token: wasm ${a.completions.map((c) => c.firstTokenMs.toFixed(0)).join('/')} ms, ` +
      `webgpu ${b.completions.map((c) => c.firstTokenMs.toFixed(0)).join('/')} ms`,
  );
});
