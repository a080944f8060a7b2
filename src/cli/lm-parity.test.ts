import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { externalDataOf } from '../engine/external-data.ts';
import { section } from '../engine/completer/config.ts';
import { parseManifest } from '../engine/manifest.ts';
import {
  emptyPast,
  loraFeeds,
  lmShapeFromConfig,
  pastFromPresent,
  patternLora,
  tokenFeeds,
  zeroLora,
  type LmShape,
} from './lm-feeds.ts';

/** PyTorch reference outputs written by models/export/fixtures.py for the committed lm.onnx / encoder.onnx. */
interface StoredArray {
  dims: number[];
  base64: string;
}
interface Fixtures {
  tokens: number[];
  lora_rank: number;
  prefill_vocab: number;
  prefill_lora: { logits: StoredArray; present_key_last: StoredArray };
  step_lora: { logits: StoredArray };
  prefill_base: { logits: StoredArray };
  encoder: { input_ids: number[][]; attention_mask: number[][]; pooled: StoredArray };
}

const root = new URL('../../', import.meta.url);
const read = (path: string): Buffer => readFileSync(new URL(path, root));

/** A model set and the PyTorch reference outputs its exporter wrote. */
interface ModelSet {
  name: string;
  dir: string;
  fixtures: string;
  /** Largest |ONNX - PyTorch| on logits: 30 float32 layers round more than 4 (the base measured 9.6e-5 here). */
  tolerance: number;
  encoder: boolean;
  /** The command that makes the set when it is not committed. */
  makeWith?: string;
}

const MODEL_SETS: ModelSet[] = [
  { name: 'the trained LM (public/models)', dir: 'public/models', fixtures: 'models/export/fixtures/lm_parity.json.gz', tolerance: 1e-4, encoder: true },
  {
    name: 'the pretrained base (public/models/base, GGUF blocks dequantized in the graph)',
    dir: 'public/models/base',
    fixtures: 'models/export/fixtures/base_parity.json.gz',
    tolerance: 5e-4,
    encoder: false,
    makeWith: '/usr/bin/python3 -m models.export.export_base',
  },
];

function floats(stored: StoredArray): Float32Array {
  const bytes = Buffer.from(stored.base64, 'base64');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/**
 * Max |actual - expected| where actual [.., vocab] is cut to the expected array's last dimension. A graph that
 * returns the last position's logits alone (the base's, config.lm.logits) is compared with the expected last row.
 */
function maxDiff(actual: ort.Tensor, expected: StoredArray): number {
  const data = actual.data as Float32Array;
  const want = floats(expected);
  const lastActual = actual.dims[actual.dims.length - 1] ?? 1;
  const lastWanted = expected.dims[expected.dims.length - 1] ?? 1;
  const rows = data.length / lastActual;
  const skipped = want.length / lastWanted - rows;
  expect(skipped === 0 || rows === 1).toBe(true);
  let worst = 0;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < lastWanted; c++) {
      const wanted = want[(skipped + r) * lastWanted + c] ?? NaN;
      worst = Math.max(worst, Math.abs((data[r * lastActual + c] ?? NaN) - wanted));
    }
  }
  return Number.isNaN(worst) ? Infinity : worst;
}

function output(outputs: Record<string, ort.Tensor>, name: string): ort.Tensor {
  const tensor = outputs[name];
  if (!tensor) throw new Error(`missing output ${name}`);
  return tensor;
}

