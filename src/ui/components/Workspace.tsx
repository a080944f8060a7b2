import type { ReactElement } from 'react';
import { useAppStore } from '../store/index.ts';
import { FileTree } from './FileTree.tsx';
import { CodeView } from './CodeView.tsx';
import { ErrorNote } from './ErrorNote.tsx';

export function Workspace(): ReactElement | null {
  const repo = useAppStore((s) => s.activeRepo);
  const files = useAppStore((s) => s.files);
  const selectedPath = useAppStore((s) => s.selectedPath);
  const selectedText = useAppStore((s) => s.selectedText);
  const selectFile = useAppStore((s) => s.selectFile);
  const closeRepo = useAppStore((s) => s.closeRepo);
  const error = useAppStore((s) => s.repoError);
  if (!repo) return null;
  const pythonFiles = files.filter((f) => f.path.endsWith('.py')).length;
  return (
    <section className="workspace" aria-label="Workspace">
      <header className="workspace-header">
        <h2 data-testid="repo-name">{repo.name}</h2>
        <span className="muted">
          {repo.head.slice(0, 10)} · {files.length} files · {pythonFiles} Python
        </span>
        <button type="button" className="secondary" onClick={closeRepo}>Close</button>
      </header>
      {error && <ErrorNote title="Could not read the repository" error={error} />}
      <div className="workspace-body">
        <FileTree files={files} selected={selectedPath} onSelect={(p) => void selectFile(p)} />
        <div className="editor-pane">
          {selectedPath && selectedText !== null ? (
            <CodeView path={selectedPath} text={selectedText} />
          ) : (
            <p className="muted">Pick a file.</p>
          )}
        </div>
      </div>
    </section>
  );
}
