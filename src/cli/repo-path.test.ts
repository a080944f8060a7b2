import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoPathProblem } from './repo-path.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('repoPathProblem', () => {
  const dir = mkdtempSync(join(tmpdir(), 'repo-path-'));
  const file = join(dir, 'notes.txt');
  writeFileSync(file, 'x');
  const tarball = join(dir, 'pkg-1.0.tar.gz');
  writeFileSync(tarball, 'x');

  it('accepts a folder and a tarball', () => {
    expect(repoPathProblem(dir)).toBeNull();
    expect(repoPathProblem(tarball)).toBeNull();
  });

  it('names a missing path and a regular file', () => {
    expect(repoPathProblem(join(dir, 'missing'))).toMatch(/no such file or folder$/);
    expect(repoPathProblem(file)).toMatch(/a regular file, not a repository/);
  });

  // The real command: it must stop at the check, with exit status 2, a one-line reason and no stack trace, before
  // loading any model (a model load takes seconds; the check none).
  it.each([
    ['a missing path', join(dir, 'missing'), /no such file or folder/],
    ['a regular file', file, /a regular file, not a repository/],
  ])('npm run eval with %s exits 2 with the reason', (_, repo, reason) => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/eval.ts', '--repo', repo, '--models', join(dir, 'no-models')], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(reason);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    rmSync(join(dir, 'missing'), { force: true });
  });
});
