/** Test functions of a test file (TASKS.md section 2) and the whole-line extents `ast` gives definitions. */
import type { Node } from 'web-tree-sitter';
import {
  blockStatements,
  codeChildren,
  codeEnd,
  decoratorExpression,
  decoratorsOf,
  definitionOf,
} from '../python/syntax.ts';
import type { SourceLines } from '../python/source-lines.ts';

/** A module-level test function, or a method of a module-level class. Statements include decorators. */
export interface TestFunction {
  readonly classStatement: Node | null;
  readonly functionStatement: Node;
  readonly definition: Node;
  readonly qualifiedName: string;
}

export function nameOf(definition: Node): string {
  return definition.childForFieldName('name')?.text ?? '';
}

export function isFunctionStatement(statement: Node): boolean {
  return definitionOf(statement)?.type === 'function_definition';
}

export function classBodyStatements(classDefinition: Node): Node[] {
  const body = classDefinition.childForFieldName('body');
  return body ? blockStatements(body) : [];
}

export function testFunctions(module: Node): TestFunction[] {
  const found: TestFunction[] = [];
  for (const statement of codeChildren(module)) {
    const definition = definitionOf(statement);
    if (!definition) continue;
    if (definition.type === 'function_definition' && nameOf(definition).startsWith('test')) {
      found.push({ classStatement: null, functionStatement: statement, definition, qualifiedName: nameOf(definition) });
    } else if (definition.type === 'class_definition') {
      for (const item of classBodyStatements(definition)) {
        const method = definitionOf(item);
        if (method?.type === 'function_definition' && nameOf(method).startsWith('test')) {
          const qualifiedName = `${nameOf(definition)}.${nameOf(method)}`;
          found.push({ classStatement: statement, functionStatement: item, definition: method, qualifiedName });
        }
      }
    }
  }
  return found;
}

/** First line of a definition statement: its first decorator's, else the `def`/`class` line. */
export function firstLine(source: SourceLines, statement: Node): number {
  return source.lineOf(statement.startIndex);
}

/** Last line of a statement's code (ast's end_lineno: trailing comments do not count). */
export function lastLine(source: SourceLines, statement: Node): number {
  return source.lineOf(codeEnd(statement));
}

/**
 * ast's `lineno` of a statement: for a decorated definition, the line of `def`/`class` itself
 * (decorators are not part of the node's position).
 */
export function astLine(source: SourceLines, statement: Node): number {
  return source.lineOf((definitionOf(statement) ?? statement).startIndex);
}

/** True when a decorator of the statement mentions `fixture` (pytest fixtures, in any spelling). */
export function isFixture(statement: Node): boolean {
  return decoratorsOf(statement).some((decorator) => (decoratorExpression(decorator)?.text ?? '').includes('fixture'));
}
