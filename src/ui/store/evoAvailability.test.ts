import { describe, expect, it } from 'vitest';
import type { AdapterSummary } from '../../engine/completer/api.ts';
import { LOCAL_IMPORT_REASON, evoAdapterId, evoBlockReason, evoCommitLabel } from './evoAvailability.ts';

const adapter = (id: string): AdapterSummary => ({ id, norms: {}, cosineToPrevious: null, ms: 1 });

describe('evoBlockReason', () => {
  it('disables Evo for a local import (no history) with the reason', () => {
    expect(evoBlockReason({ activeRepo: { source: 'local' }, evoError: null })).toBe(LOCAL_IMPORT_REASON);
    expect(LOCAL_IMPORT_REASON).toMatch(/no history/);
  });

  it('disables Evo when the engine could not make an Evo adapter, saying why', () => {
    const evoError = { code: 'unknown-model', message: 'this model set has no Evo graphs yet' };
    expect(evoBlockReason({ activeRepo: { source: 'demo' }, evoError })).toMatch(/unavailable: this model set has no Evo graphs/);
  });

  it('leaves Evo on for cloned and demo repositories, and after a cancellation', () => {
    expect(evoBlockReason({ activeRepo: { source: 'remote' }, evoError: null })).toBeNull();
    expect(evoBlockReason({ activeRepo: { source: 'demo' }, evoError: { code: 'cancelled', message: 'Cancelled.' } })).toBeNull();
  });
});

describe('evoAdapterId', () => {
  it('is the HEAD snapshot state until the timeline has run', () => {
    expect(evoAdapterId({ timeline: [{ evo: null }, { evo: null }], timelineIndex: 1, evoHead: adapter('head') })).toBe('head');
    expect(evoAdapterId({ timeline: [], timelineIndex: -1, evoHead: null })).toBeNull();
  });

  it('is the current step\'s adapter once the timeline has run (null while it is computed)', () => {
    const timeline = [{ evo: adapter('e0') }, { evo: adapter('e1') }, { evo: null }];
    expect(evoAdapterId({ timeline, timelineIndex: 1, evoHead: adapter('head') })).toBe('e1');
    expect(evoAdapterId({ timeline, timelineIndex: 2, evoHead: adapter('head') })).toBeNull();
  });
});

describe('evoCommitLabel', () => {
  const summary = (id: string) => ({ id, norms: {}, cosineToPrevious: null, ms: 1 });
  it('names HEAD until the timeline has run', () => {
    expect(evoCommitLabel({ timeline: [], timelineIndex: 0, evoHead: summary('h'), head: 'abcdef0123456789' }))
      .toBe('the snapshot at HEAD (abcdef0123)');
  });
  it('names the timeline commit shown once it has', () => {
    const timeline = [
      { evo: summary('a'), commit: { oid: '1111111111aaaa' } },
      { evo: summary('b'), commit: { oid: '2222222222bbbb' } },
    ];
    expect(evoCommitLabel({ timeline, timelineIndex: 1, evoHead: summary('h'), head: 'ffff' }))
      .toBe("the Timeline's commit 2 / 2 (2222222222)");
  });
  it('is null with no Evo state', () => {
    expect(evoCommitLabel({ timeline: [], timelineIndex: 0, evoHead: null, head: 'ffff' })).toBeNull();
  });
});
