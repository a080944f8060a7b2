import { useEffect, useMemo, useRef, type ReactElement } from 'react';
import CodeMirror from '@uiw/react-codemirror';
import { python } from '@codemirror/lang-python';
import { EditorView, keymap } from '@codemirror/view';
import { Prec } from '@codemirror/state';
import { ghostText, setGhost } from '../editor/ghostText.ts';
import { useAppStore } from '../store/index.ts';
import { offsetOf } from '../services/tasks.ts';

interface Props {
  path: string;
  text: string;
  /** Called with the prompt the editor would complete at the cursor (null when there is none). */
  onPrefix(prefix: string | null): void;
}

/**
 * The file in an editor (a scratch copy: nothing is written back to the repository). Picking an assertion hides
 * its target and completes it as ghost text; Ctrl-Space completes at the cursor; Tab accepts, Escape dismisses.
 * Tab does not indent: with no suggestion shown it moves focus on, so the editor never traps keyboard users.
 */
export function CompletionEditor({ path, text, onPrefix }: Props): ReactElement {
  const viewRef = useRef<EditorView | null>(null);
  const task = useAppStore((s) => s.activeTask);
  const method = useAppStore((s) => s.method);
  const completion = useAppStore((s) => s.completions[s.method]);
  const complete = useAppStore((s) => s.complete);
  const ready = useAppStore((s) => s.phase === 'ready');
  const ghostPos = useRef<number | null>(null);

  const taskHere = task && task.path === path ? task : null;
  // With a task picked, the document is the file without its target, and the cursor sits where the target was.
  const { doc, cursor } = useMemo(() => {
    if (!taskHere) return { doc: text, cursor: 0 };
    const start = offsetOf(text, taskHere.line, taskHere.column);
    return { doc: text.slice(0, start) + text.slice(start + taskHere.target.length), cursor: start };
  }, [text, taskHere]);

  const extensions = useMemo(() => {
    const completeHere = (view: EditorView): boolean => {
      const pos = view.state.selection.main.head;
      const prefix = view.state.doc.sliceString(0, pos);
      ghostPos.current = pos;
      onPrefix(prefix);
      void useAppStore.getState().complete(prefix, [useAppStore.getState().method]);
      return true;
    };
    return [
      ...(path.endsWith('.py') ? [python()] : []),
      EditorView.lineWrapping,
      ghostText(),
      // The editable area itself needs a name for screen readers; the keys line describes it.
      EditorView.contentAttributes.of({ 'aria-label': `Code of ${path}`, 'aria-describedby': 'editor-keys' }),
      Prec.highest(keymap.of([{ key: 'Ctrl-Space', run: completeHere }])),
    ];
  }, [path, onPrefix]);

  // A picked task: move the cursor to the gap and complete it with the current method.
  useEffect(() => {
    const view = viewRef.current;
    if (!view || !taskHere) {
      ghostPos.current = null;
      onPrefix(null);
      return;
    }
    view.dispatch({ selection: { anchor: cursor }, scrollIntoView: true });
    ghostPos.current = cursor;
    onPrefix(taskHere.prefix);
    if (ready) void complete(taskHere.prefix, [method]);
  }, [taskHere, cursor, method, ready, complete, onPrefix]);

  // A newly picked task puts the focus at its gap, so Tab accepts the suggestion without going back into the
  // editor first. Only on a new pick: a change of mode must leave the focus on the mode switch.
  useEffect(() => {
    if (taskHere) viewRef.current?.focus();
  }, [taskHere]);

  // Stream the current method's completion into the ghost text.
  useEffect(() => {
    const view = viewRef.current;
    if (!view || ghostPos.current === null) return;
    const ghostText = completion?.text ?? '';
    view.dispatch({ effects: setGhost.of(ghostText ? { pos: ghostPos.current, text: ghostText } : null) });
  }, [completion?.text]);

  return (
    <div className="code-view" role="group" aria-label={`Editor: ${path}`}>
      <p id="editor-keys" className="muted editor-keys">
        Tab accepts a suggestion · Escape dismisses it · Ctrl-Space completes at the cursor · with no suggestion, Tab leaves the editor
      </p>
      <CodeMirror
        value={doc}
        extensions={extensions}
        basicSetup={{ foldGutter: false, autocompletion: false }}
        indentWithTab={false}
        onCreateEditor={(view) => {
          viewRef.current = view;
        }}
      />
    </div>
  );
}
