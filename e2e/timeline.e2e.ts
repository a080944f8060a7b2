/**
 * The Code2LoRA-Evo timeline in real Chromium. On the bundled demo repository (unitkit, 18 commits): the timeline
 * starts at the oldest commit with z_0, each step moves the Evo adapter (norms, cosine, the chart grows) except a
 * commit without production changes, pinned assertions are completed with each step's adapter, going back shows the
 * kept states and completions with no new work, Play and the keys step, and the Code tab's Evo mode uses the
 * timeline's step (the same adapter). A local import (no history) shows Evo disabled with its reason, and "Run all
 * methods" marks the Evo row unavailable in one word.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from './support/browser.ts';
import { startAppServer, type AppServer } from './support/app-server.ts';
import { screenshot } from './support/screenshots.ts';

let browser: Browser;
let app: AppServer;
let page: Page;
let work: string;

/** Whether the model set served has the Evo graphs (without them, Evo is a clear "unavailable"). */
let hasEvoGraphs = false;

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'c2l-timeline-'));
  app = await startAppServer();
  const manifest = (await (await fetch(`${app.url}/models/manifest.json`)).json()) as { files: Record<string, unknown> };
  hasEvoGraphs = Object.keys(manifest.files).some((name) => name.startsWith('evo'));
  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: { width: 1400, height: 1000 } })).newPage();
});

after(async () => {
  await browser?.close();
  await app?.close();
  rmSync(work, { recursive: true, force: true });
});

const position = (): ReturnType<Page['getByRole']> => page.getByRole('status', { name: 'Timeline position' });
const movement = (): ReturnType<Page['getByRole']> => page.getByRole('status', { name: 'Adapter movement' });
/** ‖A‖, ‖B‖ and ‖ΔW‖ of each projection type (not the change column, which is relative to the step before). */
const norms = async (): Promise<string> =>
  (await page.getByRole('table', { name: 'Adapter at this commit' }).locator('tbody td:not(:last-child)').allInnerTexts()).join(' ');
const pinned = (): ReturnType<Page['getByRole']> => page.getByRole('table', { name: 'Pinned completions at this commit' });
const normPoints = async (): Promise<number> =>
  Number(await page.getByRole('img', { name: /^Σ‖ΔW‖/ }).getAttribute('data-points'));

async function at(step: number, total: number): Promise<void> {
  await position().filter({ hasText: new RegExp(`^${step} / ${total}$`) }).waitFor();
}

/** The pinned completions shown, once each row's completion is done (and compared, after the first commit). */
async function pinnedTexts(first: boolean): Promise<string[]> {
  const rows = pinned().locator('tbody tr');
  const count = await rows.count();
  for (let i = 0; i < count; i++) {
    const row = rows.nth(i);
    if (first) await row.locator('td').nth(2).filter({ hasNotText: '…' }).filter({ hasText: /\S/ }).waitFor({ timeout: 600_000 });
    else await row.and(page.locator('tr:not([data-change="pending"])')).waitFor({ timeout: 600_000 });
  }
  return rows.locator('td:nth-child(3)').allInnerTexts();
}

async function blur(): Promise<void> {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
}

