import type { ReactElement } from 'react';
import { useAppStore } from '../store/index.ts';
import { Sparkline } from './Sparkline.tsx';
import { formatCosine } from './formatCosine.ts';

/** How the Evo adapter moved over the commits computed so far: its total update norm and its step-to-step cosine. */
export function AdapterChart(): ReactElement {
  const timeline = useAppStore((s) => s.timeline);
  const index = useAppStore((s) => s.timelineIndex);
  const norm = timeline.map((t) => (t.evo ? Object.values(t.evo.norms).reduce((n, x) => n + x.delta, 0) : null));
  const cosine = timeline.map((t) => t.evo?.cosineToPrevious ?? null);
  return (
    <figure className="adapter-chart" aria-label="Adapter over time">
      <Sparkline values={norm} current={index} label="Σ‖ΔW‖ over the seven projection types" format={(v) => v.toPrecision(4)} />
      <Sparkline values={cosine} current={index} label="Cosine to the previous state" format={formatCosine} />
      <figcaption className="muted">One point per commit whose state has been computed; the line marks the commit shown.</figcaption>
    </figure>
  );
}
