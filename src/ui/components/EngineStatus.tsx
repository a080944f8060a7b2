import type { ReactElement } from 'react';
import { useAppStore } from '../store/index.ts';
import { ProgressBar } from './ProgressBar.tsx';
import { ErrorNote } from './ErrorNote.tsx';

const PHASE_LABEL = {
  models: 'Loading models',
  reading: 'Reading Python files',
  encoding: 'Encoding production code',
  adapting: 'Generating the adapter',
} as const;

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
  const busy = phase === 'models' || phase === 'reading' || phase === 'encoding' || phase === 'adapting';

  return (
    <section className="engine-status" aria-label="Engine status">
      <div className="engine-line">
        <span role="status" aria-label="Backend">
          {backend ? `Backend: ${backend.backend === 'webgpu' ? 'WebGPU' : 'WASM'} (${backend.reason})` : 'Backend: not started'}
        </span>
        {phase === 'ready' && adapter && (
          <span role="status" aria-label="Adapter">
            Code2LoRA-Static adapter ready: {production.length} production files, generated in {adapter.ms.toFixed(1)} ms
          </span>
        )}
        {phase === 'ready' && !adapter && adapterError && (
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
          detail={modelProgress ? `${(modelProgress.loaded / 1e6).toFixed(1)} / ${(modelProgress.total / 1e6).toFixed(1)} MB` : ''} />
      )}
      {phase === 'reading' && <ProgressBar label={PHASE_LABEL.reading} loaded={0} total={0} detail="" />}
      {phase === 'encoding' && (
        <ProgressBar label={PHASE_LABEL.encoding} loaded={encode?.files ?? 0} total={encode?.totalFiles ?? production.length}
          detail={`${encode?.files ?? 0} / ${encode?.totalFiles ?? production.length} files · ${encode?.tokens ?? 0} tokens · ${encode?.cached ?? 0} cached`} />
      )}
      {phase === 'adapting' && <ProgressBar label={PHASE_LABEL.adapting} loaded={0} total={0} detail="" />}
      {phase === 'cancelled' && <p className="muted" role="status">Stopped. Nothing was lost; Retry picks up from the cache.</p>}
      {error && phase === 'failed' && <ErrorNote title="The completer could not be prepared" error={error} />}
    </section>
  );
}
