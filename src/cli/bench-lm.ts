/**
 * Speed of lm.onnx in Node with onnxruntime-web (wasm): prefill tokens/s and decode ms/token with the KV cache.
 *
 *   npm run bench:lm -- [--prefill 256] [--decode 32] [--threads 1] [--repeats 3] [--models DIR]
 *
 * Prints a benchmark, not a test: the numbers depend on the machine and on what else it is running.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-web';
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
  },
});
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

const loadStart = performance.now();
const session = await ort.InferenceSession.create(readFileSync(new URL('lm.onnx', modelsDir)), {
  executionProviders: ['wasm'],
});
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
    const logits = outputs.logits?.data as Float32Array;
    next = argmaxLastRow(logits, shape.vocab_size);
    outputs = await session.run({ ...tokenFeeds([next], prefillTokens + t), ...pastFromPresent(shape, outputs), ...lora });
  }
  decodeMsPerToken.push((performance.now() - start) / decodeTokens);
}

function argmaxLastRow(logits: Float32Array, vocab: number): number {
  const offset = logits.length - vocab;
  let best = 0;
  for (let i = 1; i < vocab; i++) if ((logits[offset + i] ?? -Infinity) > (logits[offset + best] ?? -Infinity)) best = i;
  return best;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const prefill = median(prefillMs);
const decode = median(decodeMsPerToken);
console.log(
  JSON.stringify(
    {
      model: 'lm.onnx',
      runtime: `onnxruntime-web ${ort.env.versions.web ?? ''} wasm, ${values.threads} thread(s), Node ${process.version}`,
      session_load_ms: Math.round(loadMs),
      prefill_tokens: prefillTokens,
      prefill_ms: Math.round(prefill),
      prefill_tokens_per_s: Math.round((prefillTokens / prefill) * 1000),
      decode_tokens: decodeTokens,
      decode_ms_per_token: Number(decode.toFixed(2)),
      repeats,
    },
    null,
    2,
  ),
);
