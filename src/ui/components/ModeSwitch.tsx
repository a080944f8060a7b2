import type { ReactElement } from 'react';
import { useAppStore } from '../store/index.ts';
import type { Method } from '../../engine/completer/api.ts';
import { METHOD_LABEL } from '../store/completionSlice.ts';
import { MODEL_SETS, type ModelSetId } from '../modelSets.ts';
import { evoBlockReason } from '../store/evoAvailability.ts';
import { shippedEm } from '../measured.ts';

/** What the benchmark measured for each method, so nobody expects the completer to be always right. */
function MeasuredNote({ modelSet }: { modelSet: ModelSetId }): ReactElement | null {
  const any = shippedEm('base', modelSet);
  if (!any) return null;
  const file = modelSet === 'base' ? 'models/base/results.json' : 'models/results.json';
  return (
    <p className="muted mode-note" id="measured-note">
      % = exact match measured on the benchmark's CR test split ({any.tasks} assertions from {any.repositories} unseen
      repositories; {file}); "not measured": no score of that method with these models yet. Expect most completions
      to differ from the real value.
    </p>
  );
}

/** Which Evo adapter completions use now, in words. */
function useEvoSource(): string {
  const timelineRan = useAppStore((s) => s.timeline.some((t) => t.evo));
  const index = useAppStore((s) => s.timelineIndex);
  const length = useAppStore((s) => s.timeline.length);
  const commit = useAppStore((s) => s.timeline[s.timelineIndex]?.commit.oid);
  if (!timelineRan) return 'Evo uses the state of the snapshot at HEAD until the Timeline has run.';
  return `Evo uses the adapter of the Timeline's commit ${index + 1} / ${length} (${commit?.slice(0, 10) ?? ''}).`;
}

function MethodEm({ method, modelSet }: { method: Method; modelSet: ModelSetId }): ReactElement {
  const em = shippedEm(method, modelSet);
  if (!em) return <span className="muted method-em" data-em="none"> not measured</span>;
  return <span className="muted method-em" data-em={em.em.toFixed(1)}> {em.em.toFixed(1)}%</span>;
}

export function ModeSwitch(): ReactElement {
  const method = useAppStore((s) => s.method);
  const setMethod = useAppStore((s) => s.setMethod);
  const evoBlocked = useAppStore(evoBlockReason);
  const evoSource = useEvoSource();
  const modelSet = useAppStore((s) => s.settings.modelSet);
  const methods = MODEL_SETS[modelSet].methods;
  return (
    <div className="mode-block">
      <div className="mode-switch" role="radiogroup" aria-label="Completion mode">
        {methods.map((m) => {
          const disabled = m === 'evo' && evoBlocked !== null;
          return (
            <label key={m} className={`mode${m === method ? ' selected' : ''}${disabled ? ' disabled' : ''}`}>
              <input type="radio" name="mode" value={m} checked={m === method} disabled={disabled}
                aria-describedby={m === 'evo' ? 'evo-mode-note' : undefined} onChange={() => setMethod(m)} />
              {METHOD_LABEL[m]}
              <MethodEm method={m} modelSet={modelSet} />
            </label>
          );
        })}
      </div>
      <MeasuredNote modelSet={modelSet} />
      {methods.includes('evo') && <p id="evo-mode-note" className="muted mode-note">{evoBlocked ?? evoSource}</p>}
    </div>
  );
}
