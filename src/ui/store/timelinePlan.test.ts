import { describe, expect, it } from 'vitest';
import type { AdapterSummary } from '../../engine/completer/api.ts';
import { nextTimelineJob, timelineProgress, type PinCompletion } from './timelinePlan.ts';
import { pinResultKey } from './pins.ts';

const adapter = (id: string): AdapterSummary => ({ id, norms: {}, cosineToPrevious: null, ms: 1 });
const steps = (known: number, total = 5) =>
  Array.from({ length: total }, (_, i) => ({ commit: { oid: `c${i}` }, evo: i < known ? adapter(`e${i}`) : null }));
const done = (text: string): PinCompletion => ({ status: 'done', text, error: null });

describe('nextTimelineJob', () => {
  it('starts with z_0, then steps one commit at a time up to the step shown', () => {
    expect(nextTimelineJob({ steps: steps(0), index: 3, pins: [], pinResults: {} })).toEqual({ kind: 'start' });
    expect(nextTimelineJob({ steps: steps(1), index: 3, pins: [], pinResults: {} })).toEqual({ kind: 'step', index: 1 });
    expect(nextTimelineJob({ steps: steps(3), index: 3, pins: [], pinResults: {} })).toEqual({ kind: 'step', index: 3 });
    expect(nextTimelineJob({ steps: steps(4), index: 3, pins: [], pinResults: {} })).toBeNull();
  });

  it('needs nothing to go back to a computed step', () => {
    expect(nextTimelineJob({ steps: steps(5), index: 1, pins: [], pinResults: {} })).toBeNull();
    expect(nextTimelineJob({ steps: steps(5), index: -1, pins: [], pinResults: {} })).toBeNull();
  });

  it('completes the pins at the step shown, then at the previous step, and keeps them', () => {
    const base = { steps: steps(5), index: 2, pins: ['a', 'b'] };
    expect(nextTimelineJob({ ...base, pinResults: {} })).toEqual({ kind: 'pin', index: 2, pin: 'a' });
    const here = { [pinResultKey('c2', 'a')]: done('1'), [pinResultKey('c2', 'b')]: done('2') };
    expect(nextTimelineJob({ ...base, pinResults: here })).toEqual({ kind: 'pin', index: 1, pin: 'a' });
    const both = { ...here, [pinResultKey('c1', 'a')]: done('1'), [pinResultKey('c1', 'b')]: done('3') };
    expect(nextTimelineJob({ ...base, pinResults: both })).toBeNull();
    // A running or failed completion is not asked for again.
    const running: Record<string, PinCompletion> = { [pinResultKey('c0', 'a')]: { status: 'running', text: '', error: null } };
    expect(nextTimelineJob({ steps: steps(5), index: 0, pins: ['a'], pinResults: running })).toBeNull();
  });

  it('computes the states before any pin', () => {
    expect(nextTimelineJob({ steps: steps(2), index: 2, pins: ['a'], pinResults: {} })).toEqual({ kind: 'step', index: 2 });
  });
});

describe('timelineProgress', () => {
  it('counts states up to the step shown and the pins of this step and the previous one', () => {
    const pinResults = { [pinResultKey('c2', 'a')]: done('1'), [pinResultKey('c1', 'a')]: { status: 'failed', text: '', error: null } as PinCompletion };
    expect(timelineProgress({ steps: steps(2), index: 2, pins: ['a', 'b'], pinResults })).toEqual({
      adaptersDone: 2,
      adaptersNeeded: 3,
      pinsDone: 2,
      pinsNeeded: 4,
    });
  });
});
