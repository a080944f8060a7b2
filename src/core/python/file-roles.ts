/**
 * Which Python files are test files (the benchmark's task sources) and which are production code.
 * Twin of models/data/file_roles.py; the rule is TASKS.md section 1, on the '/'-separated path relative to
 * the repository root.
 */

const TEST_DIRS = new Set(['tests', 'test']);

export function isPythonFile(path: string): boolean {
  return path.endsWith('.py');
}

export function isTestFile(path: string): boolean {
  const parts = path.replaceAll('\\', '/').split('/');
  const name = parts[parts.length - 1] as string;
  if (!name.endsWith('.py')) return false;
  if (name.startsWith('test_') || name.endsWith('_test.py') || name === 'conftest.py') return true;
  return parts.slice(0, -1).some((part) => TEST_DIRS.has(part));
}

/** A production (non-test) Python file: what the repository encoder reads. */
export function isProductionFile(path: string): boolean {
  return isPythonFile(path) && !isTestFile(path);
}
