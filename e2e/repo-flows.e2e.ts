/**
 * Issue 2's repository flows in real Chromium: clone through our proxy with visible progress, reopen from
 * IndexedDB with the git server gone, cancel a clone, and the proxy's refusals shown to the user.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from './support/browser.ts';
import { startAppServer, type AppServer } from './support/app-server.ts';
import { startGitServer, type GitServer } from './support/git-server.ts';
import { makeFixtureRoot, SMALL_PYTHON_REPO } from './support/fixture-repos.ts';
import { makeBareRepo } from '../src/git/testing/fixture-repos.ts';
import { screenshot } from './support/screenshots.ts';

/** A literal private address placed on the allowlist, to prove the address check stands on its own. */
const PRIVATE_HOST = '10.20.30.40';
/** On the allowlist too; the .invalid top-level domain never resolves (RFC 6761), so DNS fails at once. */
const UNRESOLVABLE_HOST = 'no-such-host.invalid';

let browser: Browser;
let app: AppServer;
let git: GitServer;
let fixtureRoot: string;

before(async () => {
  fixtureRoot = makeFixtureRoot('spans', SMALL_PYTHON_REPO);
  // A repository of its own for the cancelled clone, so "nothing kept" cannot be hidden by the kept 'spans'.
  makeBareRepo(fixtureRoot, 'halfway', SMALL_PYTHON_REPO);
  // One .py file with binary content: the app leaves it out and says so.
  makeBareRepo(fixtureRoot, 'withblob', [
    ...SMALL_PYTHON_REPO,
    { message: 'Add a compiled blob under a .py name', files: { 'spans/blob.py': 'X = 1\0\u0001\u0002\n' } },
  ]);
  git = await startGitServer({ root: fixtureRoot });
  app = await startAppServer({ CODE2LORA_PROXY_ALLOW_HOSTS: `${PRIVATE_HOST},${UNRESOLVABLE_HOST}` });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await app?.close();
  await git?.stop().catch(() => undefined);
});

/** Records every clone progress label the page shows, however briefly. */
async function recordProgress(page: Page): Promise<() => Promise<string[]>> {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (globalThis as unknown as { __progressSeen: string[] }).__progressSeen = seen;
    new MutationObserver(() => {
      for (const el of document.querySelectorAll('[role="group"][aria-label^="Clone:"]')) {
        const label = el.getAttribute('aria-label') ?? '';
        if (!seen.includes(label)) seen.push(label);
      }
    }).observe(document, { subtree: true, childList: true, attributes: true });
  });
  return () => page.evaluate(() => (globalThis as unknown as { __progressSeen: string[] }).__progressSeen);
}

/** Opens the app and waits until its start-up (reopening the last repository, if any) has finished. */
async function openApp(page: Page): Promise<void> {
  await page.goto(app.url);
  await page.locator('.app[data-ready="true"]').waitFor();
}

/** Opens the app on its start screen. */
async function openStartScreen(page: Page): Promise<void> {
  await openApp(page);
  const close = page.getByRole('button', { name: 'Close' });
  if (await close.isVisible()) await close.click();
}

async function cloneUrl(page: Page, url: string): Promise<void> {
  await page.getByLabel('Repository URL').fill(url);
  await page.getByRole('button', { name: 'Clone', exact: true }).click();
}

