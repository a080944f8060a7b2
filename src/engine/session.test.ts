import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTinyGraphs, type ReferenceTensor, type TinyGraphs, type TinyReference } from '../../e2e/fixtures/tiny-graphs.ts';
import { serveDirectory, type StaticServer } from '../../e2e/fixtures/static-server.ts';
import { ModelError } from './errors.ts';
import { ModelHost } from './model-host.ts';
import { MemoryStore } from './model-store.ts';
import { fetchWithFiles, manifestLocation } from './node-fetch.ts';
import { ModelSession } from './session.ts';
import type { PlainTensor } from './types.ts';

let graphs: TinyGraphs;
let server: StaticServer;
let reference: TinyReference;

beforeAll(async () => {
  ort.env.wasm.numThreads = 1;
  graphs = makeTinyGraphs();
  server = await serveDirectory(graphs.dir);
  reference = JSON.parse(readFileSync(join(graphs.dir, 'reference.json'), 'utf8')) as TinyReference;
});

afterAll(async () => {
  await server?.close();
  graphs?.remove();
});

function input(): PlainTensor {
  return { type: 'float32', data: Float32Array.from(reference.x.data), dims: [...reference.x.dims] };
}

function expectClose(actual: PlainTensor | undefined, expected: ReferenceTensor): void {
  expect(actual?.dims).toEqual(expected.dims);
  const values = Array.from(actual!.data as Float32Array);
  values.forEach((v, i) => expect(Math.abs(v - expected.data[i]!)).toBeLessThan(1e-5));
}

describe('ModelSession on onnxruntime-web wasm', () => {
  it('serialises concurrent runs and gives every caller the right result', async () => {
    const bytes = new Uint8Array(readFileSync(join(graphs.dir, 'tiny.onnx')));
    const session = await ModelSession.create('tiny', bytes, 'wasm');
    expect(session.info.inputs).toEqual([{ name: 'x', type: 'float32', shape: ['batch', 16] }]);
    // Each run gets a different scale of x, so a mixed-up result would be caught.
    const scales = [1, 0.5, -1, 2];
    const runs = scales.map((s) =>
      session.run({ x: new ort.Tensor('float32', Float32Array.from(reference.x.data, (v) => v * s), reference.x.dims) }),
    );
    expect(session.pendingRuns).toBe(scales.length);
    const results = await Promise.all(runs);
    const first = Array.from(results[0]!.y!.data as Float32Array);
    first.forEach((v, i) => expect(Math.abs(v - reference.y.data[i]!)).toBeLessThan(1e-5));
    const flipped = Array.from(results[2]!.y!.data as Float32Array);
    expect(flipped).not.toEqual(first);
    await session.release();
    await expect(session.run({})).rejects.toMatchObject({ code: 'not-loaded' });
  });

  it('turns a bad graph and a bad feed into ModelErrors', async () => {
    await expect(ModelSession.create('junk', new Uint8Array([1, 2, 3]), 'wasm')).rejects.toMatchObject({
      code: 'session-failed',
    });
    const bytes = new Uint8Array(readFileSync(join(graphs.dir, 'tiny.onnx')));
    const session = await ModelSession.create('tiny', bytes, 'wasm');
    await expect(session.run({ x: new ort.Tensor('float32', new Float32Array(3), [1, 3]) })).rejects.toBeInstanceOf(
      ModelError,
    );
    await session.release();
  });
});

