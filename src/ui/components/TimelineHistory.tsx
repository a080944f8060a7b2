import type { ReactElement } from 'react';
import { useAppStore } from '../store/index.ts';
import { EARLIER_STEP, hasEarlierCommits } from '../store/timelineSlice.ts';
import { CLONE_STAGE_LABEL } from './cloneStage.ts';
import { ErrorNote } from './ErrorNote.tsx';
import { ProgressBar } from './ProgressBar.tsx';

/**
 * How much history the timeline holds, and "Load earlier commits": a shallow clone is deepened on demand (progress,
 * Cancel), then the timeline starts again at the new oldest commit.
 */
export function TimelineHistory(): ReactElement {
  const steps = useAppStore((s) => s.timeline);
  const more = useAppStore(hasEarlierCommits);
  const shallow = useAppStore((s) => s.activeRepo?.depth !== null && s.activeRepo?.depth !== undefined);
  const deepening = useAppStore((s) => s.timelineDeepening);
  const reading = useAppStore((s) => s.timelineReading);
  const error = useAppStore((s) => s.timelineEarlierError);
  const loadEarlier = useAppStore((s) => s.loadEarlier);
  const cancelEarlier = useAppStore((s) => s.cancelEarlier);

  const count = steps.length;
  const summary = `${count} commit${count === 1 ? '' : 's'}${more ? (shallow ? ' (a shallow clone: earlier history is fetched on demand)' : ' (the newest ones)') : ', the whole history'}`;
  return (
    <div className="timeline-history" role="group" aria-label="History">
      <div className="row">
        <p className="muted grow" role="status" aria-label="History length">{summary}</p>
        {more && !deepening && (
          <button type="button" className="secondary" disabled={reading !== null} onClick={() => void loadEarlier()}>
            Load {EARLIER_STEP} earlier commits
          </button>
        )}
        {deepening && (
          <button type="button" className="secondary" onClick={() => void cancelEarlier()}>Cancel</button>
        )}
      </div>
      {deepening && (
        <ProgressBar label={`Earlier history: ${CLONE_STAGE_LABEL[deepening.stage] ?? 'Working'}`} loaded={deepening.loaded} total={deepening.total} />
      )}
      {reading && !deepening && <ProgressBar label="Reading commits" loaded={reading.done} total={reading.total} />}
      {error?.code === 'cancelled' ? (
        <p className="muted" role="status" aria-label="Earlier history">Cancelled; the timeline is as it was.</p>
      ) : (
        error && <ErrorNote title="Earlier history" error={error} />
      )}
    </div>
  );
}