test('the Evo timeline steps the demo history: the adapter and the view move, going back is kept', async () => {
  await page.goto(app.url);
  await page.locator('.app[data-ready="true"]').waitFor();
  await page.getByRole('button', { name: /Open demo: unitkit/ }).click();
  await page.getByRole('status', { name: 'Adapter' }).waitFor({ timeout: 600_000 });

  // Pin two assertions of the units tests in the Code tab.
  await page.getByRole('navigation', { name: 'Files' }).getByRole('button', { name: 'test_units.py' }).click();
  const pins = page.getByRole('list', { name: 'Assertions' }).getByRole('button', { name: /^Pin the assertion at line/ });
  await pins.first().waitFor();
  for (const i of [0, 1]) await pins.nth(i).click();
  assert.equal(await page.locator('button.pin[aria-pressed="true"]').count(), 2);

  const evoRadio = page.getByRole('radio', { name: 'Code2LoRA-Evo' });
  await page.getByRole('tab', { name: 'Timeline' }).click();
  await position().filter({ hasText: /^\d+ \/ \d+$/ }).waitFor({ timeout: 120_000 });
  const total = Number(/\/ (\d+)$/.exec((await position().textContent()) ?? '')?.[1]);
  assert.equal(total, 18, 'the demo history');
  assert.equal(await position().textContent(), `1 / ${total}`, 'the timeline starts at the oldest commit');

  // The shipped model set has the Evo graphs: without them this test must fail, not skip (a manifest that lost
  // them would otherwise pass unnoticed).
  assert.ok(hasEvoGraphs, 'public/models/manifest.json lists the Evo graphs');

  // Step 1: z_0 from the oldest commit's snapshot, pinned assertions completed with it.
  await movement().filter({ hasText: /Initial state/ }).waitFor({ timeout: 600_000 });
  const snapshots: { norms: string; pins: string[] }[] = [];
  snapshots[1] = { norms: await norms(), pins: await pinnedTexts(true) };
  assert.equal(await normPoints(), 1);
  assert.equal(snapshots[1].pins.length, 2);

  // Step 2 changed only tests: the state is kept (cosine 1, the same norms).
  await blur();
  await page.keyboard.press('ArrowRight');
  await at(2, total);
  await movement().filter({ hasText: /state is kept/ }).waitFor({ timeout: 600_000 });
  assert.match(await movement().innerText(), /Cosine to the previous state: 1\.0000/);
  snapshots[2] = { norms: await norms(), pins: await pinnedTexts(false) };
  assert.equal(snapshots[2].norms, snapshots[1].norms);
  assert.deepEqual(snapshots[2].pins, snapshots[1].pins, 'the same state completes the same');

  // Step 3 adds units.py: the adapter moves.
  await page.getByRole('button', { name: 'Next commit' }).click();
  await at(3, total);
  await movement().filter({ hasText: /Cosine to the previous state/ }).filter({ hasNotText: /kept/ }).waitFor({ timeout: 600_000 });
  const cosine = Number(/state: (-?[\d.]+)/.exec(await movement().innerText())?.[1]);
  // Printed with the decimals it takes to tell it from 1 (formatCosine): any move reads below 1.
  assert.ok(cosine < 1, `the state moved (cosine ${cosine})`);
  snapshots[3] = { norms: await norms(), pins: await pinnedTexts(false) };
  assert.notEqual(snapshots[3].norms, snapshots[2].norms, 'the norms moved');
  assert.equal(await normPoints(), 3, 'the chart grows');
  // The cosine chart prints this step's cosine as the step does, and its range with the decimals that tell it
  // from 1: a step moves it in the fifth decimal, and at four decimals the range read "1.0000 – 1.0000".
  const cosineChart = page.getByRole('img', { name: /^Cosine to the previous state/ });
  const stepCosine = /Cosine to the previous state: (-?[\d.]+)/.exec(await movement().innerText())?.[1];
  assert.equal((await cosineChart.locator('circle title').allTextContents()).at(-1), `commit 3: ${stepCosine}`);
  const range = await page.locator('.sparkline', { has: cosineChart }).locator('.sparkline-label .muted').innerText();
  assert.equal(range, `${stepCosine} – 1.0000`, 'the range runs from this step\'s cosine to the kept step\'s 1');
  assert.match(await page.locator('.step').innerText(), /unitkit\/units\.py/);

  // The newest commit: every state on the way is computed; the pinned completions and what changed are shown.
  await blur();
  await page.keyboard.press('End');
  await at(total, total);
  await movement().filter({ hasText: /Cosine/ }).waitFor({ timeout: 900_000 });
  const newestPins = await pinnedTexts(false);
  assert.equal(await normPoints(), total, 'a point per commit');
  assert.notEqual(await norms(), snapshots[3].norms);
  const changed = await pinned().locator('tr[data-change="changed"]').count();
  await screenshot(page, 'timeline-evo');

  // Going back: the kept states and completions are shown at once, with nothing to compute.
  for (const [key, step] of [['Home', 1], ['ArrowRight', 2], ['ArrowRight', 3]] as const) {
    await page.keyboard.press(key);
    await at(step, total);
    assert.equal(await page.getByRole('group', { name: 'Timeline work' }).count(), 0, `nothing to compute at step ${step}`);
    assert.equal(await norms(), snapshots[step]?.norms, `the kept adapter at step ${step}`);
    assert.deepEqual(await pinned().locator('tbody td:nth-child(3)').allInnerTexts(), snapshots[step]?.pins);
  }

  // Play steps on by itself; Space pauses. Play and Pause take the same width: the slider does not move.
  const slider = page.getByRole('slider', { name: 'Commit' });
  const sliderX = (await slider.boundingBox())?.x;
  await page.keyboard.press(' ');
  await page.getByRole('button', { name: 'Pause' }).waitFor();
  assert.equal((await slider.boundingBox())?.x, sliderX, 'the slider stays where it was when Play turns to Pause');
  await at(5, total);
  await page.keyboard.press(' ');
  await page.getByRole('button', { name: 'Play' }).waitFor();
  const paused = Number(/^(\d+)/.exec((await position().textContent()) ?? '')?.[1]);
  assert.ok(paused >= 5, `paused at ${paused}`);
  await screenshot(page, 'timeline-evo-played');

  // The Code tab's Evo mode completes with the adapter of the timeline's step.
  const stepAdapter = await page.locator('.step').getAttribute('data-adapter');
  assert.ok(stepAdapter, 'the step shows its adapter');
  await page.getByRole('tab', { name: 'Code' }).click();
  assert.ok(await evoRadio.isEnabled());
  assert.match(await page.locator('#evo-mode-note').innerText(), new RegExp(`commit ${paused} / ${total}`));
  await evoRadio.check();
  await page.getByRole('list', { name: 'Assertions' }).getByRole('button', { name: /^L\d+/ }).first().click();
  const evoRow = page.getByRole('table', { name: 'Completions by method' }).locator('tr[data-method="evo"]');
  await evoRow.locator('td').nth(3).filter({ hasText: /\d/ }).waitFor({ timeout: 600_000 }).catch(async (e: unknown) => {
    await screenshot(page, 'code-evo-failed');
    console.log(`evo row: ${await evoRow.innerText()}`);
    throw e;
  });
  assert.equal(await evoRow.getAttribute('data-adapter'), stepAdapter, 'Evo completed with the adapter of the timeline\'s step');
  await screenshot(page, 'code-evo');
});

