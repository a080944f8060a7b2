/**
 * The model worker in real Chromium: the tiny fixture graphs (generated now, never shipped) are served on
 * 127.0.0.1, the app's Backend check loads them through the worker (manifest, sha256 and size verified), runs one
 * graph on WebGPU (SwiftShader) and on WASM, and shows that the outputs agree; a corrupt file is refused with a
 * clear error. Figures (worker start, check duration) are printed, never asserted.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as ort from 'onnxruntime-web';
import { chromium, type Browser, type Page } from 'playwright-core';
import { exportFixture, floats, type TinyGraphGolden } from '../src/cli/golden-arrays.ts';
import { emptyPast, lmShapeFromConfig, loraFeeds, patternLora, tokenFeeds, zeroLora } from '../src/cli/lm-feeds.ts';
import { launchBrowser } from './support/browser.ts';
import { startAppServer, type AppServer } from './support/app-server.ts';
import { makeTinyGraphs, type TinyGraphs, type TinyReference } from './fixtures/tiny-graphs.ts';
import { serveDirectory, type StaticServer } from './fixtures/static-server.ts';

interface DriverOutcome {
  backend: string;
  backendAfter: string;
  returned: string[];
  locations: Record<string, string>;
  concurrentRuns: number;
  concurrentErrors: string[];
  z: number[];
  zDims: number[];
}

let graphs: TinyGraphs;
let fixtures: StaticServer;
let app: AppServer;
let browser: Browser;

before(async () => {
  graphs = makeTinyGraphs();
  const manifest = JSON.parse(readFileSync(join(graphs.dir, 'manifest.json'), 'utf8')) as {
    files: Record<string, { sha256: string }>;
  };
  manifest.files.tiny!.sha256 = '0'.repeat(64);
  writeFileSync(join(graphs.dir, 'corrupt-manifest.json'), JSON.stringify(manifest));
  fixtures = await serveDirectory(graphs.dir);
  app = await startAppServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await app?.close();
  await fixtures?.close();
  graphs?.remove();
});

/** The app mounts the panel on its own page or behind a control named "Backend check". */
async function openBackendCheck(page: Page, query: string): Promise<void> {
  await page.goto(`${app.url}/?${query}`);
  const panel = page.getByRole('region', { name: 'Backend check' });
  if (!(await panel.isVisible())) {
    await page.getByRole('button', { name: /backend check/i }).or(page.getByRole('link', { name: /backend check/i })).first().click();
  }
  await panel.waitFor();
}

test('the Backend check runs a fixture graph on WebGPU and WASM and the outputs agree', async () => {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const started = Date.now();
  const manifestUrl = `${fixtures.url}manifest.json`;
  await openBackendCheck(page, `check-manifest=${encodeURIComponent(manifestUrl)}&check-graph=tiny`);

  const backend = page.getByRole('status', { name: 'Current backend' });
  await backend.filter({ hasText: 'WebGPU' }).waitFor({ timeout: 60_000 });
  console.log(`# model worker ready on WebGPU in ${Date.now() - started} ms: ${await backend.textContent()}`);
  assert.equal(await backend.getAttribute('data-backend'), 'webgpu');
  assert.match((await backend.textContent()) ?? '', /adapter granted/);
  assert.equal(await page.getByLabel('Manifest URL').inputValue(), manifestUrl);

  await page.getByRole('button', { name: 'Load manifest' }).click();
  const graph = page.getByLabel('Graph');
  await graph.waitFor({ timeout: 60_000 });
  assert.equal(await graph.inputValue(), 'tiny');

  const checkStarted = Date.now();
  await page.getByRole('button', { name: 'Run on both backends' }).click();
  const comparison = page.getByRole('status', { name: 'Backend comparison' });
  await comparison.waitFor({ timeout: 300_000 });
  const timings = await page.locator('.check-result p.muted').textContent();
  console.log(`# tiny on WebGPU + WASM in ${Date.now() - checkStarted} ms (${timings}): ${await comparison.textContent()}`);
  const diff = Number(await comparison.getAttribute('data-max-abs-diff'));
  assert.ok(Number.isFinite(diff) && diff < 1e-3, `max abs difference ${diff}`);
  assert.match((await comparison.textContent()) ?? '', /^WebGPU and WASM agree: /);
  const table = page.getByRole('table', { name: 'Outputs of tiny' });
  assert.equal(await table.getByRole('row').count(), 3); // header, y, probs
  assert.deepEqual(errors, []);
  await page.close();
});

