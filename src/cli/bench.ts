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
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-web';
import { launchBrowser } from '../../e2e/support/browser.ts';
import { isTestFile } from '../core/python/file-roles.ts';
import { loadPythonParserNode } from '../core/python/parser-node.ts';
import { extractTasks } from '../core/tasks/extract.ts';
import type { MemoryTask } from '../core/memory/index.ts';
import { runBenchmark, type BenchFigures, type BenchInput } from '../engine/completer/benchmark.ts';
import { Completer } from '../engine/completer/completer.ts';
import { repositoryPythonFiles } from '../engine/completer/node/repo-files.ts';
import { MemoryVectorCache } from '../engine/completer/vector-cache.ts';
import { ModelHost } from '../engine/model-host.ts';
import { fetchWithFiles, manifestLocation } from '../engine/node-fetch.ts';
import { startHarness } from './bench-page/harness.ts';

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
const allTasks: MemoryTask[] = files
  .filter((f) => isTestFile(f.path))
  .flatMap((f) => extractTasks(parser, f.path, f.text))
  .map((t) => ({ id: `${t.path}:${t.line}:${t.column}`, path: t.path, line: t.line, prefix: t.prefix, target: t.target }));
// Spread over the repository's tasks: short and long prompts alike.
const count = Number(values.prompts);
const step = Math.max(1, Math.floor(allTasks.length / count));
const chosen = allTasks.filter((_, i) => i % step === 0).slice(0, count);
const input: BenchInput = {
  files,
  prefixes: chosen.map((t) => t.prefix),
  adapterRepeats: Number(values['adapter-repeats']),
  maxNewTokens: Number(values['max-new']),
  // The repository's tests in the prompt: each chosen assertion recalls from every other one.
  memory: { queries: chosen, pool: allTasks },
};
/** SwiftShader WebGPU is 100-300x slower than WASM here: a few files, one prompt, a few tokens. */
const smallInput: BenchInput = {
  files: [...files.filter((f) => !isTestFile(f.path)).slice(0, 3), ...files.filter((f) => isTestFile(f.path)).slice(0, 3)],
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

async function inChromium(targets: string[]): Promise<TargetResult[]> {
  const harness = await startHarness(modelsDir, { wasm: input, webgpu: smallInput });
  const browser = await launchBrowser();
  const results: TargetResult[] = [];
  try {
    for (const target of targets as ('wasm' | 'webgpu')[]) {
      const workload = target === 'webgpu' ? smallInput : input;
      const reply = await harness.run(browser, { backend: target, mode: 'bench', input: target }, 60 * 60_000);
      results.push({
        target: `chromium-${target}`,
        runtime: `headless ${reply.userAgent.match(/Chrome\/[\d.]+/)?.[0] ?? 'Chromium'}, onnxruntime-web ${ort.env.versions.web ?? ''}${reply.ok ? `, WASM ${reply.wasmThreads} thread(s)` : ''}`,
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
    await harness.close();
  }
  return results;
}

const f = (x: number | null | undefined, digits = 1): string => (x === null || x === undefined || Number.isNaN(x) ? 'n/a' : x.toFixed(digits));

function table(results: TargetResult[]): string {
  const lines = [
    '| target | encode tok/s | adapter ms | method | prompt tok | TTFT ms | prefill tok/s | decode ms/tok | decode / bound |',
    '|---|---:|---:|---|---:|---:|---:|---:|---:|',
  ];
  for (const r of results) {
    if (!r.figures) {
      lines.push(`| ${r.target} | failed: ${r.error ?? 'unknown'} ||||||||`);
      continue;
    }
    for (const [i, p] of r.figures.prompts.entries()) {
      const head = i === 0 ? `| ${r.target} | ${(r.figures.encode.files ? f(r.figures.encode.tokensPerS, 0) : "n/a")} | ${f(r.figures.adapterMs, 2)} ` : '| | | ';
      lines.push(`${head}| ${p.method} | ${f(p.meanPromptTokens, 0)} | ${f(p.firstTokenMs)} | ${f(p.prefillTokensPerS, 0)} | ${f(p.decodeMsPerToken, 2)} | ${f(p.decodeOverBound, 2)} |`);
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
    `${r.target} (${r.runtime}): TTFT adapted/base ${f(r.figures.adaptedOverBaseFirstToken, 2)}, RAG/base ${f(r.figures.ragOverBaseFirstToken, 2)}, tests in prompt/adapter alone ${f(r.figures.memoryOverAdapterFirstToken, 2)}, ` +
      `decode bound ${r.figures.bound ? `${f(r.figures.bound.boundMs, 2)} ms/token (${f(r.figures.bound.weightBytes / 1e6, 0)} MB of float32 weights at ${f(r.figures.bound.bandwidthGBs, 1)} GB/s)` : 'n/a'}, ` +
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
