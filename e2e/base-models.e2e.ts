/**
 * The pretrained base in real Chromium (issue 15): chosen in Settings, its graph and ~96 MB of GGUF blocks
 * (expanded into the graph's float32 weights before the session is made) fetched when the demo opens, the modes it
 * offers with the scores measured on it, a completion with the repository's own assertions in the prompt, and an
 * offline reload from the kept copy. A build without the set names the command that makes it; Cancel stops its
 * download.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { strFromU8, unzipSync } from 'fflate';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { shippedEm } from '../src/ui/measured.ts';
import { METHOD_LABEL } from '../src/ui/methods.ts';
import { MODEL_SETS } from '../src/ui/modelSets.ts';
import { launchBrowser } from './support/browser.ts';
import { startAppServer, type AppServer } from './support/app-server.ts';
import { screenshot } from './support/screenshots.ts';

let browser: Browser;
let app: AppServer;
let context: BrowserContext;
let page: Page;

before(async () => {
  app = await startAppServer();
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  page = await context.newPage();
});

after(async () => {
  await browser?.close();
  await app?.close();
});

async function chooseBaseAndOpenDemo(p: Page): Promise<void> {
  await p.goto(`${app.url}/#settings`);
  await p.getByLabel('Models').selectOption('base');
  await p.goto(app.url);
  await p.locator('.app[data-ready="true"]').waitFor();
  await p.getByRole('button', { name: /Open demo: unitkit/ }).click();
}

test('the base set loads on the demo and offers its modes with the scores measured on it', async () => {
  const modelRequests: string[] = [];
  page.on('request', (r) => {
    if (r.url().includes('/models/')) modelRequests.push(new URL(r.url()).pathname);
  });
  await chooseBaseAndOpenDemo(page);
  const ready = page.getByRole('status', { name: 'Adapter' });
  const failure = page.locator('.engine-status [role="alert"]');
  await ready.or(failure).first().waitFor({ timeout: 600_000 });
  assert.equal(await failure.count(), 0, `the engine failed: ${await failure.allInnerTexts()}`);
  assert.match(await ready.innerText(), /^SmolLM2-135M pretrained .* ready: no adapter to make;.*Ready after [\d.]+ m?s: loading models/);
  // The build is served cross-origin isolated, so the WASM kernels get a thread per core (at most 4).
  const [isolated, cores] = await page.evaluate(() => [self.crossOriginIsolated, navigator.hardwareConcurrency] as const);
  assert.ok(isolated, 'the page is cross-origin isolated (COOP and COEP from the server)');
  const threads = Math.max(1, Math.min(4, cores));
  assert.match(await page.locator('.engine-status').innerText(), new RegExp(`Backend: WASM, ${threads} threads? \\(`));
  // Only the base set's files for this backend: WASM's 8-bit graph and the blocks, not the float or 4-bit graphs of
  // the other backends, nor the 5.3M LM, its encoder and hypernetworks.
  for (const file of ['lm_int8.onnx', 'lm.blocks']) assert.ok(modelRequests.some((path) => path.endsWith(`/models/base/${file}`)), modelRequests.join('\n'));
  for (const file of ['lm.onnx', 'lm_q4.onnx']) assert.ok(!modelRequests.some((path) => path.endsWith(`/models/base/${file}`)), modelRequests.join('\n'));
  assert.ok(!modelRequests.some((path) => /\/models\/(lm|encoder|hypernet_static|evo_\w+)\.onnx$/.test(path)), modelRequests.join('\n'));

  const radios = page.getByRole('radiogroup', { name: 'Completion mode' }).getByRole('radio');
  assert.deepEqual(await radios.evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value)), [...MODEL_SETS.base.methods]);
  assert.ok(await page.getByRole('radio', { name: METHOD_LABEL.memory }).isChecked(), 'the set opens in its best mode');
  for (const m of ['base', 'single', 'memory'] as const) {
    // The figure of the system the set runs for the mode (memory: with the LoRA trained on its prompt).
    const em = shippedEm(m, 'base');
    assert.ok(em, `models/base/results.json has ${m}`);
    const label = page.locator('label.mode', { has: page.getByRole('radio', { name: METHOD_LABEL[m] }) });
    assert.equal((await label.locator('.method-em').innerText()).trim(), `${em.em.toFixed(1)}%`, m);
  }
  assert.match(await page.locator('#measured-note').innerText(), /models\/base\/results\.json/);
});

test("with the repository's tests in the prompt, the completion's prompt is longer than the base's", async () => {
  await page.getByRole('radio', { name: METHOD_LABEL.memory }).check();
  await page.getByRole('navigation', { name: 'Files' }).getByRole('button', { name: 'test_units.py' }).click();
  await page.getByRole('list', { name: 'Assertions' }).getByRole('button').first().click();
  const table = page.getByRole('table', { name: 'Completions by method' });
  await page.getByRole('button', { name: 'Run all methods here' }).click();
  for (const m of MODEL_SETS.base.methods) {
    const done = table.locator(`tr[data-method="${m}"][data-status="done"]`);
    await done.or(table.locator(`tr[data-method="${m}"][data-status="failed"]`)).waitFor({ timeout: 600_000 });
    assert.equal(await done.count(), 1, `${m}: ${await table.locator(`tr[data-method="${m}"]`).innerText()}`);
  }
  assert.equal(await table.locator('tr[data-method="static"]').count(), 0, 'no Static row: the set has no hypernetwork');
  const promptOf = async (m: string): Promise<number> => Number(await table.locator(`tr[data-method="${m}"] td`).nth(2).textContent());
  assert.ok((await promptOf('memory')) > (await promptOf('base')), 'the memory block adds the recalled assertions to the prompt');
  // What was recalled is shown, as text, and the picked assertion (whose answer is hidden) is not among it.
  const recalled = page.getByRole('list', { name: 'Recalled assertions' }).getByRole('listitem');
  assert.equal(await recalled.count(), 3);
  const picked = await page.getByRole('list', { name: 'Assertions' }).getByRole('button').first().innerText();
  const line = /^L(\d+)/.exec(picked)?.[1];
  for (const text of await recalled.allInnerTexts()) assert.doesNotMatch(text, new RegExp(`test_units\\.py:${line} `), text);
  await screenshot(page, 'base-set-compare');
});

test('the adapter is saved as a GGUF LoRA and a PEFT folder naming the repository, commit and base', async () => {
  const section = page.getByRole('region', { name: 'Take the adapter with you' });
  const [gguf] = await Promise.all([page.waitForEvent('download'), section.getByRole('button', { name: 'GGUF for llama.cpp' }).click()]);
  assert.match(gguf.suggestedFilename(), /^unitkit-[0-9a-f]{12}-single\.gguf$/);
  const bytes = readFileSync((await gguf.path()) ?? '');
  assert.equal(bytes.subarray(0, 4).toString('latin1'), 'GGUF');
  assert.equal(bytes.readUInt32LE(4), 3, 'GGUF version 3');
  assert.equal(Number(bytes.readBigUInt64LE(8)), 30 * 7 * 2, 'lora_a and lora_b of 7 projections in each of 30 layers');
  const text = bytes.toString('latin1');
  for (const needle of ['general.type', 'adapter', 'adapter.lora.alpha', 'blk.0.attn_q.weight.lora_a', 'blk.29.ffn_down.weight.lora_b', 'code2lora.repository', 'unitkit', 'code2lora.base_model_sha256']) {
    assert.ok(text.includes(needle), needle);
  }
  const [peft] = await Promise.all([page.waitForEvent('download'), section.getByRole('button', { name: 'PEFT folder (zip)' }).click()]);
  const folder = unzipSync(readFileSync((await peft.path()) ?? ''));
  assert.deepEqual(Object.keys(folder).sort(), ['adapter_config.json', 'adapter_model.safetensors']);
  const config = JSON.parse(strFromU8(folder['adapter_config.json'] ?? new Uint8Array())) as { r: number; lora_alpha: number; code2lora: { method: string; repository: string } };
  assert.equal(config.r, 16);
  assert.equal(config.lora_alpha, 32);
  assert.equal(config.code2lora.method, 'single');
  assert.equal(config.code2lora.repository, 'unitkit');
  const safetensors = folder['adapter_model.safetensors'] ?? new Uint8Array();
  const headerLength = Number(Buffer.from(safetensors).readBigUInt64LE(0));
  const header = JSON.parse(Buffer.from(safetensors.subarray(8, 8 + headerLength)).toString('utf8')) as Record<string, unknown>;
  assert.ok('base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight' in header, Object.keys(header).slice(0, 4).join(', '));
});

test('offline, a reload opens the demo with the base set from the copy kept in this browser', async () => {
  await context.setOffline(true);
  try {
    // Served by the service worker; the app reopens the repository it had open, else the demo is opened here.
    await page.goto(app.url);
    await page.locator('.app[data-ready="true"]').waitFor();
    const demo = page.getByRole('button', { name: /Open demo: unitkit/ });
    await demo.or(page.getByRole('navigation', { name: 'Files' })).first().waitFor();
    if (await demo.isVisible()) await demo.click();
    const ready = page.getByRole('status', { name: 'Adapter' });
    const failure = page.locator('.engine-status [role="alert"]');
    await ready.or(failure).first().waitFor({ timeout: 600_000 });
    assert.equal(await failure.count(), 0, `the engine failed offline: ${await failure.allInnerTexts()}`);
    assert.match(await ready.innerText(), /^SmolLM2-135M pretrained .* ready/);
  } finally {
    await context.setOffline(false);
  }
});

test('with float32 weights on WASM chosen in Settings, the float graph is fetched in place of the 8-bit one, and completes', async () => {
  const context = await browser.newContext();
  const other = await context.newPage();
  const modelRequests: string[] = [];
  other.on('request', (r) => {
    if (r.url().includes('/models/base/')) modelRequests.push(new URL(r.url()).pathname);
  });
  await other.goto(`${app.url}/#settings`);
  await other.getByLabel('Weights on WASM').selectOption('float32');
  await chooseBaseAndOpenDemo(other);
  const ready = other.getByRole('status', { name: 'Adapter' });
  const failure = other.locator('.engine-status [role="alert"]');
  await ready.or(failure).first().waitFor({ timeout: 600_000 });
  assert.equal(await failure.count(), 0, `the engine failed: ${await failure.allInnerTexts()}`);
  for (const file of ['lm.onnx', 'lm.blocks']) assert.ok(modelRequests.some((path) => path.endsWith(`/models/base/${file}`)), modelRequests.join('\n'));
  for (const file of ['lm_int8.onnx', 'lm_q4.onnx']) assert.ok(!modelRequests.some((path) => path.endsWith(`/models/base/${file}`)), modelRequests.join('\n'));
  await other.getByRole('radio', { name: METHOD_LABEL.base }).check();
  await other.getByRole('navigation', { name: 'Files' }).getByRole('button', { name: 'test_units.py' }).click();
  await other.getByRole('list', { name: 'Assertions' }).getByRole('button').first().click();
  const row = other.getByRole('table', { name: 'Completions by method' }).locator('tr[data-method="base"]');
  await row.and(other.locator('[data-status="done"], [data-status="failed"]')).waitFor({ timeout: 600_000 });
  assert.equal(await row.getAttribute('data-status'), 'done', `the base row: ${await row.innerText()}`);
  await context.close();
});

test('a build without the base set says which command makes it', async () => {
  const context = await browser.newContext();
  const other = await context.newPage();
  await other.route('**/models/base/manifest.json', (route) => route.fulfill({ status: 404, body: 'not found' }));
  await chooseBaseAndOpenDemo(other);
  const alert = other.locator('.engine-status [role="alert"]');
  await alert.waitFor({ timeout: 120_000 });
  assert.match(await alert.innerText(), /not in this build: make it with `npm run models:base`/);
  await context.close();
});

test('Cancel during the model download stops it, and Retry starts it again', async () => {
  const context = await browser.newContext();
  const other = await context.newPage();
  // The weights' download (the GGUF blocks) never finishes on its own: only Cancel can end the wait.
  let downloadStarted: () => void = () => undefined;
  const started = new Promise<void>((resolve) => (downloadStarted = resolve));
  await other.route('**/models/base/lm.blocks', () => downloadStarted());
  await chooseBaseAndOpenDemo(other);
  await started;
  const status = other.locator('.engine-status');
  await status.getByRole('group', { name: /Loading models/ }).waitFor({ timeout: 60_000 });
  await status.getByRole('button', { name: 'Cancel' }).click();
  await status.getByText('Stopped. Nothing was lost').waitFor({ timeout: 30_000 });
  await other.unroute('**/models/base/lm.blocks');
  await status.getByRole('button', { name: 'Retry' }).click();
  await status.getByText(/Loading models/).first().waitFor({ timeout: 60_000 });
  await context.close();
});
