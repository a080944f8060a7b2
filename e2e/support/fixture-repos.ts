import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Files of one commit: path -> content. */
export type Snapshot = Record<string, string>;

export interface FixtureCommit {
  message: string;
  files: Snapshot;
}

function git(cwd: string, args: string[], date: string): void {
  execFileSync('git', args, {
    cwd,
    stdio: 'ignore',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'Fixture',
      GIT_AUTHOR_EMAIL: 'fixture@example.invalid',
      GIT_COMMITTER_NAME: 'Fixture',
      GIT_COMMITTER_EMAIL: 'fixture@example.invalid',
      GIT_AUTHOR_DATE: date,
      GIT_COMMITTER_DATE: date,
    },
  });
}

/**
 * Builds a bare repository `<root>/<name>.git` whose history is the given snapshots, one commit each (later
 * snapshots add or replace files). Returns the root folder that the test git server serves.
 */
export function makeBareRepo(name: string, commits: FixtureCommit[], root?: string): string {
  const base = root ?? mkdtempSync(join(tmpdir(), 'c2l-fixtures-'));
  const work = mkdtempSync(join(tmpdir(), 'c2l-work-'));
  git(work, ['init', '-q', '-b', 'main'], '2024-01-01T00:00:00Z');
  commits.forEach((c, i) => {
    for (const [path, text] of Object.entries(c.files)) {
      mkdirSync(dirname(join(work, path)), { recursive: true });
      writeFileSync(join(work, path), text);
    }
    const date = `2024-01-${String(i + 2).padStart(2, '0')}T12:00:00Z`;
    git(work, ['add', '-A'], date);
    git(work, ['commit', '-q', '-m', c.message], date);
  });
  git(base, ['clone', '-q', '--bare', work, `${name}.git`], '2024-01-01T00:00:00Z');
  return base;
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
