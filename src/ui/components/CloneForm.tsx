import { useState, type FormEvent, type ReactElement } from 'react';
import { useAppStore } from '../store/index.ts';
import { ProgressBar } from './ProgressBar.tsx';
import { ErrorNote } from './ErrorNote.tsx';
import { CLONE_STAGE_LABEL } from './cloneStage.ts';

export function CloneForm(): ReactElement {
  const [url, setUrl] = useState('');
  const job = useAppStore((s) => s.cloneJob);
  const startClone = useAppStore((s) => s.startClone);
  const cancelClone = useAppStore((s) => s.cancelClone);
  const running = job.status === 'running';

  function onSubmit(e: FormEvent): void {
    e.preventDefault();
    if (url.trim()) void startClone(url.trim());
  }

  return (
    <section className="card" aria-labelledby="clone-heading">
      <h2 id="clone-heading">Open a repository</h2>
      <form onSubmit={onSubmit} className="clone-form">
        <input
          type="text"
          aria-label="Repository URL"
          placeholder="https://github.com/owner/repo"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
          disabled={running}
          spellCheck={false}
          autoComplete="off"
        />
        <button type="submit" disabled={running || !url.trim()}>Clone</button>
        {running && (
          <button type="button" onClick={() => void cancelClone()} className="secondary">Cancel</button>
        )}
      </form>
      {running && (
        <ProgressBar
          label={`Clone: ${CLONE_STAGE_LABEL[job.progress?.stage ?? 'connecting'] ?? 'Working'}`}
          loaded={job.progress?.loaded ?? 0}
          total={job.progress?.total ?? 0}
        />
      )}
      {job.status === 'failed' && job.error && <ErrorNote title="Clone failed" error={job.error} />}
      {job.status === 'cancelled' && <p className="muted" role="status">Clone cancelled; nothing was kept.</p>}
    </section>
  );
}
