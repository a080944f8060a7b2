import type { ReactElement } from 'react';
import { useAppStore } from '../store/index.ts';
import { pinKey } from '../store/pins.ts';
import { MODEL_SETS } from '../modelSets.ts';

/** The assertion sites of the open test file: pick one to hide its target and complete it; pin it for the timeline. */
export function AssertionList({ path }: { path: string }): ReactElement | null {
  const tasks = useAppStore((s) => s.tasks);
  const active = useAppStore((s) => s.activeTask);
  const pickTask = useAppStore((s) => s.pickTask);
  const pins = useAppStore((s) => s.pins);
  const togglePin = useAppStore((s) => s.togglePin);
  const hasEvo = useAppStore((s) => MODEL_SETS[s.settings.modelSet].methods.includes('evo'));
  const here = tasks.filter((t) => t.path === path);
  if (here.length === 0) return null;
  const pinned = new Set(pins.map(pinKey));
  return (
    <section className="assertions" aria-labelledby="assertions-heading">
      <h3 id="assertions-heading">Assertions in this file ({here.length})</h3>
      <p className="muted">
        {hasEvo
          ? `Pin an assertion to follow its Evo completion through the Timeline (${pins.length} pinned).`
          : 'Pick an assertion to hide its expected value and complete it (pins follow Evo, which these models lack).'}
      </p>
      <ul aria-label="Assertions">
        {here.map((t) => {
          const isActive = active?.path === t.path && active.line === t.line && active.column === t.column;
          const isPinned = pinned.has(pinKey(t));
          return (
            <li key={`${t.line}:${t.column}`} className="assertion-row">
              <button type="button" className={isActive ? 'assertion selected' : 'assertion'} onClick={() => pickTask(t)}
                aria-current={isActive ? 'true' : undefined}>
                {/* The statement already starts with its kind ("assert …", "self.assertEqual(…"): the line number is enough. */}
                <span className="muted">L{t.line}</span> <code>{t.statement.slice(0, 80)}</code>
              </button>
              <button type="button" className={isPinned ? 'pin pinned' : 'pin'} aria-pressed={isPinned}
                aria-label={`Pin the assertion at line ${t.line}`} title={isPinned ? 'Unpin' : 'Pin for the timeline'}
                onClick={() => togglePin(t)}>
                {isPinned ? '★' : '☆'}
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