test('in the worker, an output kept on the GPU feeds another graph, and runs of two graphs issued at once are queued', async () => {
  const page = await browser.newPage();
  const workerUrl = page.waitForEvent('worker', { predicate: (w) => /model\.worker/.test(w.url()) }).then((w) => w.url());
  await openBackendCheck(page, '');
  const reference = JSON.parse(readFileSync(join(graphs.dir, 'reference.json'), 'utf8')) as TinyReference;
  // A second instance of the app's model worker, driven over comlink's wire protocol (the app's client module is
  // bundled and not importable from here): init, manifest, sessions with a gpu-buffer output, resident feed.
  await page.addScriptTag({ path: fileURLToPath(new URL('./fixtures/model-worker-driver.js', import.meta.url)) });
  const args = { url: await workerUrl, manifestUrl: `${fixtures.url}manifest.json`, x: reference.x };
  const outcome = (await page.evaluate(`window.driveModelWorker(${JSON.stringify(args)})`)) as DriverOutcome;
  assert.equal(outcome.backend, 'webgpu');
  assert.equal(outcome.backendAfter, 'webgpu');
  assert.deepEqual(outcome.returned, ['probs']);
  assert.deepEqual(outcome.locations, { hidden: 'gpu-buffer' });
  assert.equal(outcome.concurrentRuns, 8);
  assert.deepEqual(outcome.concurrentErrors, []);
  assert.deepEqual(outcome.zDims, reference.z.dims);
  outcome.z.forEach((v, i) => assert.ok(Math.abs(v - reference.z.data[i]!) < 1e-4, `z[${i}] = ${v}, numpy ${reference.z.data[i]}`));
  await page.close();
});

interface LmOutcome {
  backend: string;
  backendAfter: string;
  graph: string;
  logits: number[];
  dims: number[];
  /** The logits of the KV-cache step, when one was asked for. */
  step: { logits: number[]; dims: number[] } | null;
  locations: Record<string, string>;
}

type PlainFeeds = Record<string, { type: string; data: number[]; dims: readonly number[] }>;

function plainFeeds(tensors: Record<string, ort.Tensor>): PlainFeeds {
  const feeds: PlainFeeds = {};
  for (const [name, t] of Object.entries(tensors)) {
    feeds[name] = { type: t.type, data: Array.from(t.data as ArrayLike<number | bigint>, Number), dims: t.dims };
  }
  return feeds;
}

/**
 * Runs a manifest's `lm` on WebGPU in a second instance of the app's model worker (the driver's driveLm); with
 * `step`, also a prefill whose KV cache stays on the GPU and one step on it.
 */
async function runLmInWorker(
  manifestUrl: string,
  tensors: Record<string, ort.Tensor>,
  step?: { prefill: Record<string, ort.Tensor>; feeds: Record<string, ort.Tensor> },
): Promise<LmOutcome> {
  const page = await browser.newPage();
  try {
    const workerUrl = page.waitForEvent('worker', { predicate: (w) => /model\.worker/.test(w.url()) }).then((w) => w.url());
    await openBackendCheck(page, '');
    await page.addScriptTag({ path: fileURLToPath(new URL('./fixtures/model-worker-driver.js', import.meta.url)) });
    const args = {
      url: await workerUrl,
      manifestUrl,
      feeds: plainFeeds(tensors),
      step: step ? { prefill: plainFeeds(step.prefill), feeds: plainFeeds(step.feeds) } : undefined,
    };
    return (await page.evaluate(`window.driveLm(${JSON.stringify(args)})`)) as LmOutcome;
  } finally {
    await page.close();
  }
}

function argmaxOfRow(values: ArrayLike<number>, row: number, vocab: number): number {
  let best = row * vocab;
  for (let i = best; i < (row + 1) * vocab; i++) if (values[i]! > values[best]!) best = i;
  return best - row * vocab;
}

