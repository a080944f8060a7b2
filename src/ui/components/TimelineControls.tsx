import type { ReactElement } from 'react';
import { useAppStore } from '../store/index.ts';

/** Step back, play/pause, step forward, scrub; the position; the keys. */
export function TimelineControls({ disabled, canPlay }: { disabled: boolean; canPlay: boolean }): ReactElement {
  const length = useAppStore((s) => s.timeline.length);
  const index = useAppStore((s) => s.timelineIndex);
  const playing = useAppStore((s) => s.timelinePlaying);
  const stepTo = useAppStore((s) => s.stepTo);
  const togglePlay = useAppStore((s) => s.togglePlay);
  return (
    <div className="timeline-controls">
      <div className="row">
        <button type="button" aria-label="Previous commit" aria-keyshortcuts="ArrowLeft" disabled={disabled || index <= 0}
          onClick={() => void stepTo(index - 1)}>◀</button>
        <button type="button" aria-label={playing ? 'Pause' : 'Play'} aria-keyshortcuts="Space" disabled={disabled || !canPlay || length < 2}
          className="play" onClick={togglePlay}>{playing ? 'Pause' : 'Play'}</button>
        <button type="button" aria-label="Next commit" aria-keyshortcuts="ArrowRight" disabled={disabled || index >= length - 1}
          onClick={() => void stepTo(index + 1)}>▶</button>
        <input type="range" aria-label="Commit" aria-valuetext={`commit ${index + 1} of ${length}`} min={0} max={Math.max(0, length - 1)}
          value={Math.max(0, index)} disabled={disabled} onChange={(e) => void stepTo(Number(e.target.value))} />
        <span role="status" aria-label="Timeline position">{index + 1} / {length}</span>
      </div>
      <p className="muted keys">Keys: ← → step · Home / End oldest / newest · Space play or pause</p>
    </div>
  );
}
