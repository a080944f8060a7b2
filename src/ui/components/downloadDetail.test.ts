import { describe, expect, it } from 'vitest';
import { downloadDetail } from './downloadDetail.ts';

describe('downloadDetail', () => {
  it('gives megabytes and the rate once there is a rate to give', () => {
    const p = { name: 'lm', loaded: 25_000_000, total: 97_800_000, source: 'network' as const };
    expect(downloadDetail(p, 2000)).toBe('25.0 / 97.8 MB · 12.5 MB/s');
    expect(downloadDetail(p, 100)).toBe('25.0 / 97.8 MB');
    expect(downloadDetail({ ...p, loaded: 0 }, 5000)).toBe('0.0 / 97.8 MB');
  });

  it("says when the bytes come from the browser's own copy", () => {
    expect(downloadDetail({ name: 'lm', loaded: 1e6, total: 2e6, source: 'cache' }, 10)).toMatch(/from this browser's copy/);
  });
});