test("on WebGPU the worker runs the 4-bit graph the manifest names for it: the float model, for a prefill and for a step on a KV cache kept on the GPU", async () => {
  // The tiny LM of models/export/golden/q4_graph.json: its graph, its GGUF blocks (repacked by the worker), and the
  // float model's logits from PyTorch. `lm` is the name the app loads; `on_webgpu` sends WebGPU to `lm_q4`.
  const golden = JSON.parse(readFileSync(new URL('../models/export/golden/q4_graph.json', import.meta.url), 'utf8')).graph as TinyGraphGolden;
  const graph = Buffer.from(golden.onnx_base64, 'base64');
  const blocks = Buffer.from(golden.blocks_base64, 'base64');
  writeFileSync(join(graphs.dir, 'lm_q4.onnx'), graph);
  writeFileSync(join(graphs.dir, 'lm.blocks'), blocks);
  const sha = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');
  const entry = { path: 'lm_q4.onnx', sha256: sha(graph), bytes: graph.byteLength };
  writeFileSync(
    join(graphs.dir, 'manifest-q4.json'),
    JSON.stringify({
      version: 1,
      files: {
        lm: { ...entry, on_webgpu: 'lm_q4' },
        lm_q4: { ...entry, external: golden.external },
        lm_blocks: { path: 'lm.blocks', sha256: sha(blocks), bytes: blocks.byteLength },
      },
      config: golden.config,
    }),
  );
  const shape = lmShapeFromConfig(golden.config);
  const lora = loraFeeds(shape, patternLora(shape, golden.lora_rank), golden.lora_rank);
  const started = Date.now();
  const last = golden.tokens.length - 1;
  const outcome = await runLmInWorker(
    `${fixtures.url}manifest-q4.json`,
    { ...tokenFeeds(golden.tokens, 0), ...emptyPast(shape), ...lora },
    // The last token again as a step on the others' KV cache, which stays on the GPU between the runs.
    { prefill: { ...tokenFeeds(golden.tokens.slice(0, last), 0), ...emptyPast(shape), ...lora }, feeds: { ...tokenFeeds(golden.tokens.slice(last), last), ...lora } },
  );
  console.log(`# tiny 4-bit LM on WebGPU (SwiftShader) in ${Date.now() - started} ms`);
  assert.equal(outcome.backend, 'webgpu');
  assert.equal(outcome.backendAfter, 'webgpu', 'no fall back to WASM');
  assert.equal(outcome.graph, 'lm_q4');
  assert.deepEqual(outcome.dims, golden.logits.dims);
  const expected = floats(golden.logits);
  const worst = Math.max(...outcome.logits.map((v, i) => Math.abs(v - expected[i]!)));
  const scale = Math.max(...Array.from(expected, Math.abs));
  // The GPU sums in another order: float32 noise relative to the logits' scale (measured 3.5e-3 of 83), and every
  // position's next token the same.
  assert.ok(worst < 1e-4 * scale, `largest logit difference to the float model ${worst}, logits up to ${scale}`);
  const vocab = golden.logits.dims.at(-1)!;
  for (let row = 0; row < golden.tokens.length; row++) {
    assert.equal(argmaxOfRow(outcome.logits, row, vocab), argmaxOfRow(expected, row, vocab));
  }
  assert.deepEqual(new Set(Object.values(outcome.locations)), new Set(['gpu-buffer']), 'the KV cache stays on the GPU');
  const expectedStep = floats(golden.step_logits);
  const stepWorst = Math.max(...outcome.step!.logits.map((v, i) => Math.abs(v - expectedStep[i]!)));
  assert.ok(stepWorst < 1e-4 * scale, `largest step logit difference ${stepWorst}`);
  assert.equal(argmaxOfRow(outcome.step!.logits, 0, vocab), argmaxOfRow(expectedStep, 0, vocab));
});

test("the base's 4-bit graph runs on WebGPU and gives the float model's next token", async () => {
  const dir = fileURLToPath(new URL('../public/models/base', import.meta.url));
  assert.ok(existsSync(join(dir, 'manifest.json')), 'public/models/base is missing: make it with /usr/bin/python3 -m models.export.export_base');
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { config: Record<string, unknown> };
  const shape = lmShapeFromConfig(manifest.config);
  const fixture = exportFixture('base_parity.json.gz');
  const zero = loraFeeds(shape, zeroLora(shape, fixture.lora_rank), fixture.lora_rank);
  const served = await serveDirectory(dir);
  try {
    const started = Date.now();
    const outcome = await runLmInWorker(`${served.url}manifest.json`, { ...tokenFeeds(fixture.tokens.slice(0, 5), 0), ...emptyPast(shape), ...zero });
    // Fetching 96 MB of blocks, repacking them, making the session and one 5-token prefill in SwiftShader.
    console.log(`# the base's 4-bit graph on WebGPU (SwiftShader): ${Date.now() - started} ms to its first logits`);
    assert.equal(outcome.backend, 'webgpu');
    assert.equal(outcome.backendAfter, 'webgpu', 'no fall back to WASM');
    assert.equal(outcome.graph, 'lm_q4');
    const vocab = fixture.prefill_vocab;
    const reference = floats(fixture.prefill_base.logits);
    const row = reference.subarray(reference.length - vocab);
    let mean = 0;
    for (let i = 0; i < vocab; i++) mean += Math.abs(outcome.logits[i]! - row[i]!) / vocab;
    console.log(`# mean |logit difference| to the float model: ${mean.toExponential(2)}`);
    assert.equal(argmaxOfRow(outcome.logits.slice(0, vocab), 0, vocab), argmaxOfRow(row, 0, vocab));
    assert.ok(mean < 0.05, `mean logit difference ${mean}`); // measured here: 6.2e-3
  } finally {
    await served.close();
  }
});

