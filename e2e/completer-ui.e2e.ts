/**
 * Issue 8's core flow in real Chromium with the bundled models: open the bundled demo repository, the engine
 * loads and encodes it, picking an assertion completes it as ghost text that Tab accepts, the compare panel runs
 * every method, and scoring the repository covers every task the extractor finds.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from './support/browser.ts';
import { startAppServer, type AppServer } from './support/app-server.ts';
import { screenshot } from './support/screenshots.ts';

let browser: Browser;
let app: AppServer;
let page: Page;

before(async () => {
  app = await startAppServer();
  browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  page = await context.newPage();
});

after(async () => {
  await browser?.close();
  await app?.close();
});

test('the demo repository opens and the engine prepares it', async () => {
  await page.goto(app.url);
  await page.locator('.app[data-ready="true"]').waitFor();
  await page.getByRole('button', { name: /Open demo: unitkit/ }).click();
  await page.getByRole('navigation', { name: 'Files' }).getByRole('button', { name: 'quantity.py', exact: true }).waitFor();
  const backend = page.getByRole('status', { name: 'Backend' });
  await backend.filter({ hasText: /WASM|WebGPU/ }).waitFor({ timeout: 120_000 });
  // Under 'auto' the software WebGPU adapter of headless Chromium is passed over for WASM, with the reason.
  assert.match((await backend.textContent()) ?? '', /WASM/);
  // Ready (with an adapter, or with the reason there is none) or failed with an alert: either ends the wait.
  const adapter = page.getByRole('status', { name: 'Adapter' });
  const failure = page.locator('.engine-status [role="alert"]');
  await adapter.or(failure).first().waitFor({ timeout: 600_000 }).catch(() => undefined);
  await screenshot(page, 'demo-ready');
  assert.equal(await failure.count(), 0, `the engine failed: ${await failure.allInnerTexts()}`);
  assert.ok(await adapter.isVisible(), `the engine did not become ready: ${await page.locator('.engine-status').innerText()}`);
});

test('picking an assertion completes it as ghost text, and Tab accepts it', async () => {
  await page.getByRole('radio', { name: 'Base model' }).check();
  const tree = page.getByRole('navigation', { name: 'Files' });
  await tree.getByRole('button', { name: 'test_units.py' }).click();
  const assertions = page.getByRole('list', { name: 'Assertions' });
  await assertions.getByRole('button').first().click();
  const row = page.getByRole('table', { name: 'Completions by method' }).locator('tr[data-method="base"]');
  await row.locator('td').nth(3).filter({ hasText: /\d/ }).waitFor({ timeout: 600_000 });
  const ghost = page.locator('.cm-ghost-text');
  const suggestion = (await ghost.count()) > 0 ? ((await ghost.textContent()) ?? '') : '';
  await screenshot(page, 'ghost-text');
  assert.ok(suggestion.length > 0, 'a ghost-text suggestion is shown at the gap');
  // Focusing the editor keeps the cursor at the gap, so the suggestion stays; Tab inserts it.
  await page.locator('.cm-content').focus();
  await page.keyboard.press('Tab');
  await ghost.waitFor({ state: 'detached' });
  assert.ok((await page.locator('.cm-content').textContent())?.includes(suggestion.trim()), 'the suggestion was inserted');
});

test('the compare panel runs every method with latency and prompt size', async () => {
  await page.getByRole('button', { name: 'Run all methods here' }).click();
  const table = page.getByRole('table', { name: 'Completions by method' });
  for (const m of ['base', 'rag']) {
    await table.locator(`tr[data-method="${m}"] td`).nth(3).filter({ hasText: /\d/ }).waitFor({ timeout: 900_000 });
  }
  const basePrompt = Number(await table.locator('tr[data-method="base"] td').nth(2).textContent());
  const ragPrompt = Number(await table.locator('tr[data-method="rag"] td').nth(2).textContent());
  assert.ok(ragPrompt > basePrompt, `RAG adds retrieved code to the prompt (${ragPrompt} > ${basePrompt} tokens)`);
  await screenshot(page, 'compare');
});

test('scoring the repository covers every extracted task', async () => {
  await page.getByRole('tab', { name: 'Score' }).click();
  const found = await page.getByText(/assertion tasks found/).textContent();
  const count = Number(/(\d+) assertion tasks/.exec(found ?? '')?.[1]);
  assert.ok(count > 10, `the demo has many tasks (${count})`);
  await page.getByRole('button', { name: 'Score all methods' }).click();
  // Scoring every task with every method takes long on a shared CPU; a cancelled run still shows its table.
  await page.getByRole('table', { name: 'Exact match by method' }).waitFor({ timeout: 60_000 });
  await page.waitForTimeout(20_000);
  await page.getByRole('button', { name: 'Cancel' }).click();
  await page.getByText('Scoring cancelled').waitFor({ timeout: 120_000 });
  const rows = page.getByRole('table', { name: 'Exact match by method' }).locator('tbody tr');
  assert.ok((await rows.count()) >= 2);
  await page.getByText('Per task').click();
  assert.equal(await page.getByRole('table', { name: 'Answers by task' }).locator('tbody tr').count(), count);
  await screenshot(page, 'score');
});
