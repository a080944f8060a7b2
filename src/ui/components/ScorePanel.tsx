import type { ReactElement } from 'react';
import { useAppStore } from '../store/index.ts';
import { METHOD_LABEL } from '../store/completionSlice.ts';
import { MODEL_SETS } from '../modelSets.ts';
import { ProgressBar } from './ProgressBar.tsx';
import { ErrorNote } from './ErrorNote.tsx';

/** Runs the repository's own assertions through every method: exact match per method and per task. */
export function ScorePanel(): ReactElement {
  const tasks = useAppStore((s) => s.tasks);
  const ready = useAppStore((s) => s.phase === 'ready');
  const rows = useAppStore((s) => s.scoreRows);
  const methods = useAppStore((s) => s.scoreMethods);
  const done = useAppStore((s) => s.scoreDone);
  const total = useAppStore((s) => s.scoreTotal);
  const running = useAppStore((s) => s.scoreRunning);
  const error = useAppStore((s) => s.scoreError);
  const cancelled = useAppStore((s) => s.scoreCancelled);
  const runScore = useAppStore((s) => s.runScore);
  const cancelScore = useAppStore((s) => s.cancelScore);
  const elapsedMs = useAppStore((s) => s.scoreElapsedMs);
  const evoCommit = useAppStore((s) => s.scoreEvoCommit);
  const modelSet = useAppStore((s) => s.settings.modelSet);

  const summary = methods.map((m) => {
    const answered = rows.filter((r) => r.answers[m]);
    const exact = answered.filter((r) => r.answers[m]?.exact).length;
    return { method: m, answered: answered.length, exact, em: answered.length ? (100 * exact) / answered.length : 0 };
  });
  const best = Math.max(1, ...summary.map((s) => s.em));

  return (
    <section className="score" aria-labelledby="score-heading">
      <h3 id="score-heading">Score this repository</h3>
      <p className="muted">{tasks.length} assertion tasks found in the test files (the benchmark's extraction rules).</p>
      <div className="row">
        <button type="button" disabled={!ready || running || tasks.length === 0} onClick={() => void runScore([...MODEL_SETS[modelSet].methods])}>
          Score all methods
        </button>
        {running && <button type="button" className="secondary" onClick={() => void cancelScore()}>Cancel</button>}
      </div>
      {running && <ProgressBar label="Scoring" loaded={done} total={total} />}
      {cancelled && <p className="muted" role="status">Scoring cancelled; the table shows the tasks done so far.</p>}
      {error && <ErrorNote title="Scoring failed" error={error} />}
      {methods.length > 0 && (
        <p className="muted" role="status" aria-label="Scoring run">
          {done} of {total} answers in {(elapsedMs / 1000).toFixed(1)} s
          {evoCommit ? ` · Code2LoRA-Evo used the state of ${evoCommit}` : ''}
        </p>
      )}
      {summary.length > 0 && (
        <table aria-label="Exact match by method">
          <thead><tr><th>Method</th><th>Exact match</th><th>Tasks</th><th aria-hidden="true"></th></tr></thead>
          <tbody>
            {summary.map((s) => (
              <tr key={s.method}>
                <th scope="row">{METHOD_LABEL[s.method]}</th>
                <td>{s.em.toFixed(1)}% ({s.exact})</td>
                <td>{s.answered}</td>
                <td aria-hidden="true"><div className="bar" style={{ width: `${(s.em / best) * 160}px` }} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {rows.length > 0 && methods.length > 0 && (
        <details>
          <summary>Per task</summary>
          <table aria-label="Answers by task" className="per-task">
            <thead><tr><th>Where</th><th>Prefix (end)</th><th>Expected</th>{methods.map((m) => <th key={m}>{METHOD_LABEL[m]}</th>)}</tr></thead>
            <tbody>
              {rows.map((r) => (
                <tr key={`${r.task.path}:${r.task.line}:${r.task.column}`}>
                  <td>{r.task.path}:{r.task.line}</td>
                  <td><code>{r.task.prefix.slice(-60)}</code></td>
                  <td><code>{r.task.target}</code></td>
                  {methods.map((m) => {
                    const a = r.answers[m];
                    return <td key={m} className={a ? (a.exact ? 'hit' : 'miss') : ''}><code>{a?.text ?? ''}</code></td>;
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </section>
  );
}
