import { useEffect, type ReactElement } from 'react';
import { useAppStore } from './store/index.ts';
import { CloneForm } from './components/CloneForm.tsx';
import { LocalImport } from './components/LocalImport.tsx';
import { RecentRepos } from './components/RecentRepos.tsx';
import { DemoList } from './components/DemoList.tsx';
import { Workspace } from './components/Workspace.tsx';
import { ErrorNote } from './components/ErrorNote.tsx';
import { SettingsPanel } from './components/SettingsPanel.tsx';
import { BackendCheckPanel } from './diagnostics/index.ts';
import { useHashView } from './useHashView.ts';
import './styles.css';

export function App(): ReactElement {
  const activeRepo = useAppStore((s) => s.activeRepo);
  const restoreLastRepo = useAppStore((s) => s.restoreLastRepo);
  const repoError = useAppStore((s) => s.repoError);
  const started = useAppStore((s) => s.started);
  const backendPreference = useAppStore((s) => s.settings.backend);
  const view = useHashView();

  useEffect(() => {
    void restoreLastRepo();
  }, [restoreLastRepo]);

  return (
    <div className="app" data-ready={started ? 'true' : 'false'}>
      <header className="app-header">
        <h1>Code2LoRA Web</h1>
        <p className="tagline">A repo-tuned code completer from any Python repository: no fine-tuning, no prompt stuffing.</p>
        <nav className="app-nav" aria-label="Pages">
          <a href="#" aria-current={view === 'main' ? 'page' : undefined}>Repository</a>
          <a href="#settings" aria-current={view === 'settings' ? 'page' : undefined}>Settings</a>
          <a href="#diagnostics" aria-current={view === 'diagnostics' ? 'page' : undefined}>Backend check</a>
        </nav>
      </header>
      <main>
        {view === 'settings' ? (
          <SettingsPanel />
        ) : view === 'diagnostics' ? (
          <BackendCheckPanel preference={backendPreference === 'wasm' ? 'wasm' : 'webgpu'} />
        ) : !started ? (
          <p className="muted" role="status">Opening…</p>
        ) : activeRepo ? (
          <Workspace />
        ) : (
          <div className="start">
            <CloneForm />
            <LocalImport />
            <DemoList />
            <RecentRepos />
            {repoError && <ErrorNote title="Could not open the repository" error={repoError} />}
          </div>
        )}
      </main>
    </div>
  );
}
