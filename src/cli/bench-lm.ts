/**
 * Speed of the LM graph in Node with onnxruntime-web (wasm): prefill tokens/s and decode ms/token with the KV
 * cache, beside the memory-bandwidth bound measured in the same run: every decode step reads all the weights as the
 * graph holds them (float32, or the 8-bit graph's int8 codes with their column scales and sums), so bound ms/token
 * = weight bytes / bandwidth, with the bandwidth of a large typed-array copy on this machine (bytes read + written
 * over the time).
 *
 *   npm run bench:lm -- [--prefill 256] [--decode 32] [--threads 1] [--repeats 3] [--models DIR] [--graph lm|lm_int8|lm_q4]
 *                       [--optimization disabled|basic|extended|all] [--execution parallel|sequential]
 *
 * --graph defaults to the graph the app runs on WASM (the manifest's `on_wasm` for lm, else lm).
 *
 * Prints a benchmark, not a test: the numbers depend on the machine and on what else it is running.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-web';
import { argmaxLastRow } from '../engine/completer/generate.ts';
import { externalDataOf } from '../engine/external-data.ts';
import { executionModeFor } from '../engine/session.ts';
import { copyBandwidthGBs, lmWeightBytes } from '../engine/completer/bandwidth.ts';
import { parseManifest } from '../engine/manifest.ts';
import { emptyPast, lmShapeFromConfig, loraFeeds, pastFromPresent, tokenFeeds, zeroLora } from './lm-feeds.ts';

const { values } = parseArgs({
  options: {
    prefill: { type: 'string', default: '256' },
    decode: { type: 'string', default: '32' },
    threads: { type: 'string', default: '1' },
    repeats: { type: 'string', default: '3' },
    rank: { type: 'string', default: '8' },
    models: { type: 'string' },
    // onnxruntime's graph optimisation level; the app uses 'all' (src/engine/session.ts).
    optimization: { type: 'string', default: 'all' },
    // onnxruntime's execution mode; the default is the app's on WASM (src/engine/session.ts says why).
    execution: { type: 'string', default: executionModeFor('wasm') },
    graph: { type: 'string' },
  },
});
const OPTIMIZATION_LEVELS = ['disabled', 'basic', 'extended', 'all'] as const;
type OptimizationLevel = (typeof OPTIMIZATION_LEVELS)[number];
const isOptimizationLevel = (value: string): value is OptimizationLevel =>
  (OPTIMIZATION_LEVELS as readonly string[]).includes(value);
const optimization = values.optimization;
if (!isOptimizationLevel(optimization)) {
  throw new Error(`--optimization must be one of ${OPTIMIZATION_LEVELS.join(', ')}, not ${optimization}`);
}
const execution = values.execution;
if (execution !== 'sequential' && execution !== 'parallel') {
  throw new Error(`--execution must be sequential or parallel, not ${execution}`);
}
const prefillTokens = Number(values.prefill);
const decodeTokens = Number(values.decode);
const repeats = Number(values.repeats);
const rank = Number(values.rank);

// The folder holding manifest.json and lm.onnx: public/models unless --models names another.
const modelsDir = values.models
  ? pathToFileURL(`${values.models.replace(/\/+$/, '')}/`)
  : new URL('../../public/models/', import.meta.url);
const manifest = parseManifest(readFileSync(new URL('manifest.json', modelsDir), 'utf8'));
const shape = lmShapeFromConfig(manifest.config);
ort.env.wasm.numThreads = Number(values.threads);

const graphName = values.graph ?? manifest.files.lm?.onWasm ?? 'lm';
const lmFile = manifest.files[graphName];
if (!lmFile) throw new Error(`the manifest lists no ${graphName} graph`);
const loadStart = performance.now();
// The base's weights are GGUF blocks beside the graph: expanding them is part of the load, as in the app.
const externalData = await externalDataOf(lmFile, async (name) => {
  const file = manifest.files[name];
  if (!file) throw new Error(`the manifest lists no ${name}`);
  return readFileSync(new URL(file.path, modelsDir));
});
const expandMs = performance.now() - loadStart;
const graphBytes = readFileSync(new URL(lmFile.path, modelsDir));
const createStart = performance.now();
const session = await ort.InferenceSession.create(graphBytes, {
  executionProviders: ['wasm'],
  graphOptimizationLevel: optimization,
  executionMode: execution,
  ...(externalData ? { externalData } : {}),
});
const createMs = performance.now() - createStart;
const loadMs = performance.now() - loadStart;
const lora = loraFeeds(shape, zeroLora(shape, rank), rank);
// A fixed pseudo-random prompt (the speed does not depend on which ids).
const prompt = Array.from({ length: prefillTokens }, (_, i) => (i * 7919 + 13) % shape.vocab_size);

const prefillMs: number[] = [];
const decodeMsPerToken: number[] = [];
for (let r = 0; r < repeats; r++) {
  let start = performance.now();
  let outputs = await session.run({ ...tokenFeeds(prompt, 0), ...emptyPast(shape), ...lora });
  prefillMs.push(performance.now() - start);
  start = performance.now();
  let next = 0;
  for (let t = 0; t < decodeTokens; t++) {
    const logits = outputs.logits;
    if (!logits) throw new Error('lm.onnx returned no logits');
    next = argmaxLastRow({ type: 'float32', data: logits.data as Float32Array, dims: [...logits.dims] }, shape.vocab_size);
    outputs = await session.run({ ...tokenFeeds([next], prefillTokens + t), ...pastFromPresent(shape, outputs), ...lora });
  }
  decodeMsPerToken.push((performance.now() - start) / decodeTokens);
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const prefill = median(prefillMs);
const decode = median(decodeMsPerToken);

// A decode step reads every weight once: for the base's graphs, their external data as the app makes it (float32;
// the 8-bit graph's codes, column scales and sums; the 4-bit graph's codes, block scales and offsets beside its
// float32 embedding), with a few bytes of alignment; for a graph with its weights inside, 4 bytes per parameter.
const weightBytes = lmFile.external?.bytes ?? lmWeightBytes(manifest.config) ?? NaN;
const bandwidth = copyBandwidthGBs(256);
const boundMs = (weightBytes / (bandwidth * 1e9)) * 1000;
console.log(
  JSON.stringify(
    {
      model: lmFile.path,
      runtime: `onnxruntime-web ${ort.env.versions.web ?? ''} wasm, ${values.threads} thread(s), Node ${process.version}`,
      session_load_ms: Math.round(loadMs),
      of_which_expanding_blocks_ms: Math.round(expandMs),
      of_which_session_create_ms: Math.round(createMs),
      graph_optimization: optimization,
      execution_mode: execution,
      peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1e3),
      prefill_tokens: prefillTokens,
      prefill_ms: Math.round(prefill),
      prefill_tokens_per_s: Math.round((prefillTokens / prefill) * 1000),
      decode_tokens: decodeTokens,
      decode_ms_per_token: Number(decode.toFixed(2)),
      weight_mb_read_per_token: Math.round(weightBytes / 1e6),
      copy_bandwidth_gb_s: Number(bandwidth.toFixed(1)),
      decode_bound_ms_per_token: Number(boundMs.toFixed(2)),
      decode_vs_bound: Number((decode / boundMs).toFixed(2)),
      download_mb: Math.round(
        [lmFile, ...(lmFile.external ? [manifest.files[lmFile.external.blocksFile]] : [])].reduce(
          (sum, file) => sum + (file?.bytes ?? 0),
          0,
        ) / 1e6,
      ),
      repeats,
    },
    null,
    2,
  ),
);
