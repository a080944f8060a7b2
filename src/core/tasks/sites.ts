/** Assertion sites of one test function (TASKS.md section 3): kind, target span and statement span. */
import type { Node } from 'web-tree-sitter';
import { codeChildren, codeEnd, unwrapParentheses } from '../python/syntax.ts';
import { callKind, isApproxCall, isStarred, positionalArguments } from './call-kinds.ts';
import type { TaskKind } from './types.ts';

/** Spans are JavaScript string indices [start, end). A target node's span includes grouping parentheses. */
export interface Site {
  readonly kind: TaskKind;
  readonly targetStart: number;
  readonly targetEnd: number;
  readonly statementStart: number;
  readonly statementEnd: number;
}

const SITE_STATEMENTS = ['assert_statement', 'expression_statement', 'with_statement'];

function site(kind: TaskKind, target: Node, statementStart: number, statementEnd: number): Site {
  return { kind, targetStart: target.startIndex, targetEnd: target.endIndex, statementStart, statementEnd };
}

function assertSite(statement: Node): Site | null {
  const test = codeChildren(statement)[0];
  if (!test) return null;
  const comparison = unwrapParentheses(test);
  if (comparison.type !== 'comparison_operator') return null;
  const operands = codeChildren(comparison);
  if (operands.length !== 2) return null; // a < b < c
  const right = operands[1] as Node;
  const statementEnd = codeEnd(statement);
  const approx = unwrapParentheses(right);
  if (isApproxCall(approx)) {
    const args = positionalArguments(approx);
    const last = args[args.length - 1];
    if (!last || args.some(isStarred)) return null;
    return site('pytest_approx', last, statement.startIndex, statementEnd);
  }
  return site('assert', right, statement.startIndex, statementEnd);
}

function callSite(call: Node, numpyNames: ReadonlySet<string>, statementStart: number, statementEnd: number): Site | null {
  if (call.type !== 'call') return null;
  const kind = callKind(call, numpyNames);
  const args = positionalArguments(call);
  if (kind === null || args.length === 0 || args.some(isStarred)) return null;
  // pytest.raises(E, ...) expects E: its first argument; the others complete their last one.
  const target = (kind === 'pytest_raises' ? args[0] : args[args.length - 1]) as Node;
  return site(kind, target, statementStart, statementEnd);
}

/** The context managers of a `with` statement (ast's `item.context_expr`), parentheses dropped. */
function withContextExpressions(statement: Node): Node[] {
  const clause = codeChildren(statement).find((child) => child.type === 'with_clause');
  if (!clause) return [];
  return codeChildren(clause)
    .filter((item) => item.type === 'with_item')
    .map((item) => {
      let value = unwrapParentheses(item.childForFieldName('value') ?? item);
      if (value.type === 'as_pattern') value = unwrapParentheses(codeChildren(value)[0] ?? value);
      return value;
    });
}

function sitesOfStatement(statement: Node, numpyNames: ReadonlySet<string>): Site[] {
  switch (statement.type) {
    case 'assert_statement': {
      const found = assertSite(statement);
      return found ? [found] : [];
    }
    case 'expression_statement': {
      const values = codeChildren(statement);
      // `call(...),` is a one-element tuple (tree-sitter leaves the comma as a child of the statement).
      if (values.length !== 1 || statement.children.some((child) => child?.type === ',')) return [];
      const found = callSite(unwrapParentheses(values[0] as Node), numpyNames, statement.startIndex, codeEnd(statement));
      return found ? [found] : [];
    }
    case 'with_statement':
      return withContextExpressions(statement).flatMap((call) => {
        const found = callSite(call, numpyNames, call.startIndex, call.endIndex);
        return found ? [found] : [];
      });
    default:
      return [];
  }
}

/** Every site anywhere in the function (nested blocks and functions included), ordered by target start. */
export function sitesOfFunction(fn: Node, numpyNames: ReadonlySet<string>): Site[] {
  const statements = fn.descendantsOfType(SITE_STATEMENTS).filter((node): node is Node => node !== null);
  const sites = statements.flatMap((statement) => sitesOfStatement(statement, numpyNames));
  return sites.sort((a, b) => a.targetStart - b.targetStart);
}
