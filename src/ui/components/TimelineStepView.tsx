import type { ReactElement } from 'react';
import type { TimelineStep } from '../store/timelineSlice.ts';
import { AdapterNorms } from './AdapterNorms.tsx';
import { formatCosine } from './formatCosine.ts';

function formatDate(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 10);
}

/** How the state moved at this step, in one sentence. */
function movement(step: TimelineStep, index: number): string {
  const cosine = step.evo?.cosineToPrevious;
  const ms = step.evo && step.evo.ms > 0 ? ` · computed in ${step.evo.ms.toFixed(1)} ms` : '';
  if (index === 0) return `Initial state z₀, from this commit's snapshot of the production code${ms}.`;
  const same = step.productionChanges.length === 0 ? 'No production code changed: the state is kept. ' : '';
  return cosine === null || cosine === undefined ? same : `${same}Cosine to the previous state: ${formatCosine(cosine)}${ms}`;
}

/** One step of the timeline: the commit, the production files it changed, the adapter after it. */
export function TimelineStepView({ step, previous, index, note }: {
  step: TimelineStep;
  previous: TimelineStep | null;
  index: number;
  /** Shown instead of the adapter while it is not known. */
  note: string;
}): ReactElement {
  const changed = step.productionChanges;
  return (
    <div className="step" aria-label="Commit at this step" data-adapter={step.evo?.id}>
      <p className="commit-line">
        <code>{step.commit.oid.slice(0, 10)}</code> <strong>{step.commit.message.split('\n')[0]}</strong>{' '}
        <span className="muted">{step.commit.author}, {formatDate(step.commit.timestamp)}</span>
      </p>
      <div className="changed-files">
        <span className="muted">{index === 0 ? 'Production files in this snapshot' : 'Production files changed'}: </span>
        {changed.length === 0 ? (
          <span>none</span>
        ) : (
          <ul aria-label="Production files changed">
            {changed.map((c) => (
              <li key={c.path}><code>{c.path}</code> <span className={`kind ${c.kind}`}>{c.kind}</span></li>
            ))}
          </ul>
        )}
      </div>
      {step.evo ? (
        <>
          <p role="status" aria-label="Adapter movement">{movement(step, index)}</p>
          <AdapterNorms adapter={step.evo} previous={previous?.evo ?? null} />
        </>
      ) : (
        <p className="muted">{note}</p>
      )}
    </div>
  );
}
