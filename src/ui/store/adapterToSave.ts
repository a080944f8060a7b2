import type { Method } from '../../engine/completer/api.ts';
import type { ModelSet } from '../modelSets.ts';
import { evoAdapterId, type EvoCommitInput } from './evoAvailability.ts';

/** The adapter "Take the adapter with you" saves, and what its files say it is. */
export interface AdapterToSave {
  id: string;
  method: 'single' | 'static' | 'evo';
  /** The commit the adapter was made from (Evo: the Timeline's step, once the timeline has run). */
  commit: string;
}

export interface AdapterToSaveInput extends EvoCommitInput {
  /** The model set the worker has loaded. */
  set: Pick<ModelSet, 'methods' | 'pretrainedBase'> | null;
  method: Method;
  staticAdapterId: string | null;
  /** Why Evo has no adapter here, or null. */
  evoBlocked: boolean;
}

/**
 * The adapter the completions use when the mode has one (Static, or Evo at the Timeline's commit); otherwise the
 * set's single shared LoRA. Null for a set whose LM no other tool runs (its adapters would name a base nobody has)
 * or when the mode's adapter is not ready.
 */
export function adapterToSave(s: AdapterToSaveInput): AdapterToSave | null {
  if (!s.set?.pretrainedBase) return null;
  const methods = s.set.methods;
  if (s.method === 'static' && methods.includes('static')) {
    return s.staticAdapterId ? { id: s.staticAdapterId, method: 'static', commit: s.head } : null;
  }
  if (s.method === 'evo' && methods.includes('evo')) {
    const id = s.evoBlocked ? null : evoAdapterId(s);
    if (!id) return null;
    const onTimeline = s.timeline.some((t) => t.evo);
    return { id, method: 'evo', commit: (onTimeline ? s.timeline[s.timelineIndex]?.commit.oid : null) ?? s.head };
  }
  return methods.includes('single') ? { id: 'single', method: 'single', commit: s.head } : null;
}
