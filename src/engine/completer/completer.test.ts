/** Streaming, cancellation and serialisation of the completer, on the shipped models (public/models) in Node. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelError } from '../errors.ts';
import { ModelHost } from '../model-host.ts';
import { fetchWithFiles, manifestLocation } from '../node-fetch.ts';
import { Completer } from './completer.ts';
import { greedyGenerate } from './generate.ts';
import { shownCompletion } from './stop-rules.ts';
import { MemoryVectorCache } from './vector-cache.ts';

const manifest = fileURLToPath(new URL('../../../public/models/manifest.json', import.meta.url));
const PREFIX = readFileSync(fileURLToPath(new URL('../../core/tasks/golden/fixtures/families.py', import.meta.url)), 'utf8').slice(0, 400);

describe('completer', () => {
  let host: ModelHost;
  let completer: Completer;

  beforeAll(async () => {
    ort.env.wasm.numThreads = 1;
    host = new ModelHost({ fetchFn: fetchWithFiles });
    completer = new Completer(host, new MemoryVectorCache());
    await completer.prepare(manifestLocation(manifest));
  }, 120_000);

  afterAll(() => host?.dispose());

  it('streams the first line as it grows and ends with the result', async () => {
    const streamed: string[] = [];
    const result = await completer.complete({ prefix: PREFIX, method: 'base', maxNewTokens: 8 }, (t) => streamed.push(t));
    expect(result.newTokens).toBeGreaterThan(0);
    expect(result.newTokens).toBeLessThanOrEqual(8);
    expect(result.text).not.toContain('\n');
    expect(result.rawText).toContain(result.text);
    expect(streamed.at(-1) ?? '').toBe(result.text);
    for (let i = 1; i < streamed.length; i++) expect(streamed[i]?.startsWith(streamed[i - 1] ?? '')).toBe(true);
    expect(host.residentLocations()).toEqual({}); // the KV cache is released after each completion
  });

  it('ends decoding when the expression-end check says so, and shows the cut text', async () => {
    const { shape, stops, tokenizer } = completer.state;
    const lora = completer.state.zeroLora;
    const free = await greedyGenerate(host, shape, { prompt: [1, 2, 3], lora, maxNewTokens: 6, stops: new Set() });
    expect(free.ids).toHaveLength(6);
    const ended = await greedyGenerate(host, shape, {
      prompt: [1, 2, 3], lora, maxNewTokens: 6, stops: new Set(), endsAt: (ids) => ids.length === 2,
    });
    expect(ended.ids).toEqual(free.ids.slice(0, 2));
    const result = await completer.complete({ prefix: PREFIX, method: 'base', maxNewTokens: 16 });
    expect(result.text).toBe(shownCompletion(PREFIX, result.rawText));
    expect(stops.size).toBeGreaterThan(0);
    expect(tokenizer.decode([], true)).toBe('');
  });

  it('cancel() stops a completion with code "cancelled"; the next one runs normally', async () => {
    const reference = await completer.complete({ prefix: PREFIX, method: 'base', maxNewTokens: 4 });
    let tokens = 0;
    const cancelled = completer.complete({ prefix: PREFIX, method: 'base', maxNewTokens: 64 }, () => {
      if (++tokens === 1) void completer.cancel();
    });
    await expect(cancelled).rejects.toSatisfy((e: unknown) => e instanceof ModelError && e.code === 'cancelled');
    const again = await completer.complete({ prefix: PREFIX, method: 'base', maxNewTokens: 4 });
    expect(again.rawText).toBe(reference.rawText);
  }, 60_000);

  it('runs concurrent requests one at a time with the same results', async () => {
    const [a, b] = await Promise.all([
      completer.complete({ prefix: PREFIX, method: 'base', maxNewTokens: 3 }),
      completer.complete({ prefix: PREFIX.slice(0, 200), method: 'base', maxNewTokens: 3 }),
    ]);
    expect((await completer.complete({ prefix: PREFIX, method: 'base', maxNewTokens: 3 })).rawText).toBe(a.rawText);
    expect((await completer.complete({ prefix: PREFIX.slice(0, 200), method: 'base', maxNewTokens: 3 })).rawText).toBe(b.rawText);
  }, 60_000);

  it('refuses an adapted completion without an adapter', async () => {
    await expect(completer.complete({ prefix: PREFIX, method: 'static', adapterId: 'nope' })).rejects.toSatisfy(
      (e: unknown) => e instanceof ModelError && e.code === 'not-loaded',
    );
  });
});
