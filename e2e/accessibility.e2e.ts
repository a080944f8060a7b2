/**
 * An automated accessibility check (axe-core, pinned in package-lock.json) of every screen in real Chromium: the
 * start page, an error on it, Settings, the Backend check, and the demo's workspace with its three tabs, before
 * and after the engine is ready, with completions and with scores. No serious or critical violation is allowed.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from './support/browser.ts';
import { startAppServer, type AppServer } from './support/app-server.ts';
import { describeViolations, seriousViolations } from './support/axe.ts';

let browser: Browser;
let app: AppServer;
let page: Page;

before(async () => {
  app = await startAppServer();
  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
});

after(async () => {
  await browser?.close();
  await app?.close();
});

async function check(screen: string): Promise<void> {
  const violations = await seriousViolations(page);
  assert.equal(violations.length, 0, `${screen}:\n${describeViolations(violations)}`);
}

test('the start page, with and without an error', async () => {
  await page.goto(app.url);
  await page.locator('.app[data-ready="true"]').waitFor();
  await check('start page');
  await page.getByLabel('Repository URL').fill('not a url');
  await page.getByRole('button', { name: 'Clone', exact: true }).click();
  await page.getByRole('alert').waitFor();
  await check('start page with a clone error');
});

test('Settings and the Backend check', async () => {
  await page.goto(`${app.url}/#settings`);
  await page.getByRole('heading', { name: 'Settings' }).waitFor();
  await check('Settings');
  await page.goto(`${app.url}/#diagnostics`);
  await page.getByRole('region', { name: 'Backend check' }).waitFor();
  await check('Backend check');
});

test('the workspace: Code, Timeline and Score, while loading and when ready', async () => {
  await page.goto(app.url);
  await page.locator('.app[data-ready="true"]').waitFor();
  await page.getByRole('button', { name: /Open demo: unitkit/ }).click();
  await page.getByRole('navigation', { name: 'Files' }).getByRole('button', { name: 'test_units.py' }).click();
  await page.getByRole('list', { name: 'Assertions' }).getByRole('button', { name: /^L\d+/ }).first().click();
  await check('Code tab while the engine prepares');
  await page.getByRole('status', { name: 'Adapter' }).waitFor({ timeout: 600_000 });
  await check('Code tab, ready');
  await page.getByRole('button', { name: 'Run all methods here' }).click();
  await page.locator('tr[data-method="rag"][data-status="done"]').waitFor({ timeout: 600_000 });
  await check('Code tab with every method\'s completion');
  await page.getByRole('tab', { name: 'Timeline' }).click();
  await page.getByRole('status', { name: 'Timeline position' }).waitFor({ timeout: 120_000 });
  await check('Timeline tab');
  await page.getByRole('status', { name: 'Adapter movement' }).filter({ hasText: /Initial state/ }).waitFor({ timeout: 600_000 });
  await page.getByRole('button', { name: 'Next commit' }).click();
  await page.getByRole('status', { name: 'Adapter movement' }).filter({ hasText: /Cosine|kept/ }).waitFor({ timeout: 600_000 });
  await check('Timeline tab with computed states and charts');
  await page.getByRole('tab', { name: 'Score' }).click();
  await page.getByRole('button', { name: 'Score all methods' }).click();
  await page.getByRole('status', { name: 'Scoring run', exact: true }).filter({ hasText: /^([4-9]|\d\d+) of / }).waitFor({ timeout: 600_000 });
  await check('Score tab while scoring');
  await page.getByRole('button', { name: 'Cancel' }).click();
  await page.getByText('Scoring cancelled').waitFor({ timeout: 120_000 });
  await page.getByText('Per task').click();
  await check('Score tab with its tables');
});
