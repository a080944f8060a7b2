import { useRef, type ReactElement } from 'react';
import type { EncodeProgress } from '../../engine/completer/api.ts';
import { useAppStore } from '../store/index.ts';
import { ProgressBar } from './ProgressBar.tsx';
import { ErrorNote } from './ErrorNote.tsx';
import { modelsOnlyReadyLine, readyLine, skippedLine } from './readyLine.ts';
import { MODEL_SETS } from '../modelSets.ts';
import { downloadDetail } from './downloadDetail.ts';
import { backendLabel } from './backendLabel.ts';

const PHASE_LABEL = {
  models: 'Loading models',
  reading: 'Reading Python files',
  encoding: 'Encoding production code',
  adapting: 'Generating the adapter',
} as const;

/**
 * Encoding moves by tokens, which the encoder reports batch by batch (files finish only at the end, so a bar by
 * files sat at 0 until done). Until the plan is known the bar is indeterminate rather than showing every
 * production file as the total and then the smaller planned count.
 */
function EncodeBar({ encode, productionFiles }: { encode: EncodeProgress | null; productionFiles: number }): ReactElement {
  if (!encode) return <ProgressBar label={PHASE_LABEL.encoding} loaded={0} total={0} detail={`planning ${productionFiles} production files`} />;
  const allCached = encode.totalTokens === 0;
  return (
    <ProgressBar label={PHASE_LABEL.encoding} loaded={allCached ? encode.files : encode.tokens}
      total={allCached ? encode.totalFiles : encode.totalTokens}
      detail={`${encode.totalFiles} of ${productionFiles} production files · ${encode.tokens} / ${encode.totalTokens} tokens · ${encode.cached} cached`} />
  );
}

/** What the engine is doing for this repository, with progress and cancel. */
export function EngineStatus(): ReactElement {
  const phase = useAppStore((s) => s.phase);
  const backend = useAppStore((s) => s.backend);
  const modelProgress = useAppStore((s) => s.modelProgress);
  const encode = useAppStore((s) => s.encodeProgress);
  const error = useAppStore((s) => s.engineError);
  const adapter = useAppStore((s) => s.staticAdapter);
  const adapterError = useAppStore((s) => s.adapterError);
  const production = useAppStore((s) => s.production);
  const cancelWork = useAppStore((s) => s.cancelWork);
  const adaptActiveRepo = useAppStore((s) => s.adaptActiveRepo);
  const timings = useAppStore((s) => s.readyTimings);
  const preparedSet = useAppStore((s) => (s.preparedSet ? MODEL_SETS[s.preparedSet] : null));
  const adapterless = preparedSet !== null && !preparedSet.methods.includes('static');
  const skipped = useAppStore((s) => skippedLine(s.skippedBinary));
  // When each model file started, for its rate (progress events carry only byte counts).
  const started = useRef(new Map<string, number>());
  if (modelProgress && !started.current.has(modelProgress.name)) started.current.set(modelProgress.name, performance.now());
  if (phase !== 'models' && started.current.size > 0) started.current.clear();
  const busy = phase === 'models' || phase === 'reading' || phase === 'encoding' || phase === 'adapting';

  return (
    <section className="engine-status" aria-label="Engine status">
      <div className="engine-line">
        <span role="status" aria-label="Backend">
          {backend ? `Backend: ${backendLabel(backend)} (${backend.reason})` : 'Backend: not started'}
        </span>
        {phase === 'ready' && adapter && (
          <span role="status" aria-label="Adapter">
            {readyLine(production.length, encode, adapter.ms, timings)}
          </span>
        )}
        {phase === 'ready' && adapterless && preparedSet && (
          <span role="status" aria-label="Adapter">{modelsOnlyReadyLine(preparedSet.label, timings)}</span>
        )}
        {phase === 'ready' && !adapter && !adapterless && adapterError && (
          <span role="status" aria-label="Adapter">No Static adapter: {adapterError.message}</span>
        )}
        {busy && (
          <button type="button" className="secondary" onClick={() => void cancelWork()}>Cancel</button>
        )}
        {(phase === 'failed' || phase === 'cancelled') && (
          <button type="button" onClick={() => void adaptActiveRepo()}>Retry</button>
        )}
      </div>
      {phase === 'models' && (
        <ProgressBar label={`${PHASE_LABEL.models}${modelProgress ? `: ${modelProgress.name}` : ''}`}
          loaded={modelProgress?.loaded ?? 0} total={modelProgress?.total ?? 0}
          detail={modelProgress ? downloadDetail(modelProgress, performance.now() - (started.current.get(modelProgress.name) ?? performance.now())) : ''} />
      )}
      {phase === 'reading' && <ProgressBar label={PHASE_LABEL.reading} loaded={0} total={0} detail="" />}
      {phase === 'encoding' && <EncodeBar encode={encode} productionFiles={production.length} />}
      {phase === 'adapting' && <ProgressBar label={PHASE_LABEL.adapting} loaded={0} total={0} detail="" />}
      {phase === 'ready' && skipped && <p className="muted" role="status" aria-label="Skipped files">{skipped}</p>}
      {phase === 'cancelled' && <p className="muted" role="status">Stopped. Nothing was lost; Retry picks up from the cache.</p>}
      {error && phase === 'failed' && <ErrorNote title="The completer could not be prepared" error={error} />}
    </section>
  );
}
