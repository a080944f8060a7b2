import type { ReactElement } from 'react';

interface Props {
  /** One value per timeline step; null where it is not known (yet). */
  values: readonly (number | null)[];
  current: number;
  label: string;
  format(v: number): string;
}

const W = 420;
const H = 64;
const PAD = 6;

/** A small line chart over the timeline's steps, with the step shown marked; its points carry their values. */
export function Sparkline({ values, current, label, format }: Props): ReactElement {
  const points = values.flatMap((v, i) => (v === null || !Number.isFinite(v) ? [] : [{ i, v }]));
  const min = Math.min(...points.map((p) => p.v));
  const max = Math.max(...points.map((p) => p.v));
  const span = max - min;
  const x = (i: number): number => (values.length > 1 ? PAD + (i / (values.length - 1)) * (W - 2 * PAD) : W / 2);
  const y = (v: number): number => (span > 0 ? H - PAD - ((v - min) / span) * (H - 2 * PAD) : H / 2);
  return (
    <div className="sparkline">
      <div className="sparkline-label">
        <span>{label}</span>
        <span className="muted">{points.length > 0 ? `${format(min)} – ${format(max)}` : 'no values yet'}</span>
      </div>
      <svg width={W} height={H} role="img" aria-label={`${label}: ${points.length} of ${values.length} commits`} data-points={points.length}>
        <line className="axis" x1={x(current)} x2={x(current)} y1={0} y2={H} />
        {points.length > 1 && (
          <polyline fill="none" stroke="currentColor" strokeWidth="1.5" points={points.map((p) => `${x(p.i)},${y(p.v)}`).join(' ')} />
        )}
        {points.map((p) => (
          <circle key={p.i} cx={x(p.i)} cy={y(p.v)} r={p.i === current ? 4 : 2.5}>
            <title>{`commit ${p.i + 1}: ${format(p.v)}`}</title>
          </circle>
        ))}
      </svg>
    </div>
  );
}
