/**
 * Code2LoRA-Evo in the TypeScript engine against PyTorch: the three graphs (evo_init, evo_step, evo_heads) run
 * through the Completer (the code path of the model worker and the CLI) on the inputs of a parity reference
 * (models/evo/export_onnx.parity_reference): the states z_0..z_3 and the final adapter's leading values and sums.
 * First on tiny random graphs that fixtures/evo_graphs.py exports beside the shipped LM (also: diff texts pooled
 * like a snapshot, unmoved steps, eviction), then on the committed graphs and models/evo/parity/evo.json when the
 * model set has them.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeText } from '../../core/diff/index.ts';
import { ModelError } from '../errors.ts';
import { ModelHost } from '../model-host.ts';
import { fetchWithFiles, manifestLocation } from '../node-fetch.ts';
import { adapterCosine } from './adapter-summary.ts';
import type { SourceFile } from './api.ts';
import { Completer } from './completer.ts';
import { evaluateEvolution, type EvolutionCommit } from './evaluate-evolution.ts';
import { directoryPythonFiles } from './node/repo-files.ts';
import { MemoryVectorCache } from './vector-cache.ts';

interface ReferenceOutput {
  shape: number[];
  head: number[];
  sum: number;
  abs_sum: number;
}
interface EvoReference {
  input: { snapshot: number[]; diffs: number[][] };
  states: number[][];
  outputs: Record<string, ReferenceOutput>;
}

const root = fileURLToPath(new URL('../../../', import.meta.url));
const PREFIX = 'import unittest\n\nfrom pkg import parse\n\n\nclass TestParse(unittest.TestCase):\n    def test_one(self):\n        self.assertEqual(parse("1"), ';

const isCode = (code: string) => (e: unknown) => e instanceof ModelError && e.code === code;

async function prepared(manifestPath: string): Promise<{ host: ModelHost; completer: Completer }> {
  ort.env.wasm.numThreads = 1;
  const host = new ModelHost({ fetchFn: fetchWithFiles });
  const completer = new Completer(host, new MemoryVectorCache());
  await completer.prepare(manifestLocation(manifestPath));
  return { host, completer };
}

/** z_0 from the reference snapshot, then one step per reference diff: the adapter ids, oldest first. */
async function followReference(completer: Completer, reference: EvoReference): Promise<string[]> {
  const ids = [(await completer.evoStartFromEmbedding(Float32Array.from(reference.input.snapshot))).id];
  for (const diff of reference.input.diffs) {
    ids.push((await completer.evoStepFromEmbedding(ids.at(-1) as string, Float32Array.from(diff))).id);
  }
  return ids;
}

/** The static hypernetwork's parity tolerances (models/static/hypernet-parity.test.ts). */
async function expectReference(completer: Completer, reference: EvoReference): Promise<void> {
  const ids = await followReference(completer, reference);
  expect(ids.length).toBe(reference.states.length);
  reference.states.forEach((want, t) => {
    const state = completer.evoState(ids[t] as string);
    expect(state.length, `z_${t}`).toBe(want.length);
    want.forEach((v, i) => expect(Math.abs((state[i] as number) - v), `z_${t}[${i}]`).toBeLessThan(1e-5));
  });
  const values = await completer.loraValues(ids.at(-1) as string);
  expect(Object.keys(values).sort()).toEqual(Object.keys(reference.outputs).sort());
  for (const [name, want] of Object.entries(reference.outputs)) {
    const tensor = values[name];
    expect(tensor?.dims, name).toEqual(want.shape);
    const data = tensor?.data as Float32Array;
    want.head.forEach((v, i) => expect(Math.abs((data[i] as number) - v), `${name}[${i}]`).toBeLessThan(1e-5));
    let sum = 0;
    let absSum = 0;
    for (const v of data) {
      sum += v;
      absSum += Math.abs(v);
    }
    expect(Math.abs(absSum - want.abs_sum), name).toBeLessThan(1e-4 * Math.max(1, want.abs_sum));
    expect(Math.abs(sum - want.sum), name).toBeLessThan(1e-4 * Math.max(1, want.abs_sum));
  }
}

/** A seeded embedding-like vector (xorshift), for steps whose values do not matter. */
function noise(length: number, seed: number): Float32Array {
  let x = seed * 2654435761 + 1;
  return Float32Array.from({ length }, () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return ((x >>> 0) / 2 ** 32 - 0.5) * 2;
  });
}

