/**
 * Builds the harness page (Vite, into a temporary folder) and serves it on 127.0.0.1 with a model folder and
 * named workloads (/input-<name>.json), then runs one request in headless Chromium. Used by `npm run bench` and
 * e2e/completer.e2e.ts; not part of the app.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { build } from 'vite';
import type { BenchInput } from '../../engine/completer/benchmark.ts';
import type { BenchReply } from './protocol.ts';

const PAGE_ROOT = fileURLToPath(new URL('./', import.meta.url));
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
};

export interface Harness {
  url: string;
  run(browser: Browser, query: { backend: 'wasm' | 'webgpu'; mode: 'bench' | 'complete'; input: string }, timeoutMs: number): Promise<BenchReply & { userAgent: string }>;
  close(): Promise<void>;
}

export async function startHarness(modelsDir: string, workloads: Record<string, BenchInput>): Promise<Harness> {
  const pageDir = mkdtempSync(join(tmpdir(), 'completer-harness-'));
  await build({
    configFile: false,
    root: PAGE_ROOT,
    base: './',
    logLevel: 'error',
    worker: { format: 'es' },
    optimizeDeps: { exclude: ['onnxruntime-web'] },
    build: { outDir: pageDir, emptyOutDir: true, target: 'es2022', reportCompressedSize: false },
  });
  const server: Server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://127.0.0.1').pathname);
    if (path.startsWith('/input-')) {
      const workload = workloads[path.slice('/input-'.length).replace(/\.json$/, '')];
      response.writeHead(workload ? 200 : 404, { 'content-type': 'application/json' }).end(JSON.stringify(workload ?? null));
      return;
    }
    const [base, rest] = path.startsWith('/models/') ? [modelsDir, path.slice('/models/'.length)] : [pageDir, path.slice(1) || 'index.html'];
    const file = normalize(join(base, rest));
    if (!file.startsWith(normalize(base)) || !existsSync(file)) {
      response.writeHead(404).end();
      return;
    }
    // Not cross-origin isolated: in this page's build, onnxruntime-web's thread workers get no script URL
    // (a request for assets/undefined, then a hang), so the harness measures one WASM thread; the app runs more.
    response.writeHead(200, { 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the harness server has no address');
  const url = `http://127.0.0.1:${address.port}`;
  return {
    url,
    async run(browser, query, timeoutMs) {
      const page = await browser.newPage();
      try {
        await page.goto(`${url}/index.html?backend=${query.backend}&mode=${query.mode}&input=${query.input}`);
        await page.waitForFunction(() => window.benchResult !== undefined, undefined, { timeout: timeoutMs, polling: 500 });
        const reply = (await page.evaluate(() => window.benchResult)) as BenchReply;
        return { ...reply, userAgent: await page.evaluate(() => navigator.userAgent) };
      } finally {
        await page.close();
      }
    },
    async close() {
      await new Promise<void>((done) => server.close(() => done()));
      rmSync(pageDir, { recursive: true, force: true });
    },
  };
}
