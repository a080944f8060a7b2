import { ModelError } from './errors.ts';
import type { PlainTensor, ValueInfo } from './types.ts';

/** IEEE half-float bits of a number (round toward zero; enough for deterministic test inputs in [-1, 1]). */
function halfBits(value: number): number {
  const word = new Uint32Array(Float32Array.of(value).buffer)[0]!;
  const sign = (word >>> 16) & 0x8000;
  const exponent = ((word >>> 23) & 0xff) - 127 + 15;
  if (exponent <= 0) return sign;
  if (exponent >= 31) return sign | 0x7c00;
  return sign | (exponent << 10) | ((word & 0x7fffff) >>> 13);
}

/**
 * Inputs that are the same on every run and every backend, built from a graph's input metadata, for comparing
 * backends and for benchmarks. Symbolic dimensions take `dims[name]` or 1; floats are smooth values in [-0.5, 0.5],
 * integers small non-negative values (valid token ids and positions for any vocabulary); inputs named like a mask
 * are all ones (an all-zero attention mask would pool nothing and hide differences).
 */
export function deterministicFeeds(inputs: readonly ValueInfo[], dims: Record<string, number> = {}): Record<string, PlainTensor> {
  const feeds: Record<string, PlainTensor> = {};
  inputs.forEach((input, k) => {
    const shape = input.shape.map((d) => (typeof d === 'number' ? d : (dims[d] ?? 1)));
    const count = shape.reduce((n, d) => n * d, 1);
    const smooth = (i: number) => Math.sin(i * 0.37 + k * 1.3) * 0.5;
    const isMask = /mask/i.test(input.name);
    switch (input.type) {
      case 'float32':
        feeds[input.name] = { type: 'float32', dims: shape, data: Float32Array.from({ length: count }, (_, i) => smooth(i)) };
        break;
      case 'float16':
        feeds[input.name] = { type: 'float16', dims: shape, data: Uint16Array.from({ length: count }, (_, i) => halfBits(smooth(i))) };
        break;
      case 'int32':
        feeds[input.name] = { type: 'int32', dims: shape, data: Int32Array.from({ length: count }, (_, i) => (isMask ? 1 : i % 7)) };
        break;
      case 'int64':
        feeds[input.name] = { type: 'int64', dims: shape, data: BigInt64Array.from({ length: count }, (_, i) => BigInt(isMask ? 1 : i % 7)) };
        break;
      case 'uint8':
        feeds[input.name] = { type: 'uint8', dims: shape, data: Uint8Array.from({ length: count }, (_, i) => i % 3) };
        break;
      case 'int8':
        feeds[input.name] = { type: 'int8', dims: shape, data: Int8Array.from({ length: count }, (_, i) => (i % 3) - 1) };
        break;
      case 'bool':
        feeds[input.name] = { type: 'bool', dims: shape, data: Uint8Array.from({ length: count }, (_, i) => (isMask ? 1 : i % 2)) };
        break;
      default:
        throw new ModelError('run-failed', `input "${input.name}" has type ${input.type}, which the check cannot fill`);
    }
  });
  return feeds;
}
