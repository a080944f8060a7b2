import type { ReactElement } from 'react';
import type { AdapterSummary } from '../../engine/completer/api.ts';

export const PROJECTIONS = ['q', 'k', 'v', 'o', 'gate', 'up', 'down'] as const;

const fmt = (x: number): string => x.toPrecision(4);

function change(now: number, before: number | undefined): string {
  if (before === undefined) return '';
  const pct = ((now - before) / Math.max(Math.abs(before), 1e-12)) * 100;
  return `${pct >= 0 ? '+' : ''}${pct.toFixed(2)}%`;
}

/** Per projection type: the norms of A, B and the update ΔW, and how ‖ΔW‖ moved since the previous step. */
export function AdapterNorms({ adapter, previous }: { adapter: AdapterSummary; previous: AdapterSummary | null }): ReactElement {
  return (
    <table aria-label="Adapter at this commit">
      <thead>
        <tr><th>Projection</th><th>‖A‖</th><th>‖B‖</th><th>‖ΔW‖</th><th>‖ΔW‖ vs previous step</th></tr>
      </thead>
      <tbody>
        {PROJECTIONS.map((p) => {
          const n = adapter.norms[p];
          if (!n) return null;
          return (
            <tr key={p}>
              <th scope="row">{p}</th>
              <td>{fmt(n.a)}</td>
              <td>{fmt(n.b)}</td>
              <td>{fmt(n.delta)}</td>
              <td>{change(n.delta, previous?.norms[p]?.delta)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
