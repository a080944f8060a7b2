/** Which calls are assertion sites, and of which family (TASKS.md section 3). */
import type { Node } from 'web-tree-sitter';
import { codeChildren, dottedName } from '../python/syntax.ts';
import type { TaskKind } from './types.ts';

const NUMPY_ROOTS = new Set(['np', 'numpy', 'npt', 'nptest', 'testing']);
const NUMPY_TESTING_MODULES = new Set(['numpy.testing', 'numpy.testing.utils']);
// Python's \w (str.isalnum() or '_'): letters and numbers of any script.
const SELF_ASSERT = /^assert[A-Z][\p{L}\p{N}_]*$/u;

/** Names bound by module-level `from numpy.testing import assert_x [as y]` (relative imports included, as ast). */
export function numpyTestingNames(module: Node): Set<string> {
  const names = new Set<string>();
  for (const statement of codeChildren(module)) {
    if (statement.type !== 'import_from_statement') continue;
    const moduleName = statement.childForFieldName('module_name');
    if (!moduleName || !NUMPY_TESTING_MODULES.has(moduleNameOf(moduleName))) continue;
    for (const imported of statement.childrenForFieldName('name')) {
      if (!imported) continue;
      const name = imported.type === 'aliased_import' ? imported.childForFieldName('name') : imported;
      const alias = imported.type === 'aliased_import' ? imported.childForFieldName('alias') : null;
      if (!name) continue;
      const importedName = identifiersOf(name).join('.');
      if (importedName.startsWith('assert_')) names.add(alias ? alias.text : importedName);
    }
  }
  return names;
}

/** ast.ImportFrom.module: the dotted name without the leading dots of a relative import. */
function moduleNameOf(node: Node): string {
  if (node.type === 'relative_import') {
    const dotted = codeChildren(node).find((child) => child.type === 'dotted_name');
    return dotted ? identifiersOf(dotted).join('.') : '';
  }
  return identifiersOf(node).join('.');
}

function identifiersOf(dotted: Node): string[] {
  if (dotted.type === 'identifier') return [dotted.text];
  return codeChildren(dotted)
    .filter((child) => child.type === 'identifier')
    .map((child) => child.text);
}

export function callKind(call: Node, numpyNames: ReadonlySet<string>): TaskKind | null {
  const callee = call.childForFieldName('function');
  const name = callee ? dottedName(callee) : [];
  if (name.length === 0) return null;
  const last = name[name.length - 1] as string;
  if (name.length === 2 && name[0] === 'self' && SELF_ASSERT.test(last)) return 'self_assert';
  if ((name.length === 2 && name[0] === 'pytest' && last === 'raises') || (name.length === 1 && last === 'raises')) {
    return 'pytest_raises';
  }
  if (name.length === 1 && numpyNames.has(last)) return 'numpy_assert';
  if (last.startsWith('assert_') && name.length > 1) {
    if (NUMPY_ROOTS.has(name[0] as string) || name.slice(0, -1).includes('testing')) return 'numpy_assert';
  }
  return null;
}

export function isApproxCall(node: Node): boolean {
  if (node.type !== 'call') return false;
  const callee = node.childForFieldName('function');
  const name = callee ? dottedName(callee).join('.') : '';
  return name === 'pytest.approx' || name === 'approx';
}

/** A call's positional arguments (ast's `call.args`, starred ones included), in order. */
export function positionalArguments(call: Node): Node[] {
  const argumentsNode = call.childForFieldName('arguments');
  if (!argumentsNode) return [];
  // f(x for x in y): the generator expression is the only argument (and carries the call's parentheses).
  if (argumentsNode.type === 'generator_expression') return [argumentsNode];
  return codeChildren(argumentsNode).filter(
    (argument) => argument.type !== 'keyword_argument' && argument.type !== 'dictionary_splat',
  );
}

export function isStarred(argument: Node): boolean {
  if (argument.type === 'list_splat') return true;
  // tree-sitter aliases `(*a)` (parenthesized_list_splat) to parenthesized_expression.
  return argument.type === 'parenthesized_expression' && codeChildren(argument).some((c) => c.type === 'list_splat');
}
