/**
 * The 4-bit WebGPU graph (models/export/q4_graph.py) under onnxruntime-web's WASM kernels, which run MatMulNBits
 * too (slowly; the graph is made for WebGPU, where e2e/model-worker.e2e.ts runs a product of it). It computes the
 * float model, only in another order of float32 sums: on a tiny LM to float noise, from the blocks the app repacks
 * itself; on the 30-layer base within a small fraction of the logits' spread, with the same next tokens.
 */
import { describe, expect, it } from 'vitest';
import { floats, meanDiff, runBaseOnFixturePrompt } from './golden-arrays.ts';
import { expectTinyGolden } from './tiny-golden-check.ts';

function argmax(values: Float32Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

describe('the 4-bit graph of a tiny LM (models/export/golden/q4_graph.json)', () => {
  it('computes the float model from the 4-bit codes the app repacks', async () => {
    await expectTinyGolden('models/export/golden/q4_graph.json');
  }, 60_000);
});

describe("the base's 4-bit graph (public/models/base/lm_q4.onnx)", () => {
  it('computes the float model: the same next tokens, logits within float error of it', async () => {
    const { manifest, fixture, lastRow, step } = await runBaseOnFixturePrompt('lm_q4');
    expect(manifest.files.lm?.onWebgpu).toBe('lm_q4');
    const vocab = fixture.prefill_vocab;
    const expectedRow = floats(fixture.prefill_base.logits);
    const reference = expectedRow.subarray(expectedRow.length - vocab);
    const stepReference = floats(fixture.step_lora.logits);
    const prefillDiff = meanDiff(lastRow, reference, vocab);
    const stepDiff = meanDiff(step, stepReference);
    console.log(`# 4-bit graph against the float model: mean |logit difference| ${prefillDiff.toExponential(2)} (prefill), ${stepDiff.toExponential(2)} (step)`);
    expect(argmax(lastRow)).toBe(argmax(reference));
    expect(argmax(step)).toBe(argmax(stepReference));
    expect(prefillDiff).toBeLessThan(1e-3); // measured here: 4e-5 to 5e-5
    expect(stepDiff).toBeLessThan(1e-3); // measured here: 1e-5 to 2e-5
  }, 180_000);
});
