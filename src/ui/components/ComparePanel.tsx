import type { ReactElement } from 'react';
import { useAppStore } from '../store/index.ts';
import { METHODS, METHOD_LABEL } from '../store/completionSlice.ts';
import { exactMatch } from '../../core/metric/index.ts';

/** Every method's completion at the cursor, side by side, with latency and prompt size. */
export function ComparePanel({ prefix }: { prefix: string | null }): ReactElement {
  const completions = useAppStore((s) => s.completions);
  const task = useAppStore((s) => s.activeTask);
  const complete = useAppStore((s) => s.complete);
  const ready = useAppStore((s) => s.phase === 'ready');
  return (
    <section className="compare" aria-labelledby="compare-heading">
      <h3 id="compare-heading">Compare methods</h3>
      <button type="button" disabled={!prefix || !ready} onClick={() => prefix && void complete(prefix, METHODS)}>
        Run all methods here
      </button>
      <table aria-label="Completions by method">
        <thead>
          <tr><th>Method</th><th>Completion</th><th>Exact</th><th>Prompt tokens</th><th>First token</th><th>Total</th></tr>
        </thead>
        <tbody>
          {METHODS.map((m) => {
            const c = completions[m];
            const em = c?.status === 'done' && task ? exactMatch(c.text, task.target) : null;
            return (
              <tr key={m} data-method={m}>
                <th scope="row">{METHOD_LABEL[m]}</th>
                <td><code>{c?.error ? c.error.message : c?.text ?? ''}</code>{c?.status === 'running' && ' …'}</td>
                <td>{em === null ? '' : em ? 'yes' : 'no'}</td>
                <td>{c?.result?.promptTokens ?? ''}</td>
                <td>{c?.result ? `${c.result.firstTokenMs.toFixed(0)} ms` : ''}</td>
                <td>{c?.result ? `${c.result.totalMs.toFixed(0)} ms` : ''}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {task && <p className="muted">Expected: <code>{task.target}</code></p>}
    </section>
  );
}