describe('ModelHost', () => {
  it('loads verified graphs from a manifest, runs them and chains a resident output into another graph', async () => {
    const host = new ModelHost({ store: new MemoryStore() });
    const choice = await host.init('auto');
    expect(choice.backend).toBe('wasm');
    expect(choice.reasonCode).toBe('no-navigator-gpu');
    await expect(host.load('tiny')).rejects.toMatchObject({ code: 'not-loaded' });

    const manifest = await host.loadManifest(server.url + 'manifest.json');
    expect(Object.keys(manifest.files).sort()).toEqual(['tiny', 'tiny_consumer']);
    const info = await host.load('tiny');
    expect(info.outputs.map((o) => o.name)).toEqual(['y', 'probs']);
    await host.load('tiny_consumer');

    const direct = await host.run('tiny', { x: input() });
    expectClose(direct.y, reference.y);
    expectClose(direct.probs, reference.probs);

    const kept = await host.run('tiny', { x: input() }, { keep: { y: 'hidden' } });
    expect(Object.keys(kept)).toEqual(['probs']);
    expect(host.residentLocations()).toEqual({ hidden: 'cpu' });
    const chained = await host.run('tiny_consumer', { y: { resident: 'hidden' } });
    expectClose(chained.z, reference.z);

    await host.releaseResident(['hidden']);
    await expect(host.run('tiny_consumer', { y: { resident: 'hidden' } })).rejects.toMatchObject({ code: 'not-loaded' });
    // Runs of different sessions issued together are queued one after another and each gets its own result.
    const y = (): PlainTensor => ({ type: 'float32', data: Float32Array.from(reference.y.data), dims: [...reference.y.dims] });
    const together = await Promise.all(
      [0, 1, 2].flatMap(() => [host.run('tiny', { x: input() }), host.run('tiny_consumer', { y: y() })]),
    );
    together.forEach((out, i) => (i % 2 === 0 ? expectClose(out.y, reference.y) : expectClose(out.z, reference.z)));
    await expect(host.load('tiny', { backend: 'webgpu' })).rejects.toMatchObject({ code: 'session-failed' });
    await host.dispose();
  });

  it('reads a manifest and its graphs from a directory in Node (file: URLs)', async () => {
    const host = new ModelHost({ store: new MemoryStore(), fetchFn: fetchWithFiles });
    await host.init('wasm');
    await host.loadManifest(manifestLocation(join(graphs.dir, 'manifest.json')));
    await host.load('tiny');
    expectClose((await host.run('tiny', { x: input() })).y, reference.y);
    await expect(host.loadManifest(manifestLocation(join(graphs.dir, 'absent.json')))).rejects.toMatchObject({
      code: 'missing-file',
    });
    await expect(host.loadManifest('not a url')).rejects.toMatchObject({ code: 'missing-file' });
    await host.dispose();
  });

  it("runs the graph a manifest names for WASM in a graph's place, unless asked for the float graphs (made so, or at init)", async () => {
    const manifest = JSON.parse(readFileSync(join(graphs.dir, 'manifest.json'), 'utf8')) as {
      files: Record<string, Record<string, unknown>>;
    };
    // The twin is the same graph with an unknown protobuf field appended (ignored by the parser), so that its
    // bytes, and the store's key, differ.
    const twin = Buffer.concat([readFileSync(join(graphs.dir, 'tiny.onnx')), Buffer.from([0x98, 0x06, 0x01])]);
    writeFileSync(join(graphs.dir, 'tiny_twin.onnx'), twin);
    const sha256 = createHash('sha256').update(twin).digest('hex');
    manifest.files.tiny_int8 = { ...manifest.files.tiny, path: 'tiny_twin.onnx', sha256, bytes: twin.byteLength };
    manifest.files.tiny = { ...manifest.files.tiny, on_wasm: 'tiny_int8' };
    writeFileSync(join(graphs.dir, 'manifest-on-wasm.json'), JSON.stringify(manifest));
    // [the host made with floatOnWasm, init's option (the app's "Weights on WASM" setting), the graph WASM runs]
    const cases = [
      [false, undefined, 'tiny_int8', 'tiny.onnx'],
      [true, undefined, 'tiny', 'tiny_twin.onnx'],
      [false, true, 'tiny', 'tiny_twin.onnx'],
      [true, false, 'tiny_int8', 'tiny.onnx'],
    ] as const;
    for (const [floatOnWasm, atInit, graph, skipped] of cases) {
      const fetched: string[] = [];
      const recording: typeof fetchWithFiles = (url, init) => {
        fetched.push(String(url));
        return fetchWithFiles(url, init);
      };
      const host = new ModelHost({ store: new MemoryStore(), fetchFn: recording, floatOnWasm });
      await host.init('wasm', atInit === undefined ? {} : { floatOnWasm: atInit });
      const loaded = await host.loadManifest(manifestLocation(join(graphs.dir, 'manifest-on-wasm.json')));
      const files = (names: string[]): string[] => names.map((u) => u.slice(u.lastIndexOf('/') + 1));
      expect(files(fetched)).toContain(graph === 'tiny' ? 'tiny.onnx' : 'tiny_twin.onnx');
      expect(host.graphFor('tiny', 'wasm')).toBe(graph);
      expect(host.graphFor('tiny', 'webgpu')).toBe('tiny');
      expect((await host.load('tiny')).name).toBe(graph);
      expectClose((await host.run('tiny', { x: input() })).y, reference.y);
      // Opening and running download only the graph WASM runs: the other one is neither fetched nor kept.
      expect(files(fetched)).not.toContain(skipped);
      expect(host.filesFor(loaded, 'webgpu').has('tiny_int8')).toBe(false);
      expect(host.filesFor(loaded, 'webgpu').has('tiny')).toBe(true);
      await host.dispose();
    }
  });
});
