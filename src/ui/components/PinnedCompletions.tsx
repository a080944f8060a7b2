import type { ReactElement } from 'react';
import { useAppStore } from '../store/index.ts';
import { pinChange, pinKey, pinResultKey } from '../store/pins.ts';
import type { PinCompletion } from '../store/timelinePlan.ts';
import { exactMatch } from '../../core/metric/index.ts';

function shown(result: PinCompletion | undefined): string {
  if (!result) return '';
  if (result.status === 'failed') return result.error?.message ?? 'failed';
  return result.text;
}

/** The Evo completion of each pinned assertion at the step shown, and which changed since the previous step. */
export function PinnedCompletions(): ReactElement {
  const pins = useAppStore((s) => s.pins);
  const results = useAppStore((s) => s.pinResults);
  const index = useAppStore((s) => s.timelineIndex);
  const step = useAppStore((s) => s.timeline[s.timelineIndex]);
  const previous = useAppStore((s) => (s.timelineIndex > 0 ? s.timeline[s.timelineIndex - 1] : undefined));
  const togglePin = useAppStore((s) => s.togglePin);

  if (pins.length === 0) {
    return (
      <section className="pinned" aria-labelledby="pinned-heading">
        <h3 id="pinned-heading">Pinned assertions</h3>
        <p className="muted">
          Pin assertions in the Code tab (the Pin button beside each one) to see how their Code2LoRA-Evo completions change from commit
          to commit.
        </p>
      </section>
    );
  }
  const rows = pins.map((task) => {
    const key = pinKey(task);
    const now = step ? results[pinResultKey(step.commit.oid, key)] : undefined;
    const before = previous ? results[pinResultKey(previous.commit.oid, key)] : undefined;
    return { task, key, now, before, change: pinChange(now, before) };
  });
  const changedCount = rows.filter((r) => r.change === 'changed').length;
  const compared = rows.filter((r) => r.change !== null).length;
  const summary =
    index === 0
      ? 'First commit: nothing to compare with yet.'
      : compared < rows.length
        ? `Completing… ${compared} of ${pins.length} compared with the previous commit so far, ${changedCount} changed.`
        : `${changedCount} of ${pins.length} changed since the previous commit.`;
  return (
    <section className="pinned" aria-labelledby="pinned-heading">
      <h3 id="pinned-heading">Pinned assertions</h3>
      <p role="status" aria-label="Pinned completions changed">
        {summary}
      </p>
      <table aria-label="Pinned completions at this commit">
        <thead>
          <tr><th>Assertion</th><th>Expected</th><th>Evo completion here</th><th>Since the previous commit</th></tr>
        </thead>
        <tbody>
          {rows.map(({ task, key, now, before, change }) => (
            <tr key={key} data-pin={key} data-change={change ?? 'pending'} className={change === 'changed' ? 'changed' : undefined}>
              <td>
                <span className="muted">{task.path}:{task.line}</span> <code>{task.statement.slice(0, 70)}</code>{' '}
                <button type="button" className="link" aria-label={`Unpin ${task.path} line ${task.line}`} onClick={() => togglePin(task)}>unpin</button>
              </td>
              <td><code>{task.target}</code></td>
              <td className={now?.status === 'done' ? (exactMatch(now.text, task.target) ? 'hit' : 'miss') : undefined}>
                <code>{shown(now)}</code>{now?.status === 'running' && ' …'}
              </td>
              <td>
                {change === 'changed' && <span><strong>changed:</strong> <code>{shown(before)}</code> → <code>{shown(now)}</code></span>}
                {change === 'same' && <span className="muted">same</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
