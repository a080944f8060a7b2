import { useEffect, type ReactElement } from 'react';
import { useAppStore } from '../store/index.ts';
import { evoBlockReason } from '../store/evoAvailability.ts';
import { ErrorNote } from './ErrorNote.tsx';
import { AdapterChart } from './AdapterChart.tsx';
import { TimelineControls } from './TimelineControls.tsx';
import { TimelineStepView } from './TimelineStepView.tsx';
import { TimelineHistory } from './TimelineHistory.tsx';
import { TimelineWork } from './TimelineWork.tsx';
import { PinnedCompletions } from './PinnedCompletions.tsx';
import { useTimelineKeys } from './useTimelineKeys.ts';

/**
 * The Code2LoRA-Evo timeline: the first-parent history, oldest first; step, play, scrub. At each step: the commit,
 * the production files it changed, how the Evo adapter moved, and the pinned assertions' completions.
 */
export function TimelinePanel(): ReactElement {
  const timeline = useAppStore((s) => s.timeline);
  const index = useAppStore((s) => s.timelineIndex);
  const loading = useAppStore((s) => s.timelineLoading);
  const error = useAppStore((s) => s.timelineError);
  const loadTimeline = useAppStore((s) => s.loadTimeline);
  const runTimeline = useAppStore((s) => s.runTimeline);
  const depth = useAppStore((s) => s.settings.cloneDepth);
  const ready = useAppStore((s) => s.phase === 'ready');
  const local = useAppStore((s) => s.activeRepo?.source === 'local');
  const evoError = useAppStore((s) => s.evoError);
  const blockedReason = useAppStore(evoBlockReason);
  const reading = useAppStore((s) => s.timelineReading);
  const readingLine = reading ? `Reading the history… ${reading.done} / ${reading.total} commits` : 'Reading the history…';
  useTimelineKeys();

  useEffect(() => {
    if (timeline.length === 0 && !loading && !error) void loadTimeline(depth);
  }, [timeline.length, loading, error, loadTimeline, depth]);

  // Play belongs to the timeline on screen: leaving the tab pauses it.
  const pauseTimeline = useAppStore((s) => s.pauseTimeline);
  useEffect(() => pauseTimeline, [pauseTimeline]);

  // The models may become ready after the timeline was read: then its work starts.
  useEffect(() => {
    if (ready && timeline.length > 0) void runTimeline();
  }, [ready, timeline.length, runTimeline]);

  const step = timeline[index];
  const note = blockedReason
    ? 'No Evo adapter for this repository (see above).'
    : ready
      ? 'Computing the Evo state up to this commit…'
      : 'The Evo adapter appears once the models are ready.';
  return (
    <section className="timeline" aria-labelledby="timeline-heading">
      <h3 id="timeline-heading">Code2LoRA-Evo timeline</h3>
      {local ? (
        <p className="note" role="note" aria-label="Evo availability">{blockedReason}</p>
      ) : (
        evoError && <ErrorNote title="Code2LoRA-Evo is unavailable" error={evoError} />
      )}
      {error && <ErrorNote title="Timeline" error={error} />}
      {timeline.length === 0 ? (
        <p className="muted" role="status">{loading ? readingLine : 'No history.'}</p>
      ) : (
        <>
          {!local && <TimelineHistory />}
          <TimelineControls disabled={!ready} canPlay={!blockedReason} />
          <TimelineWork />
          <div className="timeline-body">
            <div>
              {step && <TimelineStepView step={step} previous={timeline[index - 1] ?? null} index={index} note={note} />}
            </div>
            {!blockedReason && (
              <div>
                <AdapterChart />
                <PinnedCompletions />
              </div>
            )}
          </div>
        </>
      )}
    </section>
  );
}
