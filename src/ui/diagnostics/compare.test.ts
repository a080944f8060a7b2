import { describe, expect, it } from 'vitest';
import { deterministicFeeds } from '../../engine/deterministic-feeds.ts';
import { maxAbsDifference, summarise } from './compare.ts';

describe('backend comparison helpers', () => {
  it('builds the same feeds every time, sized from the metadata', () => {
    const inputs = [
      { name: 'input_ids', type: 'int64', shape: ['batch', 'seq'] },
      { name: 'x', type: 'float32', shape: [2, 3] },
    ];
    const a = deterministicFeeds(inputs, { seq: 5 });
    const b = deterministicFeeds(inputs, { seq: 5 });
    expect(a.input_ids?.dims).toEqual([1, 5]);
    expect(Array.from(a.input_ids!.data as BigInt64Array)).toEqual([0n, 1n, 2n, 3n, 4n]);
    expect(a.x?.data).toEqual(b.x?.data);
    const masked = deterministicFeeds([{ name: 'attention_mask', type: 'int64', shape: [1, 3] }]);
    expect(Array.from(masked.attention_mask!.data as BigInt64Array)).toEqual([1n, 1n, 1n]);
    expect(() => deterministicFeeds([{ name: 's', type: 'string', shape: [1] }])).toThrow(/cannot fill/);
  });

  it('summarises and measures differences', () => {
    const a = { type: 'float32' as const, dims: [2, 2], data: Float32Array.of(1, -2, 3, 0.5) };
    const b = { type: 'float32' as const, dims: [2, 2], data: Float32Array.of(1, -2, 3.25, 0.5) };
    expect(summarise(a)).toMatchObject({ min: -2, max: 3, mean: 0.625, dims: [2, 2] });
    expect(maxAbsDifference(a, b)).toBe(0.25);
    expect(maxAbsDifference(a, { ...b, dims: [4] })).toBe(Infinity);
    expect(maxAbsDifference(a, { ...b, data: Float32Array.of(NaN, 0, 0, 0) })).toBeNaN();
  });
});
