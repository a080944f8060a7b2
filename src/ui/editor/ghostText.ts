import { Prec, StateEffect, StateField, type Extension } from '@codemirror/state';
import { Decoration, EditorView, WidgetType, keymap, type DecorationSet } from '@codemirror/view';

/** A suggestion shown after `pos` in grey; Tab accepts it, Escape or any edit elsewhere dismisses it. */
export interface Ghost {
  pos: number;
  text: string;
}

export const setGhost = StateEffect.define<Ghost | null>();

class GhostWidget extends WidgetType {
  constructor(readonly text: string) {
    super();
  }
  override eq(other: GhostWidget): boolean {
    return other.text === this.text;
  }
  toDOM(): HTMLElement {
    const span = document.createElement('span');
    span.className = 'cm-ghost-text';
    span.setAttribute('aria-label', `Suggestion: ${this.text}`);
    // textContent, never innerHTML: model output is data.
    span.textContent = this.text;
    return span;
  }
  override ignoreEvent(): boolean {
    return true;
  }
}

const ghostField = StateField.define<Ghost | null>({
  create: () => null,
  update(value, tr) {
    for (const e of tr.effects) if (e.is(setGhost)) return e.value;
    if (value && tr.docChanged) return null;
    if (value && tr.selection && tr.selection.main.head !== value.pos) return null;
    return value;
  },
  provide: (field) =>
    EditorView.decorations.from(field, (ghost): DecorationSet =>
      ghost && ghost.text
        ? Decoration.set([Decoration.widget({ widget: new GhostWidget(ghost.text), side: 1 }).range(ghost.pos)])
        : Decoration.none,
    ),
});

export function currentGhost(view: EditorView): Ghost | null {
  return view.state.field(ghostField, false) ?? null;
}

function acceptGhost(view: EditorView): boolean {
  const ghost = currentGhost(view);
  if (!ghost || !ghost.text) return false;
  view.dispatch({
    changes: { from: ghost.pos, insert: ghost.text },
    selection: { anchor: ghost.pos + ghost.text.length },
    effects: setGhost.of(null),
    userEvent: 'input.complete',
  });
  return true;
}

function dismissGhost(view: EditorView): boolean {
  if (!currentGhost(view)) return false;
  view.dispatch({ effects: setGhost.of(null) });
  return true;
}

/** Ghost-text suggestions: Tab accepts, Escape dismisses (both fall through when there is no suggestion). */
export function ghostText(): Extension {
  return [
    ghostField,
    Prec.highest(keymap.of([
      { key: 'Tab', run: acceptGhost },
      { key: 'Escape', run: dismissGhost },
    ])),
    // Grey italic tells the suggestion from the code; the app's muted grey (not half opacity) keeps it readable
    // at WCAG AA contrast.
    EditorView.baseTheme({ '.cm-ghost-text': { color: 'var(--muted)', fontStyle: 'italic' } }),
  ];
}
