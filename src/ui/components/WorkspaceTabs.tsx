import { useRef, type KeyboardEvent, type ReactElement } from 'react';

export interface TabSpec<T extends string> {
  id: T;
  label: string;
}

/**
 * A tab list with a roving tabindex (the WAI-ARIA tabs pattern): one Tab stop, the selected tab; the arrow keys,
 * Home and End move between tabs and select them. Three Tab stops made keyboard users walk every tab to get past.
 */
export function WorkspaceTabs<T extends string>({ tabs, selected, onSelect, label }: {
  tabs: readonly TabSpec<T>[];
  selected: T;
  onSelect(id: T): void;
  label: string;
}): ReactElement {
  const refs = useRef(new Map<T, HTMLButtonElement>());
  const move = (to: number): void => {
    const tab = tabs[(to + tabs.length) % tabs.length];
    if (!tab) return;
    onSelect(tab.id);
    refs.current.get(tab.id)?.focus();
  };
  const onKeyDown = (e: KeyboardEvent<HTMLButtonElement>, index: number): void => {
    const target = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1 }[e.key];
    if (target === undefined) return;
    e.preventDefault();
    move(target);
  };
  return (
    <div className="tabs" role="tablist" aria-label={label}>
      {tabs.map((t, i) => (
        <button key={t.id} type="button" role="tab" id={`tab-${t.id}`} aria-controls={`panel-${t.id}`}
          aria-selected={selected === t.id} tabIndex={selected === t.id ? 0 : -1}
          className={selected === t.id ? 'tab selected' : 'tab'}
          ref={(el) => {
            if (el) refs.current.set(t.id, el);
            else refs.current.delete(t.id);
          }}
          onClick={() => onSelect(t.id)} onKeyDown={(e) => onKeyDown(e, i)}>
          {t.label}
        </button>
      ))}
    </div>
  );
}
