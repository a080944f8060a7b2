/**
 * The TypeScript engine on the pretrained base against the Python scorer, in CI: the committed sample
 * (scripts/make-base-parity-sample.ts: a CR test repository's tasks and the Python completions of a few of them)
 * completed by the Completer over public/models/base (made by `npm run models:base`, which `npm test` runs first)
 * must give exactly the Python completions, for the base, the single shared LoRA and the repository's tests in the
 * prompt. `npm run cr-parity` is the same comparison on 213 tasks (benchmarks/cr-parity-base*.json).
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import * as ort from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_METHODS, SAMPLE_PATH, type BaseParitySample } from '../../../scripts/make-base-parity-sample.ts';
import { pythonShown, pythonSystemOf } from '../../../scripts/cr-parity.ts';
import { ModelHost } from '../model-host.ts';
import { fetchWithFiles, manifestLocation } from '../node-fetch.ts';
import { Completer } from './completer.ts';
import { evaluateTasks } from './evaluate.ts';
import { MemoryVectorCache } from './vector-cache.ts';

const BASE_MANIFEST = fileURLToPath(new URL('../../../public/models/base/manifest.json', import.meta.url));
const sample = JSON.parse(gunzipSync(readFileSync(SAMPLE_PATH)).toString('utf8')) as BaseParitySample;

describe('the pretrained base in TypeScript completes like the Python scorer', () => {
  let host: ModelHost;
  let completer: Completer;

  beforeAll(async () => {
    if (!existsSync(BASE_MANIFEST)) throw new Error('public/models/base is missing: make it with npm run models:base');
    ort.env.wasm.numThreads = 1;
    // The sample's Python completions are the float model's: run the float graph on WASM too.
    host = new ModelHost({ fetchFn: fetchWithFiles, floatOnWasm: true });
    completer = new Completer(host, new MemoryVectorCache());
    await completer.prepare(manifestLocation(BASE_MANIFEST));
  }, 180_000);

  afterAll(async () => {
    await host?.dispose();
  });

  it(`identical completions on ${Object.keys(sample.python).length} CR test tasks of ${sample.repo}, per method`, async () => {
    // The sample must be of the Python systems this model set's methods are (memory with or without memory_lora).
    const files = (JSON.parse(readFileSync(BASE_MANIFEST, 'utf8')) as { files: Record<string, unknown> }).files;
    for (const method of SAMPLE_METHODS) {
      expect(sample.systems?.[method] ?? pythonSystemOf(method), `remake the sample (npm run make-base-parity-sample)`).toBe(
        pythonSystemOf(method, files),
      );
    }
    const tasks = sample.pool.filter((t) => t.id in sample.python);
    const { predictions } = await evaluateTasks(completer, [], tasks, [...SAMPLE_METHODS], undefined, sample.pool);
    for (const method of SAMPLE_METHODS) {
      for (const task of tasks) {
        const python = pythonShown(task.prefix, sample.python[task.id]?.[method]);
        expect(predictions[method]?.[task.id], `${method} ${task.id}`).toBe(python);
      }
    }
  }, 600_000);
});
