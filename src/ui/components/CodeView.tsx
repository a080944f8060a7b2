import type { ReactElement } from 'react';
import CodeMirror from '@uiw/react-codemirror';
import { python } from '@codemirror/lang-python';
import { EditorView } from '@codemirror/view';

const extensions = [python(), EditorView.lineWrapping];

/** Repository text is shown as editor content only: it is data, never HTML. */
export function CodeView({ path, text }: { path: string; text: string }): ReactElement {
  const isPython = path.endsWith('.py');
  return (
    <div className="code-view" aria-label={`Contents of ${path}`}>
      <CodeMirror value={text} editable={false} extensions={isPython ? extensions : [EditorView.lineWrapping]} basicSetup={{ foldGutter: false }} />
    </div>
  );
}
