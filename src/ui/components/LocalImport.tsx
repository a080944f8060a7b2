import { useState, type DragEvent, type ReactElement } from 'react';
import { DEFAULT_IMPORT_LIMITS, type LocalImportSource } from '../../git/local-import.ts';
import { formatBytes } from '../../git/progress.ts';
import type { ImportProgress } from '../../git/types.ts';
import { describeError, type UserError } from '../errors.ts';
import { gitService } from '../services/git.ts';
import { useAppStore } from '../store/index.ts';
import { droppedSource, folderSource, zipSource } from './droppedFiles.ts';
import { ErrorNote } from './ErrorNote.tsx';
import { ProgressBar } from './ProgressBar.tsx';
import './LocalImport.css';

type ImportJob =
  | { status: 'idle' }
  | { status: 'running'; name: string; progress: ImportProgress | null }
  | { status: 'failed'; error: UserError }
  | { status: 'cancelled' };

const STAGE_LABEL: Record<ImportProgress['stage'], string> = {
  reading: 'Reading files',
  writing: 'Writing files',
  committing: 'Committing',
  done: 'Done',
};

const LIMITS_TEXT =
  `Files over ${formatBytes(DEFAULT_IMPORT_LIMITS.maxFileBytes)}, binary files, .git/ and node_modules/ are skipped; ` +
  `at most ${DEFAULT_IMPORT_LIMITS.maxFiles.toLocaleString('en')} files and ${formatBytes(DEFAULT_IMPORT_LIMITS.maxTotalBytes)} in all, ` +
  `zip files up to ${formatBytes(DEFAULT_IMPORT_LIMITS.maxZipBytes)}.`;

/**
 * Import of a local folder or zip: it becomes a one-commit repository in the browser (no history, so Static
 * only) and opens in the workspace like any clone.
 */
export function LocalImport(): ReactElement {
  const [job, setJob] = useState<ImportJob>({ status: 'idle' });
  const [dragging, setDragging] = useState(false);
  const refreshRepos = useAppStore((s) => s.refreshRepos);
  const openRepo = useAppStore((s) => s.openRepo);
  const running = job.status === 'running';

  async function runImport(source: LocalImportSource | Promise<LocalImportSource>): Promise<void> {
    if (running) return;
    setJob({ status: 'running', name: '', progress: null });
    try {
      const resolved = await source;
      setJob({ status: 'running', name: resolved.name, progress: null });
      const repo = await gitService().importLocal(resolved, (progress) =>
        setJob((j) => (j.status === 'running' ? { ...j, progress } : j)));
      setJob({ status: 'idle' });
      await refreshRepos();
      await openRepo(repo);
    } catch (e) {
      const error = describeError(e);
      setJob(error.code === 'cancelled' ? { status: 'cancelled' } : { status: 'failed', error });
    }
  }

  function onDrop(e: DragEvent<HTMLElement>): void {
    e.preventDefault();
    setDragging(false);
    const source = droppedSource(e.dataTransfer);
    if (source) void runImport(source);
    else setJob({ status: 'failed', error: { code: 'empty', message: 'Drop one folder or one .zip file.' } });
  }

  return (
    <section
      className={`card local-import${dragging ? ' dragging' : ''}`}
      aria-labelledby="local-import-heading"
      onDragOver={(e) => {
        e.preventDefault();
        if (!running) setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={(e) => (running ? e.preventDefault() : onDrop(e))}
    >
      <h2 id="local-import-heading">Import a local folder or zip</h2>
      <p className="muted">No history is imported, so the Static adapter is available, not Evo. Or drop a folder or a .zip here.</p>
      <div className="local-import-pickers">
        <label className={`file-pick${running ? ' disabled' : ''}`}>
          Choose a folder
          <input
            type="file"
            aria-label="Import a folder"
            // React has no prop for it; without the attribute the picker selects files, not a folder.
            ref={(el) => el?.setAttribute('webkitdirectory', '')}
            multiple
            disabled={running}
            onChange={(e) => {
              const files = e.currentTarget.files;
              if (files) void runImport(folderSource(files));
              e.currentTarget.value = '';
            }}
          />
        </label>
        <label className={`file-pick${running ? ' disabled' : ''}`}>
          Choose a .zip file
          <input
            type="file"
            aria-label="Import a zip file"
            accept=".zip,application/zip"
            disabled={running}
            onChange={(e) => {
              const file = e.currentTarget.files?.[0];
              if (file) void runImport(zipSource(file));
              e.currentTarget.value = '';
            }}
          />
        </label>
        {running && (
          <button type="button" className="secondary" onClick={() => void gitService().cancel()}>
            Cancel import
          </button>
        )}
      </div>
      <p className="muted limits">{LIMITS_TEXT}</p>
      {job.status === 'running' && (
        <ProgressBar
          label={`Import: ${STAGE_LABEL[job.progress?.stage ?? 'reading']}`}
          loaded={job.progress?.loaded ?? 0}
          total={job.progress?.total ?? 0}
          detail={job.progress && job.progress.total > 0 ? `${job.progress.loaded} / ${job.progress.total} files` : job.name}
        />
      )}
      {job.status === 'failed' && <ErrorNote title="Import failed" error={job.error} />}
      {job.status === 'cancelled' && <p className="muted" role="status">Import cancelled; nothing was kept.</p>}
    </section>
  );
}