test('a file whose sha256 does not match the manifest is refused with a clear error', async () => {
  const page = await browser.newPage();
  await openBackendCheck(page, `check-manifest=${encodeURIComponent(`${fixtures.url}corrupt-manifest.json`)}`);
  await page.getByRole('status', { name: 'Current backend' }).filter({ hasText: /WebGPU|WASM/ }).waitFor({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Load manifest' }).click();
  const alert = page.getByRole('alert');
  await alert.waitFor({ timeout: 60_000 });
  assert.equal(await alert.getAttribute('data-error-code'), 'corrupt-file');
  assert.match((await alert.textContent()) ?? '', /sha256/);
  assert.equal(await page.getByLabel('Graph').count(), 0);
  await page.close();
});

test('a browser without WebGPU runs the worker on WASM and says why', async () => {
  // Chromium without --enable-unsafe-webgpu and with the GPU off grants no adapter: the real no-WebGPU case.
  const plain = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-dev-shm-usage'],
  });
  try {
    const page = await plain.newPage();
    const started = Date.now();
    await openBackendCheck(page, `check-manifest=${encodeURIComponent(`${fixtures.url}manifest.json`)}&check-graph=tiny`);
    const backend = page.getByRole('status', { name: 'Current backend' });
    await backend.filter({ hasText: 'WASM' }).waitFor({ timeout: 60_000 });
    console.log(`# model worker ready on WASM in ${Date.now() - started} ms without the WebGPU flag: ${await backend.textContent()}`);
    assert.match((await backend.getAttribute('data-reason-code')) ?? '', /^(no-navigator-gpu|no-adapter)$/);
    await page.getByRole('button', { name: 'Load manifest' }).click();
    await page.getByRole('button', { name: 'Run on both backends' }).click();
    const comparison = page.getByRole('status', { name: 'Backend comparison' });
    await comparison.waitFor({ timeout: 120_000 });
    assert.match((await comparison.textContent()) ?? '', /Only WASM ran/);
  } finally {
    await plain.close();
  }
});

test('verified model files load again with their server gone (offline cache, re-verified)', async () => {
  const transient = await serveDirectory(graphs.dir);
  const manifestUrl = `${transient.url}manifest.json`;
  const page = await browser.newPage();
  try {
    await openBackendCheck(page, `check-manifest=${encodeURIComponent(manifestUrl)}&check-graph=tiny`);
    await page.getByRole('status', { name: 'Current backend' }).filter({ hasText: /WebGPU|WASM/ }).waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Load manifest' }).click();
    await page.getByLabel('Graph').waitFor({ timeout: 60_000 });
  } finally {
    await transient.close();
  }
  await page.reload();
  await page.getByRole('region', { name: 'Backend check' }).waitFor();
  await page.getByRole('status', { name: 'Current backend' }).filter({ hasText: /WebGPU|WASM/ }).waitFor({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Load manifest' }).click();
  await page.getByLabel('Graph').waitFor({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Run on both backends' }).click();
  const comparison = page.getByRole('status', { name: 'Backend comparison' });
  await comparison.waitFor({ timeout: 300_000 });
  // Anchored: /agree/ alone also matched "WebGPU and WASM disagree".
  assert.match((await comparison.textContent()) ?? '', /^WebGPU and WASM agree: /);
  await page.close();
});

test('when the GPU process dies the worker reports the lost device and carries on with WASM', async () => {
  // A browser of its own: crashing the GPU process must not disturb the other tests.
  const own = await launchBrowser();
  try {
    const page = await own.newPage();
    await openBackendCheck(page, `check-manifest=${encodeURIComponent(`${fixtures.url}manifest.json`)}&check-graph=tiny`);
    const backend = page.getByRole('status', { name: 'Current backend' });
    await backend.filter({ hasText: 'WebGPU' }).waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Load manifest' }).click();
    await page.getByRole('button', { name: 'Run on both backends' }).click();
    const comparison = page.getByRole('status', { name: 'Backend comparison' });
    await comparison.filter({ hasText: /^WebGPU and WASM agree: / }).waitFor({ timeout: 300_000 });

    const cdp = await own.newBrowserCDPSession();
    await cdp.send('Browser.crashGpuProcess');
    await backend.filter({ hasText: 'WASM' }).waitFor({ timeout: 60_000 });
    console.log(`# after the GPU crash: ${await backend.textContent()}`);
    assert.equal(await backend.getAttribute('data-reason-code'), 'device-lost');

    await page.getByRole('button', { name: 'Run on both backends' }).click();
    await comparison.filter({ hasText: 'Only WASM ran' }).waitFor({ timeout: 120_000 });
    assert.equal(await page.getByRole('alert').count(), 0);
  } finally {
    await own.close();
  }
});
