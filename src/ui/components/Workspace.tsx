import { useCallback, useEffect, useState, type ReactElement } from 'react';
import { useAppStore } from '../store/index.ts';
import { FileTree } from './FileTree.tsx';
import { CompletionEditor } from './CompletionEditor.tsx';
import { ErrorNote } from './ErrorNote.tsx';
import { EngineStatus } from './EngineStatus.tsx';
import { ModeSwitch } from './ModeSwitch.tsx';
import { AssertionList } from './AssertionList.tsx';
import { ComparePanel } from './ComparePanel.tsx';
import { SaveAdapter } from './SaveAdapter.tsx';
import { TimelinePanel } from './TimelinePanel.tsx';
import { ScorePanel } from './ScorePanel.tsx';
import { WorkspaceTabs, type TabSpec } from './WorkspaceTabs.tsx';

type Tab = 'code' | 'timeline' | 'score';
const TABS: readonly TabSpec<Tab>[] = [
  { id: 'code', label: 'Code' },
  { id: 'timeline', label: 'Timeline' },
  { id: 'score', label: 'Score' },
];

export function Workspace(): ReactElement | null {
  const repo = useAppStore((s) => s.activeRepo);
  const files = useAppStore((s) => s.files);
  const selectedPath = useAppStore((s) => s.selectedPath);
  const selectedText = useAppStore((s) => s.selectedText);
  const selectFile = useAppStore((s) => s.selectFile);
  const closeRepo = useAppStore((s) => s.closeRepo);
  const error = useAppStore((s) => s.repoError);
  const testFiles = useAppStore((s) => s.testFiles);
  const loadTasks = useAppStore((s) => s.loadTasks);
  const adaptActiveRepo = useAppStore((s) => s.adaptActiveRepo);
  const resetEngineForRepo = useAppStore((s) => s.resetEngineForRepo);
  const resetTimeline = useAppStore((s) => s.resetTimeline);
  const clearPins = useAppStore((s) => s.clearPins);
  const [tab, setTab] = useState<Tab>('code');
  const [prefix, setPrefix] = useState<string | null>(null);
  const onPrefix = useCallback((p: string | null) => setPrefix(p), []);

  const repoId = repo?.id;
  useEffect(() => {
    if (!repoId) return;
    resetEngineForRepo();
    resetTimeline();
    clearPins();
    void adaptActiveRepo();
  }, [repoId, resetEngineForRepo, resetTimeline, clearPins, adaptActiveRepo]);

  useEffect(() => {
    void loadTasks();
  }, [testFiles, loadTasks]);

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
      <EngineStatus />
      {error && <ErrorNote title="Could not read the repository" error={error} />}
      <WorkspaceTabs<Tab> tabs={TABS} selected={tab} onSelect={setTab} label="Workspace views" />
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
      {tab === 'code' && (
        <div className="workspace-body">
          <FileTree files={files} selected={selectedPath} onSelect={(p) => void selectFile(p)} />
          <div className="editor-pane">
            {selectedPath && selectedText !== null ? (
              <CompletionEditor path={selectedPath} text={selectedText} onPrefix={onPrefix} />
            ) : (
              <p className="muted">Pick a file. In a test file, pick an assertion to complete it, or press Ctrl-Space anywhere.</p>
            )}
          </div>
          <aside className="side">
            <ModeSwitch />
            {selectedPath && <AssertionList path={selectedPath} />}
            <ComparePanel prefix={prefix} />
            <SaveAdapter />
          </aside>
        </div>
      )}
      {tab === 'timeline' && <TimelinePanel />}
      {tab === 'score' && <ScorePanel />}
      </div>
    </section>
  );
}
