/** Small questions about tree-sitter-python nodes, answered the way Python's `ast` sees the code. */
import type { Node } from 'web-tree-sitter';

// tree-sitter "extras": they may sit anywhere in the tree, between any two tokens.
const EXTRAS = new Set(['comment', 'line_continuation']);

export function isExtra(node: Node): boolean {
  return EXTRAS.has(node.type);
}

/** Named children that are code (not comments or backslash line continuations). */
export function codeChildren(node: Node): Node[] {
  return node.namedChildren.filter((child): child is Node => child !== null && !isExtra(child));
}

/** `ast` drops grouping parentheses; tree-sitter keeps them as parenthesized_expression. */
export function unwrapParentheses(node: Node): Node {
  let inner = node;
  while (inner.type === 'parenthesized_expression') {
    const children = codeChildren(inner);
    if (children.length !== 1) break;
    inner = children[0] as Node;
  }
  return inner;
}

/**
 * End index of the node's last real token. A block's node can run on over trailing comments (and zero-width
 * layout tokens); `ast`'s end positions stop at the last token of code.
 */
export function codeEnd(node: Node): number {
  let current = node;
  for (;;) {
    const children = current.children.filter(
      (child): child is Node => child !== null && !isExtra(child) && child.endIndex > child.startIndex,
    );
    const last = children[children.length - 1];
    if (!last) return current.endIndex;
    current = last;
  }
}

/** ['np', 'testing', 'assert_equal'] for np.testing.assert_equal; [] when not a plain dotted name. */
export function dottedName(node: Node): string[] {
  const parts: string[] = [];
  let current = unwrapParentheses(node);
  while (current.type === 'attribute') {
    const attribute = current.childForFieldName('attribute');
    const object = current.childForFieldName('object');
    if (!attribute || !object) return [];
    parts.push(attribute.text);
    current = unwrapParentheses(object);
  }
  if (current.type !== 'identifier') return [];
  parts.push(current.text);
  return parts.reverse();
}

/** The function or class a definition statement defines (looking through decorators), or null. */
export function definitionOf(statement: Node): Node | null {
  if (statement.type === 'function_definition' || statement.type === 'class_definition') return statement;
  if (statement.type === 'decorated_definition') return statement.childForFieldName('definition');
  return null;
}

/** The decorators of a definition statement (none unless it is a decorated_definition). */
export function decoratorsOf(statement: Node): Node[] {
  if (statement.type !== 'decorated_definition') return [];
  return codeChildren(statement).filter((child) => child.type === 'decorator');
}

/** The expression after '@' of a decorator. */
export function decoratorExpression(decorator: Node): Node | null {
  return codeChildren(decorator)[0] ?? null;
}

/** The statements of a block (comments left out). */
export function blockStatements(block: Node): Node[] {
  return codeChildren(block);
}
