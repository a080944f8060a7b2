/**
 * Time from opening the demo to its first completion, in headless Chromium with the app's production build: cold
 * (a fresh browser profile, every model file fetched from the preview server) and warm (the same profile reloaded:
 * the models from the browser's own verified copy, the repository kept in IndexedDB). For each, the app's own
 * "Ready after" breakdown (loading models, reading files, encoding, adapters) and the time of the first completion
 * of the test file's first assertion, in the set's default mode.
 *
 *   npx vite build && npm run bench:open -- [--set base] [--warm 2] [--reopen reload|new-tab] [--pause SECONDS]
 *     [--out benchmarks/open-demo.json]
 *
 * --reopen: a warm run reloads the page (default), or closes it and opens the app in a new tab of the same profile.
 *
 * Prints a benchmark, not a test: the numbers depend on the machine and on what else it is running.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { launchBrowser } from '../../e2e/support/browser.ts';
import { startAppServer } from '../../e2e/support/app-server.ts';

const { values } = parseArgs({
  options: {
    set: { type: 'string', default: 'base' },
    warm: { type: 'string', default: '2' },
    reopen: { type: 'string', default: 'reload' },
    out: { type: 'string', default: 'benchmarks/open-demo.json' },
    pause: { type: 'string', default: '0' },
  },
});

interface OpenFigures {
  run: string;
  /** From the click on "Open demo" (cold) or the page load (warm, where the app reopens the repository). */
  from: 'open-demo-click' | 'page-load';
  ready_ms: number;
  first_completion_ms: number;
  /** The app's own line: "Ready after ...: loading models ..., reading files ..., encoding ..., adapters ...". */
  ready_line: string;
  completion_text: string;
}

const TIMEOUT = 600_000;
if (values.reopen !== 'reload' && values.reopen !== 'new-tab') throw new Error(`--reopen must be reload or new-tab, not ${values.reopen}`);

async function waitReady(page: Page): Promise<string> {
  const ready = page.getByRole('status', { name: 'Adapter' });
  const failure = page.locator('.engine-status [role="alert"]');
  await ready.or(failure).first().waitFor({ timeout: TIMEOUT });
  if ((await failure.count()) > 0) throw new Error(`the engine failed: ${(await failure.allInnerTexts()).join(' ')}`);
  return (await ready.innerText()).trim();
}

async function firstCompletion(page: Page): Promise<string> {
  await page.getByRole('navigation', { name: 'Files' }).getByRole('button', { name: 'test_units.py' }).click();
  await page.getByRole('list', { name: 'Assertions' }).getByRole('button').first().click();
  // The latency cell of the default mode's row gets its number when the completion is shown.
  const row = page.getByRole('table', { name: 'Completions by method' }).locator('tr[data-status="done"]').first();
  await row.waitFor({ timeout: TIMEOUT });
  return ((await row.locator('td.completion').textContent()) ?? '').trim();
}

async function measure(page: Page, run: string, start: () => Promise<void>, from: OpenFigures['from']): Promise<OpenFigures> {
  const t0 = performance.now();
  await start();
  const line = await waitReady(page);
  const ready = performance.now() - t0;
  const text = await firstCompletion(page);
  return {
    run,
    from,
    ready_ms: Math.round(ready),
    first_completion_ms: Math.round(performance.now() - t0),
    ready_line: line,
    completion_text: text,
  };
}

const app = await startAppServer();
const browser = await launchBrowser();
const figures: OpenFigures[] = [];
let isolated = false;
let cores = 0;
try {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  let page = await context.newPage();
  page.on('console', (m) => { if (m.text().includes('TIMING')) console.error(m.text()); });
  await page.goto(`${app.url}/#settings`);
  await page.getByLabel('Models').selectOption(values.set);
  await page.goto(app.url);
  await page.locator('.app[data-ready="true"]').waitFor();
  // Cross-origin isolation decides whether the WASM kernels get threads (src/engine/ort-browser-env.ts).
  [isolated, cores] = await page.evaluate(() => [self.crossOriginIsolated, navigator.hardwareConcurrency] as const);
  const demoOf = (p: Page) => p.getByRole('button', { name: /Open demo: unitkit/ });
  figures.push(await measure(page, 'cold', () => demoOf(page).click(), 'open-demo-click'));
  for (let i = 1; i <= Number(values.warm); i++) {
    if (values.reopen === 'new-tab') {
      await page.close();
      page = await context.newPage();
    }
    // A pause before a warm open tells the browser's clean-up of the page before it from the open itself.
    if (Number(values.pause) > 0) await page.waitForTimeout(Number(values.pause) * 1000);
    const demo = demoOf(page);
    // The app reopens the repository it had open; where it shows the start page instead, open the demo again.
    figures.push(
      await measure(
        page,
        `warm ${i}`,
        async () => {
          await page.goto(app.url);
          await page.locator('.app[data-ready="true"]').waitFor();
          const files = page.getByRole('navigation', { name: 'Files' });
          await demo.or(files).first().waitFor({ timeout: TIMEOUT });
          if (await demo.isVisible()) await demo.click();
        },
        'page-load',
      ),
    );
  }
  await context.close();
} finally {
  await browser.close();
  await app.close();
}

// The LM graph the build runs on WASM: the 8-bit one where the set's manifest names it for WASM (on_wasm).
const builtManifest = JSON.parse(
  readFileSync(resolve('dist', 'models', values.set === 'base' ? 'base' : '.', 'manifest.json'), 'utf8'),
) as { files: Record<string, { path: string; on_wasm?: string }> };
const lm = builtManifest.files.lm;
const wasmGraph = (lm?.on_wasm ? builtManifest.files[lm.on_wasm]?.path : lm?.path) ?? 'unknown';
const report = {
  set: values.set,
  measured_at: new Date().toISOString(),
  cross_origin_isolated: isolated,
  cores,
  wasm_graph: wasmGraph,
  reopen: values.reopen,
  pause_s: Number(values.pause),
  runs: figures,
};
const out = resolve(values.out);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
console.log(JSON.stringify(report, null, 2));