describe('Code2LoRA-Evo on tiny random graphs', () => {
  let out: string;
  let reference: EvoReference;
  let host: ModelHost;
  let completer: Completer;

  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'evo-graphs-'));
    execFileSync('/usr/bin/python3', [join(root, 'src/engine/completer/fixtures/evo_graphs.py'), join(root, 'public/models'), out], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, OMP_NUM_THREADS: '1' },
    });
    reference = JSON.parse(readFileSync(join(out, 'evo.json'), 'utf8')) as EvoReference;
    ({ host, completer } = await prepared(join(out, 'manifest.json')));
  }, 300_000);

  afterAll(async () => {
    await host?.dispose();
    if (out) rmSync(out, { recursive: true, force: true });
  });

  it('follows the PyTorch states z_0..z_3 and gives its final adapter', async () => {
    await expectReference(completer, reference);
  }, 60_000);

  it('steps with a commit\'s changed production files pooled like a snapshot; test-only commits do not move it', async () => {
    const files = directoryPythonFiles(join(root, 'models/evo')).map((f) => ({ ...f, path: `pkg/${f.path}` }));
    const byPath = new Map(files.map((f) => [f.path, f]));
    const start = await completer.evoStart(files);
    expect(start.cosineToPrevious).toBeNull();
    expect(start.norms.q?.delta).toBeGreaterThan(0);

    const model = byPath.get('pkg/model.py') as SourceFile;
    const config = byPath.get('pkg/config.py') as SourceFile;
    const edited = model.text.replace('class GruCell', 'GATES = 3\n\n\nclass GruCell');
    const changes: SourceFile[] = [
      { path: model.path, oid: `${model.oid}:edited`, text: changeText(model.path, model.text, edited) },
      { path: config.path, oid: `${config.oid}:`, text: changeText(config.path, config.text, '') },
      { path: 'pkg/extra.py', oid: ':extra', text: changeText('pkg/extra.py', '', 'def extra():\n    return 1\n') },
      { path: 'pkg/test_evo.py', oid: 'x:y', text: 'def test_x():\n    assert 1 == 1\n' },
    ];
    expect(changes[0]?.text).toContain('GATES = 3');
    expect(changes[0]?.text.length).toBeLessThan(edited.length);
    expect(changes[1]?.text).toBe('# deleted file: pkg/config.py\n');

    const stepped = await completer.evoStep(start.id, { commit: 'c1', files: changes });
    const production = changes.slice(0, 3);
    const embedding = await completer.embed(production);
    expect(embedding.filesEncoded).toBe(3);
    const direct = await completer.evoStepFromEmbedding(start.id, embedding.vector);
    expect(completer.evoState(stepped.id)).toEqual(completer.evoState(direct.id));
    expect(stepped.cosineToPrevious).toBeGreaterThan(-1);
    expect(stepped.cosineToPrevious).toBeLessThan(1);

    const unmoved = await completer.evoStep(stepped.id, { commit: 'c2', files: changes.slice(3) });
    expect(unmoved.id).not.toBe(stepped.id);
    expect(unmoved.cosineToPrevious).toBe(1);
    expect(unmoved.norms).toEqual(stepped.norms);
    expect(completer.evoState(unmoved.id)).toEqual(completer.evoState(stepped.id));
    const none = await completer.evoStep(unmoved.id, { commit: 'c3', files: [] });
    expect(completer.evoState(none.id)).toEqual(completer.evoState(stepped.id));

    // An unmoved adapter's tensors are made when first used: the same completion as the adapter it repeats.
    const a = await completer.complete({ prefix: PREFIX, method: 'evo', adapterId: stepped.id, maxNewTokens: 3 });
    const b = await completer.complete({ prefix: PREFIX, method: 'evo', adapterId: none.id, maxNewTokens: 3 });
    expect(b.rawText).toBe(a.rawText);
  }, 120_000);

  it('keeps every state when adapters are evicted, and makes their tensors again from it', async () => {
    const dim = reference.input.snapshot.length;
    const first = await completer.evoStartFromEmbedding(noise(dim, 1));
    const firstValues = completer.adapterValues(first.id);
    const before = await completer.complete({ prefix: PREFIX, method: 'evo', adapterId: first.id, maxNewTokens: 3 });
    const chain = [first.id];
    for (let t = 0; t < 40; t++) chain.push((await completer.evoStepFromEmbedding(chain.at(-1) as string, noise(dim, t + 2))).id);
    expect(completer.residentAdapterIds()).not.toContain(first.id);
    expect(completer.residentAdapterIds().length).toBeLessThanOrEqual(32);
    expect(() => completer.adapterValues(first.id)).toThrow(ModelError);

    const again = await completer.loraValues(first.id);
    for (const [name, tensor] of Object.entries(firstValues)) expect(again[name]?.data, name).toEqual(tensor.data);
    const after = await completer.complete({ prefix: PREFIX, method: 'evo', adapterId: first.id, maxNewTokens: 3 });
    expect(after.rawText).toBe(before.rawText);
    expect(completer.residentAdapterIds().at(-1)).toBe(first.id);
    // Stepping on from an evicted adapter works too (its cosine needs its values back).
    const evicted = chain[1] as string;
    expect(completer.residentAdapterIds()).not.toContain(evicted);
    const next = await completer.evoStepFromEmbedding(evicted, noise(dim, 99));
    const recomputed = await completer.loraValues(evicted);
    expect(next.cosineToPrevious).toBeCloseTo(adapterCosine(completer.adapterValues(next.id), recomputed), 12);
  }, 120_000);

  it('scores the evolution track: Evo steps through every commit, tasks use the adapter that consumed theirs', async () => {
    const v1 = [{ path: 'pkg/a.py', oid: 'a1', text: 'def a():\n    return 1\n' }];
    const v2 = [{ path: 'pkg/a.py', oid: 'a2', text: 'def a():\n    return 2\n' }];
    const task = { id: 't1', prefix: PREFIX, target: '1' };
    const history: EvolutionCommit[] = [
      { commit: 'c1', files: v2, step: { commit: 'c1', files: [{ path: 'pkg/a.py', oid: 'a1:a2', text: v2[0]!.text }] }, tasks: [] },
      { commit: 'c2', files: v2, step: { commit: 'c2', files: [] }, tasks: [task] },
    ];
    const result = await evaluateEvolution(completer, v1, history, ['base', 'evo']);
    expect(result.commits.map((c) => [c.commit, c.tasks, c.changedFiles])).toEqual([['c1', 0, 1], ['c2', 1, 0]]);
    expect(result.commits[1]?.evoCosine).toBe(1);
    expect(result.scores.map((x) => [x.method, x.tasks])).toEqual([['base', 1], ['evo', 1]]);
    expect(Object.keys(result.predictions.evo ?? {})).toEqual(['t1']);
  }, 120_000);

  it('refuses unknown adapters, and Evo on a model set without its graphs (unknown-model)', async () => {
    await expect(completer.evoStep('evo-nope', { commit: 'c', files: [] })).rejects.toSatisfy(isCode('not-loaded'));
    await expect(completer.complete({ prefix: PREFIX, method: 'evo', adapterId: 'evo-nope' })).rejects.toSatisfy(isCode('not-loaded'));
    const without = await prepared(join(out, 'manifest-noevo.json'));
    try {
      await expect(without.completer.evoStart([])).rejects.toSatisfy(isCode('unknown-model'));
      await expect(without.completer.evoStep('evo-1', { commit: 'c', files: [] })).rejects.toSatisfy(isCode('unknown-model'));
    } finally {
      await without.host.dispose();
    }
  }, 120_000);
});

const COMMITTED_REFERENCE = join(root, 'models/evo/parity/evo.json');
const COMMITTED_MANIFEST = join(root, 'public/models/manifest.json');
describe('the committed Evo graphs (public/models) against models/evo/parity/evo.json', () => {
  let host: ModelHost;
  let completer: Completer;

  beforeAll(async () => {
    ({ host, completer } = await prepared(COMMITTED_MANIFEST));
  }, 300_000);

  afterAll(() => host?.dispose());

  it('follow the PyTorch states and give its final adapter', async () => {
    await expectReference(completer, JSON.parse(readFileSync(COMMITTED_REFERENCE, 'utf8')) as EvoReference);
  }, 60_000);
});
