import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * The committed hypernet_static.onnx, run by onnxruntime-web (wasm, in Node), against the PyTorch reference that
 * models/static/export_onnx.py wrote next to it: leading values and sums of all 14 LoRA tensors.
 */
interface ReferenceOutput {
  shape: number[];
  head: number[];
  sum: number;
  abs_sum: number;
}
interface Reference {
  input: { embedding: number[] };
  outputs: Record<string, ReferenceOutput>;
}

const root = new URL('../../', import.meta.url);
const read = (path: string): Buffer => readFileSync(new URL(path, root));
const reference = JSON.parse(read('models/static/parity/hypernet_static.json').toString('utf8')) as Reference;
const LORA_TARGETS = ['q', 'k', 'v', 'o', 'gate', 'up', 'down'] as const;

let outputs: Record<string, ort.Tensor>;

beforeAll(async () => {
  ort.env.wasm.numThreads = 1;
  const bytes = new Uint8Array(read('public/models/hypernet_static.onnx'));
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  const embedding = Float32Array.from(reference.input.embedding);
  outputs = await session.run({ embedding: new ort.Tensor('float32', embedding, [embedding.length]) });
  await session.release();
});

describe('hypernet_static.onnx on onnxruntime-web', () => {
  it('gives the 14 LoRA tensors under the LM graph input names, with the reference shapes', () => {
    const names = LORA_TARGETS.flatMap((m) => [`lora_A_${m}`, `lora_B_${m}`]);
    expect(Object.keys(outputs).sort()).toEqual([...names].sort());
    for (const name of names) {
      expect(outputs[name]!.dims).toEqual(reference.outputs[name]!.shape);
    }
  });

  it('matches the PyTorch reference', () => {
    for (const [name, want] of Object.entries(reference.outputs)) {
      const data = outputs[name]!.data as Float32Array;
      want.head.forEach((v, i) => expect(Math.abs(data[i]! - v)).toBeLessThan(1e-5));
      let sum = 0;
      let absSum = 0;
      for (const v of data) {
        sum += v;
        absSum += Math.abs(v);
      }
      expect(Math.abs(absSum - want.abs_sum)).toBeLessThan(1e-4 * Math.max(1, want.abs_sum));
      expect(Math.abs(sum - want.sum)).toBeLessThan(1e-4 * Math.max(1, want.abs_sum));
    }
  });
});
