import { describe, expect, it } from 'vitest';
import { bytesToMiB, mibToBytes } from './mebibytes.ts';
import { DEFAULT_LIMITS } from '../services/repoFiles.ts';

describe('MiB settings', () => {
  it('shows the 30 MiB default as 30', () => {
    expect(bytesToMiB(DEFAULT_LIMITS.maxPythonBytes)).toBe(30);
  });

  it('stores an edit in bytes of 2^20', () => {
    expect(mibToBytes('30')).toBe(DEFAULT_LIMITS.maxPythonBytes);
    expect(mibToBytes('1')).toBe(1_048_576);
    expect(bytesToMiB(mibToBytes('45'))).toBe(45);
  });

  it('takes at least 1 MiB', () => {
    expect(mibToBytes('')).toBe(1_048_576);
    expect(mibToBytes('-3')).toBe(1_048_576);
  });
});
