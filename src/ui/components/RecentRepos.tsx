import type { ReactElement } from 'react';
import { useAppStore } from '../store/index.ts';

export function RecentRepos(): ReactElement {
  const repos = useAppStore((s) => s.repos);
  const openRepo = useAppStore((s) => s.openRepo);
  return (
    <section className="card" aria-labelledby="recent-heading">
      <h2 id="recent-heading">Kept in this browser</h2>
      {repos.length === 0 ? (
        <p className="muted">Repositories you open are kept here and reopen without the network.</p>
      ) : (
        <ul className="repo-list" aria-label="Kept repositories">
          {repos.map((r) => (
            <li key={r.id}>
              <button type="button" className="link" onClick={() => void openRepo(r)}>
                {r.name}
              </button>
              <span className="muted"> {r.source} · {r.head.slice(0, 7)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
