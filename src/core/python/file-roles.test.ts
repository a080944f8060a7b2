import { describe, expect, it } from 'vitest';
import { isProductionFile, isTestFile } from './file-roles.ts';

// The same cases as models/data/test_tasks.py::test_test_file_rule, plus a few more.
describe('isTestFile (models/data/file_roles.py)', () => {
  it('recognises test files by name or by a tests/test directory', () => {
    for (const path of ['tests/helpers.py', 'pkg/test/util.py', 'test_mod.py', 'pkg/mod_test.py', 'conftest.py',
      'src/pkg/conftest.py', 'a\\tests\\b.py']) {
      expect(isTestFile(path), path).toBe(true);
    }
  });

  it('leaves everything else to production', () => {
    for (const path of ['pkg/testing.py', 'pkg/contest.py', 'tests/data.json', 'mytests/x.py', 'test.py', 'tests.py',
      'pkg/test_data/x.py']) {
      expect(isTestFile(path), path).toBe(false);
    }
    expect(isProductionFile('pkg/testing.py')).toBe(true);
    expect(isProductionFile('tests/helpers.py')).toBe(false);
    expect(isProductionFile('README.md')).toBe(false);
  });
});
