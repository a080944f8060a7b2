import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { measuredEm, shippedEm } from './measured.ts';

const results: unknown = JSON.parse(readFileSync(new URL('../../models/results.json', import.meta.url), 'utf8'));

describe('measured exact match', () => {
  it('reads every method of the app from results.json', () => {
    for (const m of ['base', 'static', 'evo', 'rag'] as const) {
      const em = measuredEm(results, m);
      expect(em, m).not.toBeNull();
      expect(em!.em).toBeGreaterThan(0);
      expect(em!.em).toBeLessThan(100);
      expect(em!.tasks).toBeGreaterThan(0);
    }
  });

  it('takes Static from the static track and Evo from the evolution track', () => {
    const root = results as { splits: { cr_test: { systems: { static: { exact_match: { mean: number } } } } };
      evolution: { splits: { cr_test: { systems: { evo: { exact_match: { mean: number } } } } } } };
    expect(measuredEm(results, 'static')!.em).toBeCloseTo(100 * root.splits.cr_test.systems.static.exact_match.mean, 9);
    expect(measuredEm(results, 'evo')!.em).toBeCloseTo(100 * root.evolution.splits.cr_test.systems.evo.exact_match.mean, 9);
  });

  it('is null, not a crash, for another layout', () => {
    expect(measuredEm({}, 'static')).toBeNull();
    expect(measuredEm(null, 'evo')).toBeNull();
    expect(measuredEm({ splits: { cr_test: { systems: { rag: { exact_match: 0.1 } } } } }, 'rag')).toBeNull();
  });

  it('ships the same figures in the bundle', () => {
    expect(shippedEm('base')).toEqual(measuredEm(results, 'base'));
  });

  it("gives the base set's memory mode the figure of the LoRA trained on the memory prompt, which it runs", () => {
    const base: unknown = JSON.parse(readFileSync(new URL('../../models/base/results.json', import.meta.url), 'utf8'));
    const em = shippedEm('memory', 'base');
    expect(em).not.toBeNull();
    expect(em).toEqual(measuredEm(base, 'memory', 'single_memory'));
    expect(em!.em).not.toBeCloseTo(measuredEm(base, 'memory')!.em, 6);
  });
});
