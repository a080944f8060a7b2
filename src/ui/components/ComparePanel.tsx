import type { ReactElement } from 'react';
import { useAppStore } from '../store/index.ts';
import { METHOD_LABEL, type MethodCompletion } from '../store/completionSlice.ts';
import { MODEL_SETS } from '../modelSets.ts';
import { exactMatch } from '../../core/metric/index.ts';

/**
 * What a row's completion cell shows. A method with no adapter here (Evo on a local import) says so in one word:
 * its full reason is already under the mode switch, and a paragraph would not fit the side panel's column.
 */
function CompletionCell({ c }: { c: MethodCompletion | undefined }): ReactElement {
  if (c?.error?.code === 'no-adapter') {
    return <span className="muted" title={c.error.message} data-unavailable="true">unavailable</span>;
  }
  return (
    <>
      <code>{c?.error ? c.error.message : c?.text ?? ''}</code>
      {c?.status === 'running' && ' …'}
    </>
  );
}

/** What the memory method put in the prompt: the repository's own assertions it recalled, best match first. */
function RecalledList({ recalled }: { recalled: { path: string; line: number; assertion: string }[] | undefined }): ReactElement | null {
  const selectFile = useAppStore((s) => s.selectFile);
  if (!recalled) return null;
  return (
    <div className="recalled">
      <p className="muted">{recalled.length === 0 ? 'No other assertion in this repository to recall.' : 'Recalled into the prompt from this repository\'s tests:'}</p>
      <ol aria-label="Recalled assertions">
        {recalled.map((r) => (
          <li key={`${r.path}:${r.line}`}>
            <button type="button" className="link" title={`Open ${r.path}`} onClick={() => void selectFile(r.path)}>{r.path}:{r.line}</button>{' '}
            <code>{r.assertion}</code>
          </li>
        ))}
      </ol>
    </div>
  );
}

/** Every method's completion at the cursor, side by side, with latency and prompt size. */
export function ComparePanel({ prefix }: { prefix: string | null }): ReactElement {
  const completions = useAppStore((s) => s.completions);
  const task = useAppStore((s) => s.activeTask);
  const complete = useAppStore((s) => s.complete);
  const ready = useAppStore((s) => s.phase === 'ready');
  const methods = useAppStore((s) => MODEL_SETS[s.settings.modelSet].methods);
  return (
    <section className="compare" aria-labelledby="compare-heading">
      <h3 id="compare-heading">Compare methods</h3>
      <button type="button" disabled={!prefix || !ready} onClick={() => prefix && void complete(prefix, methods)}>
        Run all methods here
      </button>
      {/* Fixed layout: the completion column wraps, so the numbers stay inside the 360 px side panel. */}
      <table aria-label="Completions by method" className="compare-table">
        <colgroup>
          <col className="c-method" /><col /><col className="c-exact" /><col className="c-num" /><col className="c-ms" />
        </colgroup>
        <thead>
          <tr><th>Method</th><th>Completion</th><th>Exact</th><th>Prompt tokens</th><th>First / total ms</th></tr>
        </thead>
        <tbody>
          {methods.map((m) => {
            const c = completions[m];
            const em = c?.status === 'done' && task ? exactMatch(c.text, task.target) : null;
            return (
              <tr key={m} data-method={m} data-status={c?.status ?? 'idle'} data-adapter={c?.adapterId}>
                <th scope="row">{METHOD_LABEL[m]}</th>
                <td className="completion"><CompletionCell c={c} /></td>
                <td>{em === null ? '' : em ? 'yes' : 'no'}</td>
                <td>{c?.result?.promptTokens ?? ''}</td>
                <td>{c?.result ? `${c.result.firstTokenMs.toFixed(0)} / ${c.result.totalMs.toFixed(0)}` : ''}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {task && <p className="muted">Expected: <code>{task.target}</code></p>}
      <RecalledList recalled={completions.memory?.result?.recalled} />
    </section>
  );
}
