/** The prefix's whole-line context before the test function (TASKS.md section 5, segments 1-4). */
import type { Node } from 'web-tree-sitter';
import { codeChildren, definitionOf } from '../python/syntax.ts';
import type { SourceLines } from '../python/source-lines.ts';
import {
  astLine,
  classBodyStatements,
  firstLine,
  isFixture,
  isFunctionStatement,
  lastLine,
  nameOf,
  type TestFunction,
} from './test-functions.ts';

const IMPORT_STATEMENTS = new Set(['import_statement', 'import_from_statement', 'future_import_statement']);

export const HELPER_METHODS = new Set([
  'setUp', 'tearDown', 'setUpClass', 'tearDownClass', 'asyncSetUp', 'asyncTearDown',
  'setup_method', 'teardown_method', 'setup_class', 'teardown_class', 'setup', 'teardown',
]);

function wholeLines(source: SourceLines, statement: Node): string {
  return source.lines(firstLine(source, statement), lastLine(source, statement));
}

export function contextSegments(source: SourceLines, module: Node, test: TestFunction): string[] {
  const moduleStatements = codeChildren(module);
  const segments = moduleStatements
    .filter((statement) => IMPORT_STATEMENTS.has(statement.type))
    .map((statement) => wholeLines(source, statement));
  const first = firstLine(source, test.classStatement ?? test.functionStatement);
  for (const statement of moduleStatements) {
    if (isFunctionStatement(statement) && isFixture(statement) && lastLine(source, statement) < first) {
      segments.push(wholeLines(source, statement));
    }
  }
  if (test.classStatement) {
    const classDefinition = definitionOf(test.classStatement) as Node;
    const body = classBodyStatements(classDefinition);
    const bodyFirstLine = body[0] ? astLine(source, body[0]) : first + 1;
    segments.push(source.lines(first, bodyFirstLine - 1));
    for (const item of body) {
      if (item.startIndex === test.functionStatement.startIndex || !isFunctionStatement(item)) continue;
      const method = definitionOf(item) as Node;
      if (HELPER_METHODS.has(nameOf(method)) || isFixture(item)) segments.push(wholeLines(source, item));
    }
  }
  return segments;
}
