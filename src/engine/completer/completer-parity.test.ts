/**
 * The TypeScript completer reproduces the Python pipeline: the same repository embedding, the same Static adapter,
 * the same prompts (prefix tail, RAG windows) and the same greedy completions, for a tiny random LM and hypernetwork
 * that fixtures/parity_reference.py builds and exports with the project's own exporters.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPythonParserNode } from '../../core/python/parser-node.ts';
import { isTestFile } from '../../core/python/file-roles.ts';
import { extractTasks } from '../../core/tasks/extract.ts';
import { ModelHost } from '../model-host.ts';
import { fetchWithFiles, manifestLocation } from '../node-fetch.ts';
import type { Method, SourceFile } from './api.ts';
import { Completer } from './completer.ts';
import { directoryPythonFiles } from './node/repo-files.ts';
import { productionFiles } from './repo-encoder.ts';
import { cutAtStop, expressionEndCheck } from './stop-rules.ts';
import { MemoryVectorCache } from './vector-cache.ts';

interface Prediction {
  text: string;
  ids: number[];
  prompt: number[];
  min_gap: number;
}
interface Reference {
  embedding: number[];
  files_encoded: number;
  tokens_planned: number;
  lora: Record<string, number[]>;
  predictions: Record<'base' | 'static' | 'rag', Record<string, Prediction>>;
}

/** Greedy steps whose top-2 logits are closer than this may flip between runtimes: they are not compared. */
const SAFE_GAP = 1e-3;
const TASKS = 8;
const root = fileURLToPath(new URL('../../../', import.meta.url));

describe('completer parity with the Python pipeline', () => {
  let out: string;
  let reference: Reference;
  let files: SourceFile[];
  let tasks: { id: string; prefix: string }[];
  let host: ModelHost;
  let completer: Completer;

  beforeAll(async () => {
    // A real repository's worth of code: this project's Python side (its tests give the tasks).
    files = directoryPythonFiles(join(root, 'models')).filter((f) => !f.path.startsWith('.cache/'));
    const parser = await loadPythonParserNode();
    tasks = files
      .filter((f) => isTestFile(f.path))
      .flatMap((f) => extractTasks(parser, f.path, f.text))
      .filter((_, i) => i % 7 === 0)
      .slice(0, TASKS)
      .map((t, i) => ({ id: `${t.path}:${t.line}:${i}`, prefix: t.prefix }));
    const production = productionFiles(files).map((f) => [f.path, f.text]);
    out = mkdtempSync(join(tmpdir(), 'completer-parity-'));
    execFileSync('/usr/bin/python3', [join(root, 'src/engine/completer/fixtures/parity_reference.py'), out], {
      input: JSON.stringify({ files: production, tasks }),
      stdio: ['pipe', 'pipe', 'inherit'],
      env: { ...process.env, OMP_NUM_THREADS: '1' },
    });
    reference = JSON.parse(readFileSync(join(out, 'reference.json'), 'utf8')) as Reference;
    ort.env.wasm.numThreads = 1;
    host = new ModelHost({ fetchFn: fetchWithFiles });
    completer = new Completer(host, new MemoryVectorCache());
    await completer.prepare(manifestLocation(join(out, 'manifest.json')));
  }, 300_000);

  afterAll(async () => {
    await host?.dispose();
    if (out) rmSync(out, { recursive: true, force: true });
  });

  it('has tasks and a capped plan to test', () => {
    expect(tasks.length).toBe(TASKS);
    expect(reference.files_encoded).toBeGreaterThan(3);
    expect(reference.files_encoded).toBeLessThan(productionFiles(files).length);
  });

  it('embeds the repository like Python', async () => {
    const embedding = await completer.embed(files);
    expect(embedding.filesEncoded).toBe(reference.files_encoded);
    expect(embedding.tokensPlanned).toBe(reference.tokens_planned);
    const scale = Math.max(...reference.embedding.map(Math.abs));
    const worst = Math.max(...reference.embedding.map((x, i) => Math.abs(x - (embedding.vector[i] as number))));
    expect(worst / scale).toBeLessThan(1e-4);
  });

  it('makes the Static adapter like Python', async () => {
    const summary = await completer.adapterFromFiles(files);
    const values = completer.adapterValues(summary.id);
    for (const [name, expected] of Object.entries(reference.lora)) {
      const actual = values[name]?.data as Float32Array;
      expect(actual.length).toBe(expected.length);
      const scale = Math.max(...expected.map(Math.abs), 1e-6);
      const worst = Math.max(...expected.map((x, i) => Math.abs(x - (actual[i] as number))));
      expect(worst / scale, name).toBeLessThan(1e-3);
    }
    expect(summary.norms.q?.delta).toBeGreaterThan(0);
  });

  it('builds the same prompts and greedy completions for base, Static and RAG', async () => {
    const adapter = await completer.adapterFromFiles(files);
    let compared = 0;
    for (const method of ['base', 'static', 'rag'] as Method[]) {
      for (const task of tasks) {
        const expected = reference.predictions[method as 'base' | 'static' | 'rag'][task.id] as Prediction;
        const request = { prefix: task.prefix, method, adapterId: adapter.id, ragFiles: files };
        expect(completer.prompt(request), `${method} ${task.id} prompt`).toEqual(expected.prompt);
        if (expected.min_gap < SAFE_GAP) continue;
        const streamed: string[] = [];
        const result = await completer.complete(request, (text) => streamed.push(text));
        // Python decodes to the newline; the app also stops where the expression ends (the same rules): its ids
        // are Python's cut there.
        const { tokenizer, stops } = completer.state;
        const kept = cutAtStop(expected.ids, stops, expressionEndCheck(tokenizer, task.prefix));
        const text = kept.length === expected.ids.length ? expected.text : tokenizer.decode(kept, true);
        expect(result.rawText, `${method} ${task.id}`).toBe(text);
        expect(result.newTokens).toBe(kept.length);
        expect(streamed.at(-1) ?? '').toBe(result.text);
        compared++;
      }
    }
    expect(compared).toBeGreaterThanOrEqual(tasks.length * 2);
  }, 300_000);
});
