import { describe, expect, it } from 'vitest';
import { formatCosine } from './formatCosine.ts';

describe('formatCosine', () => {
  it('keeps four decimals where they tell the cosine from 1', () => {
    expect(formatCosine(0.81512)).toBe('0.8151');
    expect(formatCosine(-0.5)).toBe('-0.5000');
    expect(formatCosine(1)).toBe('1.0000');
  });

  it('shows a small move as a number below 1', () => {
    const text = formatCosine(0.9999887943);
    expect(text).toBe('0.9999888');
    expect(Number(text)).toBeLessThan(1);
    expect(Number(formatCosine(1 - 3e-9))).toBeLessThan(1);
  });

  it('says what is not a number', () => {
    expect(formatCosine(Number.NaN)).toBe('NaN');
  });
});
