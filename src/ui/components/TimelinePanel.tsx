import { useEffect, useRef, useState, type ReactElement } from 'react';
import { useAppStore } from '../store/index.ts';
import { ErrorNote } from './ErrorNote.tsx';
import { AdapterChart } from './AdapterChart.tsx';

const PROJECTIONS = ['q', 'k', 'v', 'o', 'gate', 'up', 'down'] as const;

/** The first-parent history as a timeline: step, play, scrub; the adapter at each step and how it moved. */
export function TimelinePanel(): ReactElement {
  const timeline = useAppStore((s) => s.timeline);
  const index = useAppStore((s) => s.timelineIndex);
  const busy = useAppStore((s) => s.timelineBusy);
  const error = useAppStore((s) => s.timelineError);
  const loadTimeline = useAppStore((s) => s.loadTimeline);
  const stepTo = useAppStore((s) => s.stepTo);
  const depth = useAppStore((s) => s.settings.cloneDepth);
  const ready = useAppStore((s) => s.phase === 'ready');
  const [playing, setPlaying] = useState(false);
  const playingRef = useRef(false);

  useEffect(() => {
    if (timeline.length === 0 && !busy) void loadTimeline(depth);
  }, [timeline.length, busy, loadTimeline, depth]);

  useEffect(() => {
    playingRef.current = playing;
    if (!playing) return;
    void (async () => {
      for (let i = Math.max(0, index + 1); i < useAppStore.getState().timeline.length && playingRef.current; i++) {
        await stepTo(i);
      }
      setPlaying(false);
    })();
    // Playing starts from the step shown when Play was pressed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [playing]);

  const step = timeline[index];
  const prev = index > 0 ? timeline[index - 1] : undefined;
  const onKey = (e: React.KeyboardEvent): void => {
    if (e.key === 'ArrowLeft' && index > 0) void stepTo(index - 1);
    if (e.key === 'ArrowRight' && index < timeline.length - 1) void stepTo(index + 1);
  };

  return (
    <section className="timeline" aria-labelledby="timeline-heading" onKeyDown={onKey}>
      <h3 id="timeline-heading">Commit timeline</h3>
      {error && <ErrorNote title="Timeline" error={error} />}
      {timeline.length === 0 ? (
        <p className="muted" role="status">{busy ? 'Reading the history…' : 'No history.'}</p>
      ) : (
        <>
          <div className="row">
            <button type="button" aria-label="Previous commit" disabled={!ready || index <= 0 || busy} onClick={() => void stepTo(index - 1)}>◀</button>
            <button type="button" aria-label={playing ? 'Pause' : 'Play'} disabled={!ready} onClick={() => setPlaying((p) => !p)}>{playing ? 'Pause' : 'Play'}</button>
            <button type="button" aria-label="Next commit" disabled={!ready || index >= timeline.length - 1 || busy} onClick={() => void stepTo(index + 1)}>▶</button>
            <input type="range" aria-label="Commit" min={0} max={timeline.length - 1} value={Math.max(0, index)} disabled={!ready}
              onChange={(e) => void stepTo(Number(e.target.value))} />
            <span role="status" aria-label="Timeline position">{index + 1} / {timeline.length}{busy ? ' · adapting…' : ''}</span>
          </div>
          {step && (
            <div className="step">
              <p><code>{step.commit.oid.slice(0, 10)}</code> {step.commit.message.split('\n')[0]}</p>
              <p className="muted">Production files changed: {step.productionChanges.length === 0 ? 'none' : step.productionChanges.map((c) => `${c.path} (${c.kind})`).join(', ')}</p>
              {step.adapter ? (
                <table aria-label="Adapter at this commit">
                  <thead><tr><th>Projection</th><th>‖ΔW‖</th><th>change vs previous step</th></tr></thead>
                  <tbody>
                    {PROJECTIONS.map((p) => {
                      const now = step.adapter?.norms[p]?.delta ?? 0;
                      const before = prev?.adapter?.norms[p]?.delta;
                      return (
                        <tr key={p}><th scope="row">{p}</th><td>{now.toExponential(3)}</td>
                          <td>{before === undefined ? '' : `${(((now - before) / Math.max(before, 1e-12)) * 100).toFixed(2)}%`}</td></tr>
                      );
                    })}
                  </tbody>
                </table>
              ) : (
                <p className="muted">{ready ? 'Step here to compute this commit\'s adapter.' : 'The adapter appears once the models are ready.'}</p>
              )}
              {step.adapter?.cosineToPrevious !== null && step.adapter?.cosineToPrevious !== undefined && (
                <p>Cosine to the previous adapter: {step.adapter.cosineToPrevious.toFixed(4)}</p>
              )}
            </div>
          )}
          <AdapterChart />
        </>
      )}
    </section>
  );
}
