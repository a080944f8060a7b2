import { useEffect, useState, type ReactElement } from 'react';
import { useAppStore } from '../store/index.ts';
import { loadDemoIndex, type DemoInfo } from '../../git/demoIndex.ts';

/** The demo repositories bundled with the app: they open with no network. */
export function DemoList(): ReactElement {
  const [demos, setDemos] = useState<DemoInfo[] | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const openDemo = useAppStore((s) => s.openDemo);
  useEffect(() => {
    loadDemoIndex().then(setDemos, (e: unknown) => setFailed(String(e)));
  }, []);
  return (
    <section className="card" aria-labelledby="demo-heading">
      <h2 id="demo-heading">Bundled demo repositories</h2>
      {failed && <p className="muted">The demo list could not be loaded: {failed}</p>}
      {demos === null && !failed && <p className="muted">Loading…</p>}
      <div className="demo-list">
        {demos?.map((d) => (
          <button type="button" key={d.name} onClick={() => void openDemo(d.name)} title={d.description}>
            Open demo: {d.name}
          </button>
        ))}
      </div>
    </section>
  );
}
