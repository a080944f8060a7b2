/**
 * `npm run bench`: the completer's speed in Node (onnxruntime-web, WASM) and in headless Chromium (WASM and
 * WebGPU, the app's worker setup): repository encoding tokens/s, adapter generation ms, time to first token,
 * prefill tokens/s and decode ms/token for base, adapted and RAG prompts, peak memory (Node). Prints figures and
 * writes them to benchmarks/completer.json; it never fails on speed.
 *
 *   npm run bench -- [--repo <path or git dir>] [--targets node,wasm,webgpu] [--prompts 4] [--max-new 16]
 *
 * The repository defaults to the demo repository (`npm run demo` builds it). WebGPU in headless Chromium is
 * SwiftShader (software) here: it gets a smaller workload, and proves the path rather than measuring a GPU.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-web';
import { build } from 'vite';
import { launchBrowser } from '../../e2e/support/browser.ts';
import { isTestFile } from '../core/python/file-roles.ts';
import { loadPythonParserNode } from '../core/python/parser-node.ts';
import { extractTasks } from '../core/tasks/extract.ts';
import { runBenchmark, type BenchFigures, type BenchInput } from '../engine/completer/benchmark.ts';
import { Completer } from '../engine/completer/completer.ts';
import { repositoryPythonFiles } from '../engine/completer/node/repo-files.ts';
import { MemoryVectorCache } from '../engine/completer/vector-cache.ts';
import { ModelHost } from '../engine/model-host.ts';
import { fetchWithFiles, manifestLocation } from '../engine/node-fetch.ts';
import type { BenchReply } from './bench-page/protocol.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const { values } = parseArgs({
  options: {
    repo: { type: 'string', default: join(ROOT, '.cache', 'demo', 'served', 'unitkit.git') },
    targets: { type: 'string', default: 'node,wasm,webgpu' },
    prompts: { type: 'string', default: '4' },
    'max-new': { type: 'string', default: '16' },
    'adapter-repeats': { type: 'string', default: '5' },
    models: { type: 'string', default: join(ROOT, 'public', 'models') },
    out: { type: 'string', default: join(ROOT, 'benchmarks', 'completer.json') },
  },
});
const modelsDir = resolve(values.models ?? '');
if (!existsSync(values.repo ?? '')) {
  console.error(`bench: no repository at ${values.repo} (run \`npm run demo\` for the demo repository, or pass --repo)`);
  process.exit(2);
}

const files = repositoryPythonFiles(values.repo ?? '');
const parser = await loadPythonParserNode();
const allPrefixes = files.filter((f) => isTestFile(f.path)).flatMap((f) => extractTasks(parser, f.path, f.text).map((t) => t.prefix));
// Spread over the repository's tasks: short and long prompts alike.
const count = Number(values.prompts);
const step = Math.max(1, Math.floor(allPrefixes.length / count));
const input: BenchInput = {
  files,
  prefixes: allPrefixes.filter((_, i) => i % step === 0).slice(0, count),
  adapterRepeats: Number(values['adapter-repeats']),
  maxNewTokens: Number(values['max-new']),
};
/** SwiftShader WebGPU is 100-300x slower than WASM here: a few files, one prompt, a few tokens. */
const smallInput: BenchInput = {
  files: files.filter((f) => isTestFile(f.path) || files.indexOf(f) < 4).slice(0, 8),
  prefixes: input.prefixes.slice(0, 1),
  adapterRepeats: 2,
  maxNewTokens: 4,
};

interface TargetResult {
  target: string;
  runtime: string;
  backend?: string;
  prepareMs: number;
  peakRssMb: number | null;
  workload: { files: number; prompts: number; maxNewTokens: number };
  figures?: BenchFigures;
  error?: string;
}

async function inNode(): Promise<TargetResult> {
  ort.env.wasm.numThreads = 1;
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 25);
  const host = new ModelHost({ fetchFn: fetchWithFiles });
  const completer = new Completer(host, new MemoryVectorCache());
  const start = performance.now();
  await completer.prepare(manifestLocation(join(modelsDir, 'manifest.json')));
  const prepareMs = performance.now() - start;
  const figures = await runBenchmark(completer, input);
  clearInterval(sampler);
  await host.dispose();
  return {
    target: 'node',
    runtime: `Node ${process.version}, onnxruntime-web ${ort.env.versions.web ?? ''} wasm, 1 thread`,
    backend: 'wasm',
    prepareMs,
    peakRssMb: peak / 2 ** 20,
    workload: { files: input.files.length, prompts: input.prefixes.length, maxNewTokens: input.maxNewTokens },
    figures,
  };
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
};

/** The harness page (built into a temporary folder), the model files, and the workload, on 127.0.0.1. */
async function serveHarness(pageDir: string, workloads: Record<string, BenchInput>): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    const [base, rest] = path.startsWith('/models/') ? [modelsDir, path.slice('/models/'.length)] : [pageDir, path.slice(1) || 'index.html'];
    if (path.startsWith('/input-')) {
      const workload = workloads[path.slice('/input-'.length).replace(/\.json$/, '')];
      response.writeHead(workload ? 200 : 404, { 'content-type': 'application/json' }).end(JSON.stringify(workload ?? null));
      return;
    }
    const file = normalize(join(base, rest));
    if (!file.startsWith(base) || !existsSync(file)) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no server address');
  return { url: `http://127.0.0.1:${address.port}`, server };
}