describe('repository flows', () => {
  let context: Awaited<ReturnType<Browser['newContext']>>;

  before(async () => {
    context = await browser.newContext();
  });
  after(async () => {
    await context.close();
  });

  test('clone through the proxy with visible progress; the file tree shows', async () => {
    const page = await context.newPage();
    const progressSeen = await recordProgress(page);
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await openStartScreen(page);
    await cloneUrl(page, `${git.url}/spans.git`);
    const tree = page.getByRole('navigation', { name: 'Files' });
    await tree.getByRole('button', { name: 'interval.py', exact: true }).waitFor({ timeout: 60_000 });
    await tree.getByRole('button', { name: 'test_interval.py' }).click();
    await page.getByText('def test_length').waitFor();
    const labels = await progressSeen();
    assert.ok(labels.length > 0, 'a clone progress bar was shown');
    const gitRequests = requests.filter((u) => u.includes('git-upload-pack'));
    assert.ok(gitRequests.length >= 2, 'the browser spoke git smart HTTP');
    for (const u of gitRequests) assert.ok(u.startsWith(`${app.url}/cors/`), `request went through the proxy: ${u}`);
    assert.ok(git.requestCount >= 2, 'the fixture server answered the clone');
    await screenshot(page, 'clone-file-tree');
    await page.close();
  });

  test('reload with the git server stopped: the repository reopens from IndexedDB', async () => {
    await git.stop();
    const page = await context.newPage();
    await openApp(page);
    // The last opened repository is reopened; otherwise it is one click away in the kept list.
    const tree = page.getByRole('navigation', { name: 'Files' });
    if (!(await tree.isVisible())) {
      await page.getByRole('list', { name: 'Kept repositories' }).getByRole('button', { name: /spans/ }).click();
    }
    await tree.getByRole('button', { name: 'interval.py', exact: true }).click();
    await page.getByText('def length(self)').waitFor();
    await screenshot(page, 'reopen-offline');
    await page.close();
    git = await startGitServer({ root: fixtureRoot });
  });

  test('a clone can be cancelled and keeps nothing', async () => {
    const page = await context.newPage();
    await openStartScreen(page);
    git.setFault({ kind: 'hold', afterBytes: 200 });
    try {
      await cloneUrl(page, `${git.url}/halfway.git`);
      await page.getByRole('group', { name: /^Clone:/ }).waitFor();
      await screenshot(page, 'clone-in-progress');
      await page.getByRole('button', { name: 'Cancel' }).click({ timeout: 5000 });
      await page.getByText('Clone cancelled').waitFor();
    } finally {
      // Reset whatever happened above: a held server would stall every later test.
      git.setFault(null);
    }
    // After a reload the kept list (which has 'spans' from the first test) has no 'halfway'.
    await openStartScreen(page);
    const kept = page.getByRole('list', { name: 'Kept repositories' });
    await kept.getByRole('listitem').filter({ hasText: 'spans' }).first().waitFor();
    assert.equal(await kept.getByRole('listitem').filter({ hasText: 'halfway' }).count(), 0, 'the cancelled clone was not kept');
    await page.close();
  });

  test('a .py file with binary content is left out, and the status line says so', async () => {
    const page = await context.newPage();
    await openStartScreen(page);
    await cloneUrl(page, `${git.url}/withblob.git`);
    const skipped = page.getByRole('status', { name: 'Skipped files' });
    await skipped.waitFor({ timeout: 300_000 });
    assert.equal(await skipped.innerText(), 'Skipped 1 .py file with binary content: spans/blob.py.');
    await page.close();
  });

  test('a 10,000-character URL gets a short error line that fits the page', async () => {
    const page = await context.newPage();
    await openStartScreen(page);
    await cloneUrl(page, `https://github.com/${'a'.repeat(10_000)}`);
    const alert = page.locator('[role="alert"][data-error-code="bad-url"]');
    await alert.waitFor();
    const text = await alert.innerText();
    assert.ok(text.length < 400, `the error quotes a short part of the URL (${text.length} characters)`);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    const viewport = page.viewportSize()?.width ?? 1280;
    assert.ok(width <= viewport, `the page is ${width} px wide in a ${viewport} px window`);
    await page.close();
  });

  test('a host name that does not resolve: the UI says what to check', async () => {
    const page = await context.newPage();
    await openStartScreen(page);
    await cloneUrl(page, `https://${UNRESOLVABLE_HOST}/owner/repo.git`);
    const alert = page.getByRole('alert');
    await alert.waitFor({ timeout: 60_000 });
    assert.match(await alert.innerText(), /could not be found: check the address for a typo/);
    await page.close();
  });

  test('the proxy refuses a host outside the allowlist, and the UI says why', async () => {
    const page = await context.newPage();
    await openStartScreen(page);
    await cloneUrl(page, 'https://example.com/owner/repo.git');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /allowlist/i);
    await screenshot(page, 'refused-host');
    await page.close();
  });

  test('the proxy refuses a private address even when allowlisted, and the UI says why', async () => {
    const page = await context.newPage();
    await openStartScreen(page);
    await cloneUrl(page, `https://${PRIVATE_HOST}/owner/repo.git`);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /private|local|reserved/i);
    await screenshot(page, 'refused-private');
    await page.close();
  });
});
