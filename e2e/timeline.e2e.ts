/**
 * The commit timeline on the bundled demo repository: stepping through the history computes each commit's adapter
 * (going back to a visited commit is instant), the view shows the commit, the production files it changed and how
 * the adapter moved.
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
  page = await (await browser.newContext({ viewport: { width: 1400, height: 1000 } })).newPage();
});

after(async () => {
  await browser?.close();
  await app?.close();
});

async function adapterNorms(): Promise<string> {
  return page.getByRole('table', { name: 'Adapter at this commit' }).innerText();
}

test('stepping through commits changes the adapter and the view', async () => {
  await page.goto(app.url);
  await page.locator('.app[data-ready="true"]').waitFor();
  await page.getByRole('button', { name: /Open demo: unitkit/ }).click();
  await page.getByRole('status', { name: 'Adapter' }).waitFor({ timeout: 600_000 });
  await page.getByRole('tab', { name: 'Timeline' }).click();
  const position = page.getByRole('status', { name: 'Timeline position' });
  await position.filter({ hasText: /^\d+ \/ \d+$/ }).waitFor({ timeout: 120_000 });
  const [, last, total] = /^(\d+) \/ (\d+)$/.exec((await position.textContent()) ?? '') ?? [];
  assert.ok(Number(total) >= 15, `the demo has a real history (${total} commits)`);
  assert.equal(last, total, 'the timeline opens at the newest commit');

  // The first commit (a few modules) and the newest (the whole package) give different adapters.
  const slider = page.getByRole('slider', { name: 'Commit' });
  const table = page.getByRole('table', { name: 'Adapter at this commit' });
  await slider.press('Home');
  await position.filter({ hasText: `1 / ${total}` }).waitFor();
  await table.waitFor({ timeout: 300_000 });
  const first = await adapterNorms();
  const firstCommit = await page.locator('.step p').first().innerText();
  await slider.press('End');
  await position.filter({ hasText: `${total} / ${total}` }).waitFor();
  await page.locator('.step p').first().filter({ hasNotText: firstCommit }).waitFor();
  await table.waitFor({ timeout: 300_000 });
  const newest = await adapterNorms();
  assert.notEqual(newest, first, 'the adapter moved between the first and the newest commit');
  assert.match(await page.locator('.step').innerText(), /Production files changed:/);
  await screenshot(page, 'timeline');

  // Going back to a visited commit is instant: its adapter is kept.
  await page.getByRole('button', { name: 'Previous commit' }).click();
  await slider.press('Home');
  await position.filter({ hasText: `1 / ${total}` }).waitFor();
  assert.equal(await adapterNorms(), first);
});
