import { describe, expect, it } from 'vitest';
import type { AdapterSummary } from '../../engine/completer/api.ts';
import { MODEL_SETS } from '../modelSets.ts';
import { adapterToSave, type AdapterToSaveInput } from './adapterToSave.ts';

const summary = (id: string): AdapterSummary => ({ id, norms: {}, cosineToPrevious: null, ms: 1 });
const step = (oid: string, evo: string | null): { commit: { oid: string }; evo: AdapterSummary | null } => ({
  commit: { oid },
  evo: evo ? summary(evo) : null,
});

const base: AdapterToSaveInput = {
  set: MODEL_SETS.base,
  method: 'memory',
  staticAdapterId: null,
  evoBlocked: false,
  timeline: [],
  timelineIndex: -1,
  evoHead: null,
  head: 'head-oid',
};

describe('adapterToSave', () => {
  it('saves the single shared LoRA of the pretrained base in a mode without an adapter of its own', () => {
    for (const method of ['memory', 'base', 'rag', 'single'] as const) {
      expect(adapterToSave({ ...base, method })).toEqual({ id: 'single', method: 'single', commit: 'head-oid' });
    }
  });

  it('saves nothing for a set whose LM no other tool runs', () => {
    expect(MODEL_SETS.code2lora.pretrainedBase).toBe(false);
    expect(adapterToSave({ ...base, set: MODEL_SETS.code2lora, method: 'static', staticAdapterId: 's1' })).toBeNull();
    expect(adapterToSave({ ...base, set: null })).toBeNull();
  });

  describe('on a pretrained base with hypernetworks', () => {
    // A set offering every method on a pretrained base (none is built yet: the base has no hypernetwork trained).
    const withHypernets = { pretrainedBase: true, methods: ['base', 'single', 'static', 'evo'] as const };
    const run = (input: Partial<AdapterToSaveInput>): ReturnType<typeof adapterToSave> => adapterToSave({ ...base, set: withHypernets, ...input });

    it('Static: the repository adapter at HEAD, or nothing until it is made', () => {
      expect(run({ method: 'static', staticAdapterId: 'static-1' })).toEqual({ id: 'static-1', method: 'static', commit: 'head-oid' });
      expect(run({ method: 'static' })).toBeNull();
    });

    it("Evo: the state at HEAD until the timeline has run, then the Timeline's step and its commit", () => {
      expect(run({ method: 'evo', evoHead: summary('evo-head') })).toEqual({ id: 'evo-head', method: 'evo', commit: 'head-oid' });
      const timeline = [step('c0', 'evo-0'), step('c1', 'evo-1'), step('c2', null)];
      expect(run({ method: 'evo', evoHead: summary('evo-head'), timeline, timelineIndex: 1 })).toEqual({ id: 'evo-1', method: 'evo', commit: 'c1' });
      expect(run({ method: 'evo', timeline, timelineIndex: 2 })).toBeNull();
      expect(run({ method: 'evo', evoHead: summary('evo-head'), evoBlocked: true })).toBeNull();
    });
  });
});