async function inChromium(targets: string[]): Promise<TargetResult[]> {
  const pageDir = mkdtempSync(join(tmpdir(), 'completer-bench-'));
  const results: TargetResult[] = [];
  try {
    await build({
      configFile: false,
      root: join(ROOT, 'src', 'cli', 'bench-page'),
      base: './',
      logLevel: 'warn',
      worker: { format: 'es' },
      build: { outDir: pageDir, emptyOutDir: true, target: 'es2022' },
    });
    const { url, server } = await serveHarness(pageDir, { wasm: input, webgpu: smallInput });
    const browser = await launchBrowser();
    try {
      for (const target of targets) {
        const workload = target === 'webgpu' ? smallInput : input;
        const page = await browser.newPage();
        await page.goto(`${url}/index.html?backend=${target}&input=${target}`);
        await page.waitForFunction(() => window.benchResult !== undefined, undefined, { timeout: 60 * 60_000, polling: 1000 });
        const reply = (await page.evaluate(() => window.benchResult)) as BenchReply;
        const userAgent = await page.evaluate(() => navigator.userAgent);
        await page.close();
        results.push({
          target: `chromium-${target}`,
          runtime: `headless ${userAgent.match(/Chrome\/[\d.]+/)?.[0] ?? 'Chromium'}, onnxruntime-web ${ort.env.versions.web ?? ''}`,
          backend: reply.ok ? `${reply.backend.backend} (${reply.backend.reason})` : undefined,
          prepareMs: reply.ok ? reply.prepareMs : NaN,
          peakRssMb: null,
          workload: { files: workload.files.length, prompts: workload.prefixes.length, maxNewTokens: workload.maxNewTokens },
          figures: reply.ok ? reply.figures : undefined,
          error: reply.ok ? undefined : reply.error,
        });
      }
    } finally {
      await browser.close();
      server.close();
    }
  } finally {
    rmSync(pageDir, { recursive: true, force: true });
  }
  return results;
}

const f = (x: number | null | undefined, digits = 1): string => (x === null || x === undefined || Number.isNaN(x) ? 'n/a' : x.toFixed(digits));

function table(results: TargetResult[]): string {
  const lines = [
    '| target | encode tok/s | adapter ms | method | prompt tok | TTFT ms | prefill tok/s | decode ms/tok |',
    '|---|---:|---:|---|---:|---:|---:|---:|',
  ];
  for (const r of results) {
    if (!r.figures) {
      lines.push(`| ${r.target} | failed: ${r.error ?? 'unknown'} |||||||`);
      continue;
    }
    for (const [i, p] of r.figures.prompts.entries()) {
      const head = i === 0 ? `| ${r.target} | ${f(r.figures.encode.tokensPerS, 0)} | ${f(r.figures.adapterMs, 2)} ` : '| | | ';
      lines.push(`${head}| ${p.method} | ${f(p.meanPromptTokens, 0)} | ${f(p.firstTokenMs)} | ${f(p.prefillTokensPerS, 0)} | ${f(p.decodeMsPerToken, 2)} |`);
    }
  }
  return lines.join('\n');
}

const targets = (values.targets ?? '').split(',').filter(Boolean);
const results: TargetResult[] = [];
if (targets.includes('node')) {
  console.error('bench: node ...');
  results.push(await inNode());
}
const browserTargets = targets.filter((t) => t === 'wasm' || t === 'webgpu');
if (browserTargets.length) {
  console.error(`bench: chromium ${browserTargets.join(', ')} ...`);
  results.push(...(await inChromium(browserTargets)));
}

console.log(table(results));
for (const r of results) {
  if (!r.figures) continue;
  console.log(
    `${r.target}: TTFT adapted/base ${f(r.figures.adaptedOverBaseFirstToken, 2)}, RAG/base ${f(r.figures.ragOverBaseFirstToken, 2)}, ` +
      `prepare ${f(r.prepareMs, 0)} ms, peak RSS ${f(r.peakRssMb, 0)} MB, Evo step ${r.figures.evoStepMs === null ? 'n/a (no Evo graphs)' : f(r.figures.evoStepMs, 2)}`,
  );
}
const manifest = JSON.parse(readFileSync(join(modelsDir, 'manifest.json'), 'utf8')) as { files: Record<string, { sha256: string }> };
mkdirSync(join(values.out ?? '', '..'), { recursive: true });
writeFileSync(
  values.out ?? '',
  JSON.stringify(
    {
      date: new Date().toISOString(),
      repository: basename(values.repo ?? ''),
      models: Object.fromEntries(Object.entries(manifest.files).map(([k, v]) => [k, v.sha256.slice(0, 12)])),
      results,
    },
    null,
    1,
  ) + '\n',
);
console.error(`wrote ${values.out}`);
