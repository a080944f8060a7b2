/** The check both graph goldens' tiny LMs pass (8-bit and 4-bit): prefill logits, last present key, KV step. */
import { expect } from 'vitest';
import { floats, maxDiff, read, runTinyGolden, tensor, type TinyGraphGolden } from './golden-arrays.ts';

export async function expectTinyGolden(path: string, tolerance = 1e-4): Promise<void> {
  const golden = JSON.parse(read(path).toString('utf8')).graph as TinyGraphGolden;
  const { prefill, step } = await runTinyGolden(golden);
  expect(prefill.logits!.dims).toEqual(golden.logits.dims);
  expect(maxDiff(tensor(prefill, 'logits'), floats(golden.logits))).toBeLessThan(tolerance);
  expect(maxDiff(tensor(prefill, 'present_key_0'), floats(golden.present_key_last))).toBeLessThan(tolerance);
  expect(maxDiff(tensor(step, 'logits'), floats(golden.step_logits))).toBeLessThan(tolerance);
}
