import type { ReactElement } from 'react';
import { useAppStore } from '../store/index.ts';

/** A small SVG chart of the adapter's total update norm at each visited commit. */
export function AdapterChart(): ReactElement | null {
  const timeline = useAppStore((s) => s.timeline);
  const index = useAppStore((s) => s.timelineIndex);
  const points = timeline
    .map((t, i) => ({ i, v: t.adapter ? Object.values(t.adapter.norms).reduce((n, x) => n + x.delta, 0) : null }))
    .filter((p): p is { i: number; v: number } => p.v !== null);
  if (points.length < 2) return null;
  const w = 360;
  const h = 80;
  const min = Math.min(...points.map((p) => p.v));
  const max = Math.max(...points.map((p) => p.v));
  const x = (i: number): number => (timeline.length > 1 ? (i / (timeline.length - 1)) * (w - 10) + 5 : w / 2);
  const y = (v: number): number => h - 5 - ((v - min) / Math.max(max - min, 1e-12)) * (h - 10);
  return (
    <figure className="adapter-chart">
      <svg width={w} height={h} role="img" aria-label="Adapter update norm over commits">
        <polyline fill="none" stroke="currentColor" strokeWidth="1.5" points={points.map((p) => `${x(p.i)},${y(p.v)}`).join(' ')} />
        {points.map((p) => (
          <circle key={p.i} cx={x(p.i)} cy={y(p.v)} r={p.i === index ? 4 : 2} />
        ))}
      </svg>
      <figcaption className="muted">Sum of ‖ΔW‖ over the seven projection types, per visited commit.</figcaption>
    </figure>
  );
}