test('a local import has no history: Evo is disabled with the reason', async () => {
  const root = join(work, 'pairs');
  const files: Record<string, string> = {
    'pkg/core.py': 'def double(x):\n    return 2 * x\n',
    'tests/test_core.py': 'from pkg.core import double\n\n\ndef test_double():\n    assert double(21) == 42\n',
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  await page.goto(app.url);
  await page.locator('.app[data-ready="true"]').waitFor();
  const close = page.getByRole('button', { name: 'Close' });
  if (await close.isVisible()) await close.click();
  await page.getByLabel('Import a folder').setInputFiles(root);
  await page.getByRole('heading', { level: 2, name: 'pairs' }).waitFor();
  const evoRadio = page.getByRole('radio', { name: 'Code2LoRA-Evo' });
  await evoRadio.waitFor();
  assert.ok(await evoRadio.isDisabled(), 'Evo is disabled for a local import');
  assert.ok(await page.getByRole('radio', { name: 'Code2LoRA-Static' }).isEnabled());
  const reason = await page.locator('#evo-mode-note').innerText();
  assert.match(reason, /local folder or zip import has no history/);
  assert.equal(await evoRadio.getAttribute('aria-describedby'), 'evo-mode-note', 'the reason is the radio\'s description');
  await screenshot(page, 'code-local-import');

  // "Run all methods": the Evo row says "unavailable", not the paragraph under the mode switch, and the table
  // stays inside the side panel.
  await page.getByRole('navigation', { name: 'Files' }).getByRole('button', { name: 'test_core.py' }).click();
  await page.getByRole('list', { name: 'Assertions' }).getByRole('button', { name: /^L\d+/ }).first().click();
  await page.getByRole('status', { name: 'Adapter' }).waitFor({ timeout: 600_000 });
  await page.getByRole('button', { name: 'Run all methods here' }).click();
  const table = page.getByRole('table', { name: 'Completions by method' });
  const evoRow = table.locator('tr[data-method="evo"][data-status="failed"]');
  await evoRow.waitFor({ timeout: 900_000 });
  assert.equal((await evoRow.locator('td').first().innerText()).trim(), 'unavailable');
  const fits = await page.evaluate(() => {
    const side = document.querySelector('.side');
    const t = document.querySelector('table[aria-label="Completions by method"]');
    return side && t ? t.getBoundingClientRect().right <= side.getBoundingClientRect().right + 0.5 : false;
  });
  assert.ok(fits, 'the compare table fits the side panel');
  await screenshot(page, 'compare-local-import');

  await page.getByRole('tab', { name: 'Timeline' }).click();
  await position().filter({ hasText: '1 / 1' }).waitFor({ timeout: 120_000 });
  assert.match(await page.getByRole('note', { name: 'Evo availability' }).innerText(), /no history/);
  await screenshot(page, 'timeline-local-import');
});
