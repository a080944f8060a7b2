/**
 * A long history on the Evo timeline in real Chromium (issue 16): a fixture repository of 220 commits served by
 * `git http-backend` is cloned shallow (the default 50 commits); "Load 50 earlier commits" deepens the clone on
 * demand with progress, a held fetch is cancelled and leaves the timeline as it was, and the timeline is then
 * stepped through its last 200 commits (every Evo state computed, the chart holding one point per commit).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from './support/browser.ts';
import { startAppServer, type AppServer } from './support/app-server.ts';
import { startGitServer, type GitServer } from './support/git-server.ts';
import { makeFixtureRoot } from './support/fixture-repos.ts';
import type { FixtureCommit } from '../src/git/testing/fixture-repos.ts';
import { screenshot } from './support/screenshots.ts';

const COMMITS = 220;
const MODULES = 8;

/** Commit 0 adds a package and its tests; every later commit changes one small module (and every 10th a test). */
function longHistory(): FixtureCommit[] {
  const module = (i: number, value: number): string => `VALUE = ${value}\n\n\ndef value_${i}():\n    return VALUE * ${i + 1}\n`;
  const first: Record<string, string> = { 'longhist/__init__.py': '' };
  for (let m = 0; m < MODULES; m++) first[`longhist/mod_${m}.py`] = module(m, 0);
  first['tests/test_mods.py'] = 'from longhist.mod_0 import value_0\n\n\ndef test_value():\n    assert value_0() == 0\n';
  const commits: FixtureCommit[] = [{ message: 'Add longhist', files: first }];
  for (let c = 1; c < COMMITS; c++) {
    const files: Record<string, string> = { [`longhist/mod_${c % MODULES}.py`]: module(c % MODULES, c) };
    if (c % 10 === 0) files['tests/test_mods.py'] = `from longhist.mod_0 import value_0\n\n\ndef test_value():\n    assert value_0() == ${c}\n`;
    commits.push({ message: `Change module ${c % MODULES} (${c})`, files });
  }
  return commits;
}

let browser: Browser;
let app: AppServer;
let git: GitServer;
let page: Page;

before(async () => {
  git = await startGitServer({ root: makeFixtureRoot('longhist', longHistory()) });
  app = await startAppServer();
  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: { width: 1400, height: 1000 } })).newPage();
});

after(async () => {
  await browser?.close();
  await app?.close();
  await git?.stop().catch(() => undefined);
});

const position = (): ReturnType<Page['getByRole']> => page.getByRole('status', { name: 'Timeline position' });
const historyLength = (): ReturnType<Page['getByRole']> => page.getByRole('status', { name: 'History length' });
const loadEarlier = (): ReturnType<Page['getByRole']> => page.getByRole('button', { name: 'Load 50 earlier commits' });

async function commitsShown(count: number): Promise<void> {
  await historyLength().filter({ hasText: new RegExp(`^${count} commits`) }).waitFor({ timeout: 120_000 });
  await position().filter({ hasText: new RegExp(`^1 / ${count}$`) }).waitFor({ timeout: 120_000 });
}

test('a shallow clone deepened on demand, and 200 commits stepped on the Evo timeline', async () => {
  await page.goto(app.url);
  await page.locator('.app[data-ready="true"]').waitFor();
  await page.getByLabel('Repository URL').fill(`${git.url}/longhist.git`);
  await page.getByRole('button', { name: 'Clone', exact: true }).click();
  await page.getByRole('status', { name: 'Adapter' }).waitFor({ timeout: 600_000 });
  await page.getByRole('tab', { name: 'Timeline' }).click();

  // The clone holds the newest 50 commits; earlier ones are on the server only.
  await commitsShown(50);
  assert.match(await historyLength().innerText(), /shallow clone/);

  // A fetch that stalls mid-pack: progress shows, Cancel stops it, and nothing changes.
  git.setFault({ kind: 'hold', afterBytes: 200 });
  await loadEarlier().click();
  await page.getByRole('group', { name: /^Earlier history: / }).waitFor();
  await page.getByRole('group', { name: 'History' }).getByRole('button', { name: 'Cancel' }).click();
  await page.getByRole('status', { name: 'Earlier history' }).filter({ hasText: 'Cancelled; the timeline is as it was.' }).waitFor();
  git.setFault(null);
  await commitsShown(50);

  // Deepen three times: 100, 150, 200 commits, each from the server.
  for (const count of [100, 150, 200]) {
    const requests = git.requestCount;
    await loadEarlier().click();
    await commitsShown(count);
    assert.ok(git.requestCount > requests, `deepening to ${count} fetched from the server`);
  }
  assert.match(await historyLength().innerText(), /shallow clone/, 'earlier commits are still on the server');
  await screenshot(page, 'timeline-200-commits');

  // Step to the newest commit: the Evo state of every one of the 200 commits is computed on the way.
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.keyboard.press('End');
  await position().filter({ hasText: /^200 \/ 200$/ }).waitFor();
  const chart = page.getByRole('img', { name: /^Σ‖ΔW‖/ });
  await chart.and(page.locator('[data-points="200"]')).waitFor({ timeout: 600_000 });
  await page.getByRole('status', { name: 'Adapter movement' }).filter({ hasText: /Cosine to the previous state/ }).waitFor({ timeout: 120_000 });
  assert.match(await page.locator('.step').innerText(), /longhist\/mod_3\.py/, 'the newest commit changed mod_3');
  await screenshot(page, 'timeline-200-commits-stepped');
});
