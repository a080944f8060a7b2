/**
 * Whether Python 3.11's parser (the Python extractor's `ast.parse`) accepts what tree-sitter parsed.
 * tree-sitter-python is lenient both ways: it keeps Python 2 forms (print/exec statements, `<>`, backticks,
 * `0777`, `10L`, `ur''`, `except E, e`) and already knows Python 3.12 syntax (type parameters, `type X = ...`,
 * PEP 701 f-strings). Python's
 * extractor gives no tasks for a file it cannot parse, so neither may we.
 */
import type { Node, Tree } from 'web-tree-sitter';
import { indentationConsistent } from './indentation.ts';

const REJECTED_NODE_TYPES = new Set(['exec_statement']);
// tree-sitter also uses type_parameter for `List[int]` in annotations; only PEP 695 parameters are new.
const DEFINITIONS_WITH_TYPE_PARAMETERS = new Set(['function_definition', 'class_definition', 'type_alias_statement']);
// tree-sitter misreads `type(x).attr = value` as a type alias; a real one names the alias right after `type`.
const REAL_TYPE_ALIAS = /^type[ \t\\]+[\p{L}_]/u;
const PYTHON3_STRING_PREFIX = /^(?:[rRuUfFbB]|[fF][rR]|[rR][fF]|[bB][rR]|[rR][bB])?$/;
const LEGACY_INTEGER = /^(?:0[0-9]*[1-9][0-9]*|[0-9][0-9_]*|0[xXoObB][0-9a-fA-F_]+)[lL]$|^0[0-9]*[1-9][0-9]*$/;

const INTERPOLATION_END = new Set(['=', 'type_conversion', 'format_specifier', '}']);

/**
 * Python 3.11 lexes an f-string as one string token first (PEP 701 came in 3.12): the expression part of a
 * replacement field cannot contain the string's own quotes or a backslash.
 */
function fStringFieldNot311(field: Node): boolean {
  let string: Node | null = field.parent;
  while (string && string.type !== 'string') string = string.parent;
  const start = string?.children[0];
  if (!start || start.type !== 'string_start') return false;
  const delimiter = start.text.replace(/^[a-zA-Z]*/, '');
  const open = field.children[0];
  const close = field.children.find((child) => child !== null && INTERPOLATION_END.has(child.type));
  if (!open || !close) return false;
  const expression = field.text.slice(open.endIndex - field.startIndex, close.startIndex - field.startIndex);
  return expression.includes(delimiter) || expression.includes('\\');
}

const PARAMETER_LISTS = new Set(['parameters', 'lambda_parameters']);
const KEYWORDS_SINCE_PYTHON_37 = new Set(['async', 'await']);

/** `b'a' 'b'`: Python refuses to concatenate bytes with str literals. */
function mixesBytesAndText(concatenated: Node): boolean {
  const bytes = concatenated.namedChildren
    .filter((part): part is Node => part?.type === 'string')
    .map((part) => /^[a-zA-Z]*[bB]/.test(part.children[0]?.text ?? ''));
  return bytes.some((b) => b) && bytes.some((b) => !b);
}

function rejected(node: Node): boolean {
  const type = node.type;
  if (REJECTED_NODE_TYPES.has(type)) return true;
  // Python 2 forms tree-sitter keeps: `except E, e:`, `raise E, V`, `def f((a, b)):`, `async` as a name.
  if (type === 'except_clause') return node.children.some((child) => child?.type === ',');
  if (type === 'raise_statement') return node.children.some((child) => child?.type === 'expression_list');
  if (type === 'tuple_pattern') return PARAMETER_LISTS.has(node.parent?.type ?? '');
  if (type === 'identifier') return KEYWORDS_SINCE_PYTHON_37.has(node.text);
  if (type === 'concatenated_string') return mixesBytesAndText(node);
  if (type === '<>') return true;
  // `print >> f, x` is also Python 3 (a shift in a tuple); only the chevron-less form is Python 2 alone.
  if (type === 'print_statement') return !node.children.some((child) => child?.type === 'chevron');
  if (type === 'type_alias_statement') return REAL_TYPE_ALIAS.test(node.text);
  if (type === 'type_parameter') return DEFINITIONS_WITH_TYPE_PARAMETERS.has(node.parent?.type ?? '');
  if (type === 'integer') return LEGACY_INTEGER.test(node.text);
  if (type === 'interpolation' || type === 'format_expression') return fStringFieldNot311(node);
  if (type === 'string_start') {
    const prefix = node.text.replace(/(?:"""|'''|"|'|`)$/, '');
    return node.text.startsWith('`') || !PYTHON3_STRING_PREFIX.test(prefix);
  }
  return false;
}

/** `text` is what `tree` was parsed from. */
export function acceptedByPython311(tree: Tree, text: string): boolean {
  if (tree.rootNode.hasError) return false;
  if (!indentationConsistent(tree, text)) return false;
  const cursor = tree.walk();
  try {
    for (;;) {
      if (rejected(cursor.currentNode)) return false;
      if (cursor.gotoFirstChild()) continue;
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) return true;
      }
    }
  } finally {
    cursor.delete();
  }
}