describe.each(MODEL_SETS)('lm.onnx of $name under onnxruntime-web (wasm) matches PyTorch', (set) => {
  let lm: ort.InferenceSession;
  let encoder: ort.InferenceSession | undefined;
  let shape: LmShape;
  let fixtures: Fixtures;
  let lastLogitsOnly = false;
  const TOLERANCE = set.tolerance;

  beforeAll(async () => {
    if (set.makeWith && !existsSync(new URL(`${set.dir}/manifest.json`, root))) {
      throw new Error(`${set.dir} is missing: make it with ${set.makeWith}`);
    }
    fixtures = JSON.parse(gunzipSync(read(set.fixtures)).toString('utf8')) as Fixtures;
    const manifest = parseManifest(read(`${set.dir}/manifest.json`).toString('utf8'));
    shape = lmShapeFromConfig(manifest.config);
    lastLogitsOnly = section(section(manifest.config).lm).logits === 'last position only';
    ort.env.wasm.numThreads = 1;
    const lmFile = manifest.files.lm!;
    // The base's weights come as GGUF blocks beside the graph, expanded as the app expands them.
    const externalData = await externalDataOf(lmFile, async (name) => read(`${set.dir}/${manifest.files[name]!.path}`));
    lm = await ort.InferenceSession.create(read(`${set.dir}/${lmFile.path}`), {
      executionProviders: ['wasm'],
      ...(externalData ? { externalData } : {}),
    });
    if (set.encoder) encoder = await ort.InferenceSession.create(read(`${set.dir}/encoder.onnx`), { executionProviders: ['wasm'] });
  }, 120_000);

  it('prefill with a nonzero LoRA, then one KV-cache step', async () => {
    const rank = fixtures.lora_rank;
    const lora = loraFeeds(shape, patternLora(shape, rank), rank);
    const prefill = await lm.run({ ...tokenFeeds(fixtures.tokens.slice(0, 5), 0), ...emptyPast(shape), ...lora });
    expect(output(prefill, 'logits').dims).toEqual([1, lastLogitsOnly ? 1 : 5, shape.vocab_size]);
    expect(maxDiff(output(prefill, 'logits'), fixtures.prefill_lora.logits)).toBeLessThanOrEqual(TOLERANCE);
    const lastKey = output(prefill, `present_key_${shape.n_layers - 1}`);
    expect(lastKey.dims).toEqual(fixtures.prefill_lora.present_key_last.dims);
    expect(maxDiff(lastKey, fixtures.prefill_lora.present_key_last)).toBeLessThanOrEqual(TOLERANCE);

    const step = await lm.run({ ...tokenFeeds(fixtures.tokens.slice(5, 6), 5), ...pastFromPresent(shape, prefill), ...lora });
    expect(output(step, 'logits').dims).toEqual([1, 1, shape.vocab_size]);
    expect(maxDiff(output(step, 'logits'), fixtures.step_lora.logits)).toBeLessThanOrEqual(TOLERANCE);
    expect(output(step, 'present_key_0').dims).toEqual([1, shape.n_kv_heads, 6, shape.head_dim]);
  });

  it('zero LoRA gives the base model', async () => {
    const rank = fixtures.lora_rank;
    const base = await lm.run({
      ...tokenFeeds(fixtures.tokens.slice(0, 5), 0),
      ...emptyPast(shape),
      ...loraFeeds(shape, zeroLora(shape, rank), rank),
    });
    expect(maxDiff(output(base, 'logits'), fixtures.prefill_base.logits)).toBeLessThanOrEqual(TOLERANCE);
  });

  // Only a set with an encoder has this case (the base-only set has none), so no test stands skipped.
  if (set.encoder) it('the encoder pools a padded batch like PyTorch', async () => {
    if (!encoder) throw new Error('no encoder session');
    const { input_ids: ids, attention_mask: mask } = fixtures.encoder;
    const batch = ids.length;
    const seq = ids[0]?.length ?? 0;
    const pooled = await encoder.run({
      input_ids: new ort.Tensor('int64', BigInt64Array.from(ids.flat(), (v) => BigInt(v)), [batch, seq]),
      attention_mask: new ort.Tensor('int64', BigInt64Array.from(mask.flat(), (v) => BigInt(v)), [batch, seq]),
    });
    expect(output(pooled, 'pooled').dims).toEqual([batch, shape.d_model]);
    expect(maxDiff(output(pooled, 'pooled'), fixtures.encoder.pooled)).toBeLessThanOrEqual(TOLERANCE);
  });
});
