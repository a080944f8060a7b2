import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTinyGraphs, type TinyGraphs } from '../../e2e/fixtures/tiny-graphs.ts';
import { serveDirectory, type StaticServer } from '../../e2e/fixtures/static-server.ts';
import { ModelError } from './errors.ts';
import { parseManifest } from './manifest.ts';
import { ModelFiles } from './model-files.ts';
import { MemoryStore } from './model-store.ts';
import { sha256Hex } from './sha256.ts';
import type { LoadProgress, Manifest } from './types.ts';

let graphs: TinyGraphs;
let server: StaticServer;
let manifest: Manifest;

beforeAll(async () => {
  graphs = makeTinyGraphs();
  server = await serveDirectory(graphs.dir);
  manifest = parseManifest(readFileSync(join(graphs.dir, 'manifest.json'), 'utf8'));
});

afterAll(async () => {
  await server?.close();
  graphs?.remove();
});

/** Writes a variant manifest next to the real one and returns its URL. */
function variant(name: string, edit: (m: Manifest) => void): string {
  const copy = structuredClone(manifest);
  edit(copy);
  writeFileSync(join(graphs.dir, name), JSON.stringify(copy));
  return server.url + name;
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ModelError);
    return (error as ModelError).code;
  }
  throw new Error('expected a ModelError');
}

describe('ModelFiles', () => {
  it('fetches a good file with progress and returns exactly its verified bytes', async () => {
    const files = await ModelFiles.open(server.url + 'manifest.json', new MemoryStore());
    const progress: LoadProgress[] = [];
    const bytes = await files.bytes('tiny', (p) => progress.push(p));
    const onDisk = readFileSync(join(graphs.dir, 'tiny.onnx'));
    expect(bytes.byteLength).toBe(onDisk.byteLength);
    expect(await sha256Hex(bytes)).toBe(manifest.files.tiny?.sha256);
    expect(progress.at(-1)).toEqual({ name: 'tiny', loaded: onDisk.byteLength, total: onDisk.byteLength, source: 'network' });
  });

  it('refuses a file whose sha256 differs from the manifest', async () => {
    const url = variant('wrong-sha.json', (m) => {
      m.files.tiny!.sha256 = 'ab'.repeat(32);
    });
    const files = await ModelFiles.open(url, new MemoryStore());
    expect(await codeOf(files.bytes('tiny', () => {}))).toBe('corrupt-file');
  });

  it('refuses a file whose size differs from the manifest, shorter or longer', async () => {
    const shorter = await ModelFiles.open(
      variant('too-short.json', (m) => {
        m.files.tiny!.bytes += 10;
      }),
      new MemoryStore(),
    );
    expect(await codeOf(shorter.bytes('tiny', () => {}))).toBe('corrupt-file');
    const longer = await ModelFiles.open(
      variant('too-long.json', (m) => {
        m.files.tiny!.bytes -= 10;
      }),
      new MemoryStore(),
    );
    expect(await codeOf(longer.bytes('tiny', () => {}))).toBe('corrupt-file');
  });

  it('reports a missing file and an unknown name', async () => {
    const files = await ModelFiles.open(
      variant('missing.json', (m) => {
        m.files.tiny!.path = 'not-there.onnx';
      }),
      new MemoryStore(),
    );
    expect(await codeOf(files.bytes('tiny', () => {}))).toBe('missing-file');
    expect(await codeOf(files.bytes('lm', () => {}))).toBe('unknown-model');
    expect(await codeOf(ModelFiles.open(server.url + 'no-manifest.json', new MemoryStore()))).toBe('missing-file');
  });

  it('refuses a manifest that is not JSON or breaks the format', async () => {
    writeFileSync(join(graphs.dir, 'broken.json'), '{"version": 1, "files": {');
    expect(await codeOf(ModelFiles.open(server.url + 'broken.json', new MemoryStore()))).toBe('bad-manifest');
    expect(() => parseManifest('{"version": 99, "files": {}}')).toThrow(/unsupported version/);
    expect(() => parseManifest(JSON.stringify({ version: 1, files: { a: { path: '../x.onnx', sha256: 'ab'.repeat(32), bytes: 1 } } }))).toThrow(
      /relative path/,
    );
    expect(() => parseManifest(JSON.stringify({ version: 1, files: { a: { path: 'x.onnx', sha256: 'XYZ', bytes: 1 } } }))).toThrow(/sha256/);
  });

  it('serves verified bytes from the store offline and replaces a damaged cached copy', async () => {
    const store = new MemoryStore();
    const url = variant('cached.json', () => {});
    const online = await ModelFiles.open(url, store);
    await online.ensureAll(() => {});
    const sha = manifest.files.tiny!.sha256;

    const damaged = (await store.getBytes(sha))!;
    damaged[0] = damaged[0]! ^ 0xff;
    await store.putBytes(sha, damaged);
    const sources: string[] = [];
    const repaired = await online.bytes('tiny', (p) => sources.push(p.source));
    expect(sources.at(-1)).toBe('network');
    expect(await sha256Hex(repaired)).toBe(sha);

    // The precache only checks that a copy is kept (no second read and hash on a warm open); reading verifies it.
    const precached: string[] = [];
    await online.ensureAll((p) => precached.push(`${p.name}:${p.source}`));
    expect(precached).toEqual(Object.keys(manifest.files).map((name) => `${name}:cache`));
    const damagedAgain = (await store.getBytes(sha))!;
    damagedAgain[0] = damagedAgain[0]! ^ 0xff;
    await store.putBytes(sha, damagedAgain);
    await online.ensureAll(() => {});
    const again: string[] = [];
    expect(await sha256Hex(await online.bytes('tiny', (p) => again.push(p.source)))).toBe(sha);
    expect(again.at(-1)).toBe('network');

    // With the server's files gone the manifest and the bytes come from the store, re-verified.
    const unreachable = (async () => {
      throw new TypeError('network down');
    }) as typeof fetch;
    const offline = await ModelFiles.open(url, store, unreachable);
    const cachedSources: string[] = [];
    const bytes = await offline.bytes('tiny', (p) => cachedSources.push(p.source));
    expect(cachedSources).toEqual(['cache']);
    expect(await sha256Hex(bytes)).toBe(sha);
    rmSync(join(graphs.dir, 'cached.json'));
  });
});
