import type { AdapterSummary } from '../../engine/completer/api.ts';
import type { RepoRecord } from '../../git/types.ts';
import type { UserError } from '../errors.ts';

export const LOCAL_IMPORT_REASON =
  'Code2LoRA-Evo follows a repository through its commits; a local folder or zip import has no history (one commit), so only Static applies.';

export interface EvoAvailabilityInput {
  activeRepo: Pick<RepoRecord, 'source'> | null;
  /** Why the engine could not make an Evo adapter (e.g. this model set has no Evo graphs). */
  evoError: UserError | null;
}

/** Why Code2LoRA-Evo cannot be used for this repository, or null when it can. */
export function evoBlockReason({ activeRepo, evoError }: EvoAvailabilityInput): string | null {
  if (activeRepo?.source === 'local') return LOCAL_IMPORT_REASON;
  if (evoError && evoError.code !== 'cancelled') return `Code2LoRA-Evo is unavailable: ${evoError.message}`;
  return null;
}

export interface EvoAdapterInput {
  timeline: readonly { evo: AdapterSummary | null }[];
  timelineIndex: number;
  /** The Evo state of the snapshot at HEAD, used until the timeline has run. */
  evoHead: AdapterSummary | null;
}

/**
 * The Evo adapter completions use: the timeline's current step once the timeline has computed any state (null
 * while that step's state is still being computed), otherwise the state of the snapshot at HEAD.
 */
export function evoAdapterId({ timeline, timelineIndex, evoHead }: EvoAdapterInput): string | null {
  if (timeline.some((t) => t.evo)) return timeline[timelineIndex]?.evo?.id ?? null;
  return evoHead?.id ?? null;
}

export interface EvoCommitInput extends EvoAdapterInput {
  timeline: readonly { evo: AdapterSummary | null; commit: { oid: string } }[];
  head: string;
}

/** Which commit's Evo state completions use, in words (the Score tab records it with its figures). */
export function evoCommitLabel({ timeline, timelineIndex, evoHead, head }: EvoCommitInput): string | null {
  if (timeline.some((t) => t.evo)) {
    const oid = timeline[timelineIndex]?.commit.oid;
    return oid ? `the Timeline's commit ${timelineIndex + 1} / ${timeline.length} (${oid.slice(0, 10)})` : null;
  }
  return evoHead ? `the snapshot at HEAD (${head.slice(0, 10)})` : null;
}
