/**
 * Issue 8's offline start in real Chromium: the app is loaded once with the network on, its service worker
 * takes control (app shell, workers, .wasm and demo bundle precached; the model files kept in the engine's
 * verified store), then the browser goes offline and the app server is shut down. A reload still starts the
 * app, the bundled demo opens with its file tree, the engine gets to its Backend and Adapter status, an
 * assertion is completed, and a clone says that the browser is offline.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from './support/browser.ts';
import { startAppServer, type AppServer } from './support/app-server.ts';
import { screenshot } from './support/screenshots.ts';

let browser: Browser;
let app: AppServer;
let appClosed = false;
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
  if (!appClosed) await app?.close();
});

/** Resolves once a service worker is active and controls the page (it claims clients on activation). */
async function waitForControl(p: Page): Promise<string> {
  return p.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
    }
    return registration.active?.scriptURL ?? '';
  });
}

test('online: the service worker installs, precaches the app and keeps the models once', async () => {
  await page.goto(app.url);
  await page.locator('.app[data-ready="true"]').waitFor();
  const script = await waitForControl(page);
  assert.match(script, /\/service-worker\.js$/);

  const kept = await page.evaluate(async () => {
    const names = await caches.keys();
    const urls: string[] = [];
    for (const name of names) {
      for (const request of await (await caches.open(name)).keys()) urls.push(new URL(request.url).pathname);
    }
    const manifest = (await (await fetch('/models/manifest.json')).json()) as { files: Record<string, { sha256: string }> };
    return { names, urls, shas: Object.values(manifest.files).map((f) => f.sha256) };
  });
  const has = (re: RegExp): boolean => kept.urls.some((u) => re.test(u));
  assert.ok(has(/^\/index\.html$/), 'the app shell is precached');
  assert.ok(has(/^\/assets\/git\.worker-.*\.js$/) && has(/^\/assets\/model\.worker-.*\.js$/), 'both worker chunks are precached');
  assert.ok(has(/^\/assets\/ort-wasm.*\.wasm$/), "onnxruntime's .wasm is precached");
  assert.ok(has(/^\/assets\/tree-sitter-python-.*\.wasm$/) && has(/^\/assets\/web-tree-sitter-.*\.wasm$/), 'the tree-sitter .wasm files are precached');
  assert.ok(has(/^\/demo\/index\.json$/) && has(/^\/demo\/unitkit\.zip$/), 'the demo bundle is precached');
  // The model files live once: in the engine's store under their sha256, not under /models/ in the precache.
  assert.ok(!has(/^\/models\//), `no model file in the precache (${kept.urls.filter((u) => u.startsWith('/models/')).join(', ')})`);
  for (const sha of kept.shas) assert.ok(has(new RegExp(`/\\.model-cache/sha256/${sha}$`)), `model ${sha} is kept in the engine's store`);
});

test('online: requests to the CORS proxy are not answered by the service worker', async () => {
  const proxyPage = await context.newPage();
  const response = await proxyPage.goto(`${app.url}/cors/example.invalid/owner/repo.git/info/refs`);
  assert.ok(response, 'the navigation got a response');
  assert.equal(response.fromServiceWorker(), false);
  assert.match(response.headers()['content-type'] ?? '', /json/);
  assert.ok(!(await response.text()).includes('<div id="root">'), 'the proxy answered, not the cached app shell');
  await proxyPage.close();
});

test('offline: the app starts, the demo opens and the engine gets ready', async () => {
  await context.setOffline(true);
  await app.close();
  appClosed = true;

  await page.reload();
  await page.locator('.app[data-ready="true"]').waitFor();
  await page.getByRole('button', { name: /Open demo: unitkit/ }).click();
  await page.getByRole('navigation', { name: 'Files' }).getByRole('button', { name: 'quantity.py', exact: true }).waitFor();
  await page.getByRole('status', { name: 'Backend' }).filter({ hasText: /WASM|WebGPU/ }).waitFor({ timeout: 120_000 });
  const adapter = page.getByRole('status', { name: 'Adapter' });
  await adapter.waitFor({ timeout: 300_000 });
  assert.ok(!(await page.getByText('The completer could not be prepared').isVisible()), 'the engine did not fail');
  await screenshot(page, 'offline-demo-ready');
});

test('offline: an assertion of the demo is completed', async () => {
  await page.getByRole('radio', { name: 'Base model' }).check();
  await page.getByRole('navigation', { name: 'Files' }).getByRole('button', { name: 'test_units.py' }).click();
  await page.getByRole('list', { name: 'Assertions' }).getByRole('button').first().click();
  const row = page.getByRole('table', { name: 'Completions by method' }).locator('tr[data-method="base"]');
  try {
    // Finished one way or the other; then it must have finished with a completion, not an error.
    await row.and(page.locator('[data-status="done"], [data-status="failed"]')).waitFor({ timeout: 300_000 });
  } finally {
    await screenshot(page, 'offline-completion');
  }
  assert.equal(await row.getAttribute('data-status'), 'done', `the base row: ${await row.innerText()}`);
  assert.match(await row.locator('td').nth(2).innerText(), /^\d+$/, 'its prompt size is shown');
  assert.ok(Number(await row.locator('td').nth(2).innerText()) > 0);
  const ghost = page.locator('.cm-ghost-text');
  assert.equal(await ghost.count(), 1, 'the completion is shown as ghost text');
  assert.ok(((await ghost.textContent()) ?? '').length > 0);
});

test('offline: a clone says the browser is offline and what still works', async () => {
  await page.getByRole('button', { name: 'Close' }).click();
  await page.getByLabel('Repository URL').fill('https://github.com/owner/repo');
  await page.getByRole('button', { name: 'Clone', exact: true }).click();
  const alert = page.locator('[role="alert"][data-error-code="offline"]');
  await alert.waitFor({ timeout: 60_000 });
  assert.match(await alert.innerText(), /This browser is offline: reconnect and try again/);
  await screenshot(page, 'offline-clone');
});
