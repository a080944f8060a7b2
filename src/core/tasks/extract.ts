/**
 * Assertion-completion tasks of one test file, by tree-sitter: models/data/tasks.py reproduced exactly
 * (TASKS.md states the rules). Indices are JavaScript string indices; lines and byte columns are converted
 * where they leave this module, so Python (code points, UTF-8 bytes) and JavaScript (UTF-16) agree.
 */
import type { PythonParser } from '../python/parser.ts';
import { acceptedByPython311 } from '../python/python311.ts';
import { isPythonWhitespace, pythonCollapseWhitespace, pythonStrip } from '../python/python-text.ts';
import { SourceLines } from '../python/source-lines.ts';
import { numpyTestingNames } from './call-kinds.ts';
import { contextSegments } from './prefix.ts';
import { sitesOfFunction } from './sites.ts';
import { firstLine, testFunctions } from './test-functions.ts';
import type { ExtractedTask } from './types.ts';

const PUNCTUATION = new Set(Array.from('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~'));

/** Filter 1 of TASKS.md section 4. */
export function keepTarget(target: string): boolean {
  const stripped = pythonStrip(target);
  if (!stripped || stripped.startsWith(',')) return false;
  const characters = Array.from(stripped);
  if (characters.length === 1) return false;
  // string.punctuation + string.whitespace (ASCII whitespace only)
  return !characters.every((c) => PUNCTUATION.has(c) || (c.charCodeAt(0) < 128 && isPythonWhitespace(c)));
}

/** Tasks of one test file, in source order (the caller decides whether the file is a test file). */
export function extractTasks(parser: PythonParser, path: string, text: string): ExtractedTask[] {
  // Python's ast.parse refuses a str that starts with a byte-order mark (U+FEFF is not valid in code).
  if (text.startsWith('\uFEFF')) return [];
  const tree = parser.parse(text);
  if (!tree) return [];
  try {
    if (!acceptedByPython311(tree, text)) return [];
    const module = tree.rootNode;
    const source = new SourceLines(text);
    const numpyNames = numpyTestingNames(module);
    const tasks: ExtractedTask[] = [];
    for (const test of testFunctions(module)) {
      const context = contextSegments(source, module, test);
      const functionStart = source.lineStart(firstLine(source, test.functionStatement));
      const seenStatements = new Set<string>();
      for (const site of sitesOfFunction(test.definition, numpyNames)) {
        const target = text.slice(site.targetStart, site.targetEnd);
        if (!keepTarget(target)) continue;
        const statement = pythonCollapseWhitespace(text.slice(site.statementStart, site.statementEnd));
        if (seenStatements.has(statement)) continue;
        seenStatements.add(statement);
        tasks.push({
          path,
          line: source.lineOf(site.targetStart),
          column: source.byteColumn(site.targetStart),
          kind: site.kind,
          prefix: [...context, text.slice(functionStart, site.targetStart)].join('\n'),
          target,
          function: test.qualifiedName,
          statement,
        });
      }
    }
    return tasks;
  } finally {
    tree.delete();
  }
}
