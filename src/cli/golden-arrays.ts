/**
 * Test helpers for the graph goldens under models/export/golden: stored float arrays, their differences, and a
 * tiny golden LM graph run on onnxruntime-web WASM (a prefill, then its last token again as a KV-cache step).
 */
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import * as ort from 'onnxruntime-web';
import { externalDataOf } from '../engine/external-data.ts';
import { parseManifest } from '../engine/manifest.ts';
import type { Manifest } from '../engine/types.ts';
import { emptyPast, loraFeeds, lmShapeFromConfig, pastFromPresent, patternLora, tokenFeeds, zeroLora } from './lm-feeds.ts';

export interface StoredArray {
  dims: number[];
  base64: string;
}

const root = new URL('../../', import.meta.url);
export const read = (path: string): Buffer => readFileSync(new URL(path, root));

export function floats(stored: StoredArray): Float32Array {
  const bytes = Buffer.from(stored.base64, 'base64');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/** Max |a - b| over the last `b.length` entries of `a` (a graph may return fewer rows than the reference). */
export function maxDiff(actual: Float32Array, expected: Float32Array, columns = expected.length): number {
  const rows = Math.min(actual.length, expected.length) / columns;
  const skip = expected.length / columns - rows;
  let worst = 0;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      worst = Math.max(worst, Math.abs((actual[r * columns + c] ?? NaN) - (expected[(skip + r) * columns + c] ?? NaN)));
    }
  }
  return Number.isNaN(worst) ? Infinity : worst;
}

/** Mean |a - b| over the last rows of `a` that `b` holds (the same row alignment as maxDiff). */
export function meanDiff(actual: Float32Array, expected: Float32Array, columns = expected.length): number {
  const rows = Math.min(actual.length, expected.length) / columns;
  const skip = expected.length / columns - rows;
  let total = 0;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) total += Math.abs(actual[r * columns + c]! - expected[(skip + r) * columns + c]!);
  }
  return total / (rows * columns);
}

export function tensor(outputs: Record<string, ort.Tensor>, name: string): Float32Array {
  const t = outputs[name];
  if (!t) throw new Error(`missing output ${name}`);
  return t.data as Float32Array;
}

export interface TinyGraphGolden {
  config: Record<string, unknown>;
  lora_rank: number;
  onnx_base64: string;
  blocks_base64: string;
  external: Record<string, unknown>;
  tokens: number[];
  logits: StoredArray;
  present_key_last: StoredArray;
  step_logits: StoredArray;
}

/**
 * A golden's tiny graph, its external data made by the app's own expansion from the golden's blocks, run with the
 * pattern adapter: the prompt as one prefill, then its last token as a step on the KV cache of the others.
 */
export async function runTinyGolden(golden: TinyGraphGolden): Promise<{
  prefill: Record<string, ort.Tensor>;
  step: Record<string, ort.Tensor>;
}> {
  const manifest = parseManifest(
    JSON.stringify({
      version: 1,
      files: {
        graph: { path: 'graph.onnx', sha256: '0'.repeat(64), bytes: 1, external: golden.external },
        lm_blocks: { path: 'lm.blocks', sha256: '1'.repeat(64), bytes: 1 },
      },
      config: golden.config,
    }),
  );
  const shape = lmShapeFromConfig(manifest.config);
  const externalData = await externalDataOf(manifest.files.graph!, async () => Buffer.from(golden.blocks_base64, 'base64'));
  ort.env.wasm.numThreads = 1;
  const session = await ort.InferenceSession.create(Buffer.from(golden.onnx_base64, 'base64'), {
    executionProviders: ['wasm'],
    ...(externalData ? { externalData } : {}),
  });
  const lora = loraFeeds(shape, patternLora(shape, golden.lora_rank), golden.lora_rank);
  const prefill = await session.run({ ...tokenFeeds(golden.tokens, 0), ...emptyPast(shape), ...lora });
  const before = await session.run({ ...tokenFeeds(golden.tokens.slice(0, -1), 0), ...emptyPast(shape), ...lora });
  const last = golden.tokens.length - 1;
  const step = await session.run({ ...tokenFeeds(golden.tokens.slice(last), last), ...pastFromPresent(shape, before), ...lora });
  return { prefill, step };
}

/** A session of one graph of the base's exported set (public/models/base), on WASM, its weights expanded here. */
export async function baseSession(graph: string): Promise<{ manifest: Manifest; session: ort.InferenceSession }> {
  const dir = 'public/models/base';
  if (!existsSync(new URL(`${dir}/manifest.json`, root))) {
    throw new Error(`${dir} is missing: make it with /usr/bin/python3 -m models.export.export_base`);
  }
  const manifest = parseManifest(read(`${dir}/manifest.json`).toString('utf8'));
  const file = manifest.files[graph];
  if (!file) throw new Error(`${dir}/manifest.json has no ${graph}: remake it with /usr/bin/python3 -m models.export.export_base`);
  const externalData = await externalDataOf(file, async (name) => read(`${dir}/${manifest.files[name]!.path}`));
  ort.env.wasm.numThreads = 1;
  const session = await ort.InferenceSession.create(read(`${dir}/${file.path}`), {
    executionProviders: ['wasm'],
    ...(externalData ? { externalData } : {}),
  });
  return { manifest, session };
}

/** What the tests read of an export parity fixture (models/export/fixtures.py), remade with the base on each machine. */
export interface ExportFixture {
  tokens: number[];
  lora_rank: number;
  /** How many leading logits of each prefill row are kept. */
  prefill_vocab: number;
  prefill_base: { logits: StoredArray };
  step_lora: { logits: StoredArray };
}

export function exportFixture(name: string): ExportFixture {
  return JSON.parse(gunzipSync(read(`models/export/fixtures/${name}`)).toString('utf8')) as ExportFixture;
}

/**
 * One graph of the base's set run on the export fixture's prompt, as the fixtures were made: its first 5 tokens as a
 * prefill with no adapter (the last row's first `prefill_vocab` logits, what the fixtures keep), and its 6th token as
 * a step on the KV cache of a prefill with the pattern adapter.
 */
export async function runBaseOnFixturePrompt(graph: string): Promise<{
  manifest: Manifest;
  fixture: ExportFixture;
  lastRow: Float32Array;
  step: Float32Array;
}> {
  const { manifest, session } = await baseSession(graph);
  const shape = lmShapeFromConfig(manifest.config);
  const fixture = exportFixture('base_parity.json.gz');
  const tokens = fixture.tokens.slice(0, 5);
  const zero = loraFeeds(shape, zeroLora(shape, fixture.lora_rank), fixture.lora_rank);
  const prefill = await session.run({ ...tokenFeeds(tokens, 0), ...emptyPast(shape), ...zero });
  const pattern = loraFeeds(shape, patternLora(shape, fixture.lora_rank), fixture.lora_rank);
  const first = await session.run({ ...tokenFeeds(tokens, 0), ...emptyPast(shape), ...pattern });
  const step = await session.run({ ...tokenFeeds([fixture.tokens[5]!], 5), ...pastFromPresent(shape, first), ...pattern });
  return { manifest, fixture, lastRow: tensor(prefill, 'logits').subarray(0, fixture.prefill_vocab), step: tensor(step, 'logits') };
}
