import type { AdapterSummary } from '../../engine/completer/api.ts';
import type { UserError } from '../errors.ts';
import { pinResultKey } from './pins.ts';

/** One pinned assertion's Evo completion at one step. */
export interface PinCompletion {
  status: 'running' | 'done' | 'failed';
  text: string;
  error: UserError | null;
}

/** One unit of the timeline's work, done by the model worker one at a time. */
export type TimelineJob =
  /** z_0: the Evo state of the snapshot at the oldest commit. */
  | { kind: 'start' }
  /** The Evo step across commit `index` (from the state at `index - 1`). */
  | { kind: 'step'; index: number }
  /** The Evo completion of pinned assertion `pin` at step `index`. */
  | { kind: 'pin'; index: number; pin: string };

export interface PlanInput {
  steps: readonly { commit: { oid: string }; evo: AdapterSummary | null }[];
  index: number;
  /** Pin keys (see pins.ts), in the order they were pinned. */
  pins: readonly string[];
  pinResults: Readonly<Record<string, PinCompletion>>;
}

/** Steps whose pinned completions the view at `index` shows: the step itself, then the one before (to compare). */
function pinSteps(index: number): number[] {
  return index > 0 ? [index, index - 1] : [index];
}

/**
 * What to do next for the step shown: the Evo states from the oldest commit up to it (each state needs the one
 * before), then its pinned completions, then the previous step's (what "changed" is measured against). Null when
 * the view has everything it needs. Everything done is kept, so going back needs nothing.
 */
export function nextTimelineJob({ steps, index, pins, pinResults }: PlanInput): TimelineJob | null {
  if (index < 0 || index >= steps.length) return null;
  for (let k = 0; k <= index; k++) {
    if (!steps[k]?.evo) return k === 0 ? { kind: 'start' } : { kind: 'step', index: k };
  }
  for (const i of pinSteps(index)) {
    const commit = steps[i]?.commit.oid ?? '';
    for (const pin of pins) {
      if (!pinResults[pinResultKey(commit, pin)]) return { kind: 'pin', index: i, pin };
    }
  }
  return null;
}

export interface TimelineProgress {
  adaptersDone: number;
  adaptersNeeded: number;
  pinsDone: number;
  pinsNeeded: number;
}

/** How far the work for the step shown has got (for the progress bar). */
export function timelineProgress({ steps, index, pins, pinResults }: PlanInput): TimelineProgress {
  if (index < 0 || index >= steps.length) return { adaptersDone: 0, adaptersNeeded: 0, pinsDone: 0, pinsNeeded: 0 };
  const adaptersNeeded = index + 1;
  const adaptersDone = steps.slice(0, adaptersNeeded).filter((s) => s.evo).length;
  let pinsDone = 0;
  let pinsNeeded = 0;
  for (const i of pinSteps(index)) {
    const commit = steps[i]?.commit.oid ?? '';
    for (const pin of pins) {
      pinsNeeded++;
      if (pinResults[pinResultKey(commit, pin)]?.status === 'done' || pinResults[pinResultKey(commit, pin)]?.status === 'failed') pinsDone++;
    }
  }
  return { adaptersDone, adaptersNeeded, pinsDone, pinsNeeded };
}
