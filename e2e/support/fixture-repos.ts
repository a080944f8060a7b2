import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeBareRepo, type FixtureCommit } from '../../src/git/testing/fixture-repos.ts';

/** Builds `<new temp root>/<name>.git` from the commits and returns the root, which the test git server serves. */
export function makeFixtureRoot(name: string, commits: FixtureCommit[]): string {
  const root = mkdtempSync(join(tmpdir(), 'c2l-fixtures-'));
  makeBareRepo(root, name, commits);
  return root;
}

/** A small Python package with tests: enough for the clone and reopen flows. */
export const SMALL_PYTHON_REPO: FixtureCommit[] = [
  {
    message: 'Add the interval module',
    files: {
      'README.md': '# spans\n\nClosed intervals of numbers.\n',
      'spans/__init__.py': 'from .interval import Interval\n',
      'spans/interval.py':
        'class Interval:\n    def __init__(self, lo, hi):\n        if lo > hi:\n            raise ValueError("empty")\n' +
        '        self.lo, self.hi = lo, hi\n\n    def length(self):\n        return self.hi - self.lo\n',
    },
  },
  {
    message: 'Test Interval.length',
    files: {
      'tests/test_interval.py':
        'import pytest\nfrom spans import Interval\n\n\ndef test_length():\n    assert Interval(1, 4).length() == 3\n\n\n' +
        'def test_empty():\n    with pytest.raises(ValueError):\n        Interval(2, 1)\n',
    },
  },
];
