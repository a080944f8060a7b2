import type { ReactElement } from 'react';
import { useAppStore } from '../store/index.ts';

/** The assertion sites of the open test file: pick one to hide its target and complete it. */
export function AssertionList({ path }: { path: string }): ReactElement | null {
  const tasks = useAppStore((s) => s.tasks);
  const active = useAppStore((s) => s.activeTask);
  const pickTask = useAppStore((s) => s.pickTask);
  const here = tasks.filter((t) => t.path === path);
  if (here.length === 0) return null;
  return (
    <section className="assertions" aria-labelledby="assertions-heading">
      <h3 id="assertions-heading">Assertions in this file ({here.length})</h3>
      <ul aria-label="Assertions">
        {here.map((t) => {
          const isActive = active?.path === t.path && active.line === t.line && active.column === t.column;
          return (
            <li key={`${t.line}:${t.column}`}>
              <button type="button" className={isActive ? 'assertion selected' : 'assertion'} onClick={() => pickTask(t)}
                aria-current={isActive ? 'true' : undefined}>
                <span className="muted">L{t.line} {t.kind}</span> <code>{t.statement.slice(0, 80)}</code>
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
