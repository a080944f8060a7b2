/**
 * Issue 18's small things a new user stumbles on, in real Chromium on the bundled demo, none of which needs a
 * completion: no 404 on load (the favicon), the size limit in MiB, the measured exact match by each mode,
 * assertion rows without a doubled kind, the workspace tabs as one Tab stop (roving tabindex), and an editor that
 * Tab leaves when no suggestion is shown.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from './support/browser.ts';
import { startAppServer, type AppServer } from './support/app-server.ts';
import { measuredEm } from '../src/ui/measured.ts';
import { METHOD_LABEL } from '../src/ui/methods.ts';
import { MODEL_SETS } from '../src/ui/modelSets.ts';

let browser: Browser;
let app: AppServer;
let page: Page;
const notFound: string[] = [];

before(async () => {
  app = await startAppServer();
  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
  page.on('response', (r) => {
    if (r.status() === 404) notFound.push(r.url());
  });
});

after(async () => {
  await browser?.close();
  await app?.close();
});

const focusedIs = (p: Page, selector: string): Promise<boolean> =>
  p.evaluate((s) => document.activeElement?.matches(s) ?? false, selector);

test('the app loads with no 404 (the favicon is there)', async () => {
  await page.goto(app.url);
  await page.locator('.app[data-ready="true"]').waitFor();
  await page.waitForLoadState('networkidle');
  // Chromium asks for /favicon.ico when the page declares no icon: that request must not 404.
  assert.deepEqual(notFound, []);
  // Headless Chromium fetches no icon by itself, so both are asked for here: the declared SVG icon and the
  // /favicon.ico that browsers ask for by default (the one that was a 404).
  for (const path of ['/favicon.ico', (await page.locator('link[rel="icon"]').getAttribute('href')) ?? '']) {
    const response = await page.request.get(`${app.url}${path}`);
    assert.equal(response.status(), 200, path);
    assert.match(response.headers()['content-type'] ?? '', /^image\//, path);
  }
});

test('the preview server sends the runtime\'s wasm brotli-compressed to a browser that accepts it', async () => {
  const wasm = readdirSync(new URL('../dist/assets/', import.meta.url)).find((f) => /^ort-wasm.*\.wasm$/.test(f));
  assert.ok(wasm, 'the build has the onnxruntime wasm');
  const url = `${app.url}/assets/${wasm}`;
  const compressed = await page.request.get(url, { headers: { 'accept-encoding': 'br' } });
  assert.equal(compressed.status(), 200);
  assert.equal(compressed.headers()['content-encoding'], 'br');
  assert.equal(compressed.headers()['content-type'], 'application/wasm');
  // Decoded, it is the very file (Playwright decodes the body as a browser does).
  assert.deepEqual(await compressed.body(), readFileSync(new URL(`../dist/assets/${wasm}`, import.meta.url)));
  const plain = await page.request.get(url, { headers: { 'accept-encoding': 'identity' } });
  assert.equal(plain.headers()['content-encoding'], undefined);
});

test('Settings show the Python size limit in MiB and store what is typed in MiB', async () => {
  await page.goto(`${app.url}/#settings`);
  const limit = page.getByLabel('Python size limit');
  assert.equal(await limit.inputValue(), '30', 'the 30 MiB default reads 30');
  await limit.fill('45');
  const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('code2lora.settings') ?? '{}') as { maxPythonBytes?: number });
  assert.equal(stored.maxPythonBytes, 45 * 1024 * 1024);
  await page.reload();
  assert.equal(await page.getByLabel('Python size limit').inputValue(), '45');
  await page.evaluate(() => localStorage.removeItem('code2lora.settings'));
});

test('the mode switch shows each method\'s measured exact match from results.json', async () => {
  await page.goto(app.url);
  await page.locator('.app[data-ready="true"]').waitFor();
  await page.getByRole('button', { name: /Open demo: unitkit/ }).click();
  const results: unknown = JSON.parse(readFileSync(new URL('../models/results.json', import.meta.url), 'utf8'));
  for (const m of MODEL_SETS.code2lora.methods) {
    const em = measuredEm(results, m);
    assert.ok(em, `results.json has ${m}`);
    const label = page.locator('label.mode', { has: page.getByRole('radio', { name: METHOD_LABEL[m] }) });
    assert.equal((await label.locator('.method-em').innerText()).trim(), `${em.em.toFixed(1)}%`, m);
  }
  assert.match(await page.locator('#measured-note').innerText(), /exact match measured on the benchmark's CR test split/);
});

test('assertion rows read "L<line> <statement>", the kind not doubled', async () => {
  await page.getByRole('navigation', { name: 'Files' }).getByRole('button', { name: 'test_units.py' }).click();
  const rows = page.getByRole('list', { name: 'Assertions' }).getByRole('button', { name: /^L\d+/ });
  await rows.first().waitFor();
  const texts = await rows.allInnerTexts();
  assert.ok(texts.length > 3);
  for (const t of texts) assert.doesNotMatch(t, /^L\d+ (\w+) \1\b/, t);
  assert.ok(texts.some((t) => /^L\d+ assert /.test(t)), texts.join('\n'));
});

test('the workspace tabs are one Tab stop; arrows, Home and End move between them', async () => {
  const tabs = page.getByRole('tab');
  assert.equal(await tabs.count(), 3);
  assert.deepEqual(await tabs.evaluateAll((els) => els.map((e) => e.getAttribute('tabindex'))), ['0', '-1', '-1']);
  await page.getByRole('tab', { name: 'Code' }).focus();
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.getByRole('tab', { name: 'Timeline' }).getAttribute('aria-selected'), 'true');
  assert.ok(await focusedIs(page, '#tab-timeline'), 'the focus follows the selection');
  await page.keyboard.press('End');
  assert.equal(await page.getByRole('tab', { name: 'Score' }).getAttribute('aria-selected'), 'true');
  assert.deepEqual(await tabs.evaluateAll((els) => els.map((e) => e.getAttribute('tabindex'))), ['-1', '-1', '0']);
  await page.keyboard.press('ArrowRight');
  assert.ok(await focusedIs(page, '#tab-code'), 'ArrowRight wraps from the last tab to the first');
  await page.keyboard.press('End');
  await page.keyboard.press('Home');
  assert.ok(await focusedIs(page, '#tab-code'));
  // One Tab leaves the tab list.
  await page.keyboard.press('Tab');
  assert.ok(!(await focusedIs(page, '[role="tab"]')), 'Tab left the tab list');
  assert.equal(await page.getByRole('tabpanel').getAttribute('aria-labelledby'), 'tab-code');
});

test('with no suggestion shown, Tab leaves the editor and inserts nothing', async () => {
  await page.getByRole('navigation', { name: 'Files' }).getByRole('button', { name: 'quantity.py', exact: true }).click();
  const content = page.locator('.cm-content');
  await content.click();
  const before = await content.innerText();
  assert.ok(await focusedIs(page, '.cm-content'));
  await page.keyboard.press('Tab');
  assert.ok(!(await focusedIs(page, '.cm-content')), 'the focus moved on');
  assert.equal(await content.innerText(), before, 'no indentation was inserted');
  assert.match(await page.locator('#editor-keys').innerText(), /with no suggestion, Tab leaves the editor/);
});
