import { describe, expect, it } from 'vitest';
import { copyBandwidthGBs, decodeBound, lmWeightBytes } from './bandwidth.ts';

describe('the decode bound', () => {
  it('reads the float32 weight bytes from the manifest config, and nothing from a config without them', () => {
    expect(lmWeightBytes({ lm: { params: 134_515_008 } })).toBe(538_060_032);
    for (const config of [undefined, null, 3, {}, { lm: null }, { lm: { params: '1' } }, { lm: { params: 0 } }]) {
      expect(lmWeightBytes(config)).toBeNull();
    }
    expect(decodeBound({ lm: {} })).toBeNull();
  });

  it('is the weight bytes over a measured bandwidth', () => {
    expect(copyBandwidthGBs(8, 3)).toBeGreaterThan(0);
    const bound = decodeBound({ lm: { params: 1_000_000 } });
    expect(bound).not.toBeNull();
    if (!bound) return;
    expect(bound.weightBytes).toBe(4_000_000);
    expect(bound.boundMs).toBeCloseTo((4_000_000 / (bound.bandwidthGBs * 1e9)) * 1000, 9);
  });
});
