import type { ReactElement } from 'react';
import { useAppStore } from '../store/index.ts';
import { pinKey } from '../store/pins.ts';
import { timelineProgress } from '../store/timelinePlan.ts';
import { ProgressBar } from './ProgressBar.tsx';

/** What the timeline is computing for the step shown, with progress and Stop. */
export function TimelineWork(): ReactElement | null {
  const job = useAppStore((s) => s.timelineJob);
  const encode = useAppStore((s) => s.timelineEncode);
  const stopped = useAppStore((s) => s.timelineStopped);
  const stop = useAppStore((s) => s.stopTimeline);
  const steps = useAppStore((s) => s.timeline);
  const index = useAppStore((s) => s.timelineIndex);
  const pins = useAppStore((s) => s.pins);
  const pinResults = useAppStore((s) => s.pinResults);
  const progress = timelineProgress({ steps, index, pins: pins.map(pinKey), pinResults });
  const length = steps.length;

  if (stopped && !job) return <p className="muted" role="status" aria-label="Timeline work">Stopped. Step or press Play to carry on.</p>;
  if (!job) return null;
  const label =
    job.kind === 'start'
      ? 'Initial Evo state from the oldest commit\'s snapshot'
      : job.kind === 'step'
        ? `Evo step across commit ${job.index + 1} of ${length}`
        : `Evo completions of pinned assertions at commit ${job.index + 1}`;
  const [loaded, total] =
    job.kind === 'pin' ? [progress.pinsDone, progress.pinsNeeded] : [progress.adaptersDone, progress.adaptersNeeded];
  const detail =
    job.kind !== 'pin' && encode && encode.files < encode.totalFiles
      ? `encoding ${encode.files} / ${encode.totalFiles} files`
      : `${loaded} / ${total} ${job.kind === 'pin' ? 'completions' : 'states'}`;
  return (
    <div className="timeline-work row" role="group" aria-label="Timeline work">
      <div className="grow"><ProgressBar label={label} loaded={loaded} total={total} detail={detail} /></div>
      <button type="button" className="secondary" onClick={() => void stop()}>Stop</button>
    </div>
  );
}
