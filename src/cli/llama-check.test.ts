/**
 * The GGUF adapter the app saves, loaded by llama.cpp next to the pinned base, completes like the app (issue 19), in
 * CI on the committed CR test sample (scripts/make-base-parity-sample.ts). Needs public/models/base
 * (`npm run models:base`), the llama.cpp runner (`npm install` in scripts/llama-reference) and the float32 rewrite
 * of the base (`/usr/bin/python3 -m models.base.f32_gguf`); scripts/test-all.sh makes all three first.
 * `npm run llama-check` is the same comparison on more tasks (benchmarks/llama-check-*.json).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import * as ort from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_PATH, type BaseParitySample } from '../../scripts/make-base-parity-sample.ts';
import { Completer } from '../engine/completer/completer.ts';
import { MemoryVectorCache } from '../engine/completer/vector-cache.ts';
import { ModelHost } from '../engine/model-host.ts';
import { fetchWithFiles, manifestLocation } from '../engine/node-fetch.ts';
import { cutAtStop } from '../engine/completer/stop-rules.ts';
import { BASE_FOLDER, changedByAdapter, compareWithLlama, runnerMissing } from './llama-reference.ts';

const BASE_MANIFEST = fileURLToPath(new URL('../../public/models/base/manifest.json', import.meta.url));
const F32_BASE = join(BASE_FOLDER, 'model-f32.gguf');
const sample = JSON.parse(gunzipSync(readFileSync(SAMPLE_PATH)).toString('utf8')) as BaseParitySample;

describe('cutAtStop', () => {
  it('keeps the ids up to and including the first stop, or all of them', () => {
    const stops = new Set([7, 9]);
    expect(cutAtStop([1, 2, 9, 3, 7], stops)).toEqual([1, 2, 9]);
    expect(cutAtStop([1, 2, 3], stops)).toEqual([1, 2, 3]);
    expect(cutAtStop([7], stops)).toEqual([7]);
  });

  it('also ends where the expression-end check first holds, as the app\'s decoder does', () => {
    const stops = new Set([7]);
    expect(cutAtStop([1, 2, 3, 4, 7], stops, (ids) => ids.includes(3))).toEqual([1, 2, 3]);
    expect(cutAtStop([1, 7, 3], stops, (ids) => ids.includes(3))).toEqual([1, 7]);
  });
});

describe('llama.cpp with the app\'s GGUF adapter completes like the app', () => {
  let host: ModelHost;
  let completer: Completer;
  let work: string;

  beforeAll(async () => {
    if (!existsSync(BASE_MANIFEST)) throw new Error('public/models/base is missing: make it with npm run models:base');
    const missing = runnerMissing();
    if (missing) throw new Error(missing);
    if (!existsSync(F32_BASE)) throw new Error(`${F32_BASE} is missing: /usr/bin/python3 -m models.base.f32_gguf`);
    ort.env.wasm.numThreads = 1;
    // llama.cpp runs the float32 rewrite of the base, so the app's float graph is the one to compare with.
    host = new ModelHost({ fetchFn: fetchWithFiles, floatOnWasm: true });
    completer = new Completer(host, new MemoryVectorCache());
    await completer.prepare(manifestLocation(BASE_MANIFEST));
    work = mkdtempSync(join(tmpdir(), 'llama-check-test-'));
  }, 180_000);

  afterAll(async () => {
    if (work) rmSync(work, { recursive: true, force: true });
    await host?.dispose();
  });

  it(`the single LoRA on ${Object.keys(sample.python).length} CR test tasks of ${sample.repo}`, async () => {
    const tasks = sample.pool.filter((t) => t.id in sample.python);
    const saved = await completer.adapterFiles('single', { repository: sample.repo, commit: 'test' });
    const adapter = join(work, `${saved.stem}.gguf`);
    writeFileSync(adapter, saved.gguf);
    const rows = await compareWithLlama(completer, tasks, 'single', adapter, F32_BASE);
    for (const row of rows) expect(row.llama.rawText, row.id).toBe(row.app.rawText);
    expect(rows.every((r) => r.identical)).toBe(true);
    // Agreement must not be agreement of the base alone: the adapter changes what the base writes.
    expect(await changedByAdapter(completer, tasks, rows)).toBeGreaterThanOrEqual(2);
  }, 600_000);
});
