/**
 * Python's tokenizer check of indentation (CPython 3.11 tokenizer.c): each logical line's indentation is
 * measured twice, with tab stops of 8 and of 1; if the two measures disagree about indent, dedent or same level
 * the file raises TabError (and a dedent to no outer level raises IndentationError). tree-sitter accepts such
 * files, Python's `ast.parse` does not, so the Python extractor gives them no tasks.
 */
import type { Node, Tree } from 'web-tree-sitter';

// Without a tab in some line's indentation the two measures cannot disagree.
const TAB_IN_INDENTATION = /^[ \f]*\t/m;
const OPENERS = new Set(['(', '[', '{']);
const CLOSERS = new Set([')', ']', '}']);

/** True when `index` (a line's first code character) continues a logical line begun earlier. */
function continuesLogicalLine(root: Node, index: number): boolean {
  for (let node: Node | null = root.descendantForIndex(index); node; node = node.parent) {
    if (node.startIndex >= index) continue;
    if (node.type === 'string') return true;
    let depth = 0;
    for (const child of node.children) {
      if (!child || child.endIndex > index) break;
      if (OPENERS.has(child.type)) depth++;
      else if (CLOSERS.has(child.type)) depth--;
    }
    if (depth > 0) return true;
  }
  return false;
}

function endsWithLineContinuation(root: Node, text: string, lineStart: number): boolean {
  let end = lineStart - 1; // the '\n' that ended the previous line
  if (end > 0 && text[end - 1] === '\r') end--;
  if (end < 1 || text[end - 1] !== '\\') return false;
  return root.descendantForIndex(end - 1)?.type === 'line_continuation';
}

export function indentationConsistent(tree: Tree, text: string): boolean {
  if (!TAB_IN_INDENTATION.test(text)) return true;
  const root = tree.rootNode;
  const columns = [0];
  const altColumns = [0];
  for (let lineStart = 0; lineStart < text.length; ) {
    const newline = text.indexOf('\n', lineStart);
    const lineEnd = newline === -1 ? text.length : newline;
    let column = 0;
    let altColumn = 0;
    let index = lineStart;
    for (; index < lineEnd; index++) {
      const character = text[index];
      if (character === ' ') {
        column++;
        altColumn++;
      } else if (character === '\t') {
        column = (Math.floor(column / 8) + 1) * 8;
        altColumn++;
      } else if (character === '\f') {
        column = 0;
        altColumn = 0;
      } else {
        break;
      }
    }
    const first = text[index];
    const blank = index >= lineEnd || first === '#' || first === '\r';
    if (!blank && !endsWithLineContinuation(root, text, lineStart) && !continuesLogicalLine(root, index)) {
      const top = columns.length - 1;
      if (column === columns[top]) {
        if (altColumn !== altColumns[top]) return false;
      } else if (column > (columns[top] as number)) {
        if (altColumn <= (altColumns[top] as number)) return false;
        columns.push(column);
        altColumns.push(altColumn);
      } else {
        while (columns.length > 1 && column < (columns[columns.length - 1] as number)) {
          columns.pop();
          altColumns.pop();
        }
        if (column !== columns[columns.length - 1] || altColumn !== altColumns[altColumns.length - 1]) return false;
      }
    }
    lineStart = lineEnd + 1;
  }
  return true;
}
