import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeSkipped, directoryPythonFiles, gitPythonFiles, MAX_FILE_BYTES, noSkips } from './repo-files.ts';

/** A folder with one good file, one invalid UTF-8, one too large, and a symbolic link to the good one. */
function makeTree(): string {
  const root = mkdtempSync(join(tmpdir(), 'repo-files-'));
  mkdirSync(join(root, 'pkg'));
  writeFileSync(join(root, 'pkg', 'good.py'), 'X = 1\n');
  writeFileSync(join(root, 'pkg', 'latin1.py'), Buffer.from([0x58, 0x20, 0x3d, 0x20, 0x27, 0xe9, 0x27, 0x0a]));
  writeFileSync(join(root, 'pkg', 'huge.py'), `# ${'x'.repeat(MAX_FILE_BYTES)}\n`);
  symlinkSync('good.py', join(root, 'pkg', 'alias.py'));
  return root;
}

const git = (cwd: string, ...args: string[]): void => {
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.org', ...args], { cwd, stdio: 'pipe' });
};

describe('skipped files are counted with their reason', () => {
  it('in a plain folder', () => {
    const root = makeTree();
    try {
      const skipped = noSkips();
      const files = directoryPythonFiles(root, skipped);
      expect(files.map((f) => f.path)).toEqual(['pkg/good.py']);
      expect(skipped).toEqual({ invalidUtf8: ['pkg/latin1.py'], tooLarge: ['pkg/huge.py'], symlinks: ['pkg/alias.py'] });
      expect(describeSkipped(skipped)).toBe(
        `skipped 3 .py files: 1 not valid UTF-8 (pkg/latin1.py); 1 over ${MAX_FILE_BYTES} bytes (pkg/huge.py); 1 symbolic links (pkg/alias.py)`,
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('in a git repository, where a symbolic link is not read as Python', () => {
    const root = makeTree();
    try {
      git(root, 'init', '-q', '-b', 'main');
      git(root, 'add', '-A');
      git(root, 'commit', '-q', '-m', 'tree');
      const skipped = noSkips();
      const files = gitPythonFiles(root, 'HEAD', skipped);
      // Without the mode check the link came back as a Python file whose text is "good.py".
      expect(files.map((f) => f.path)).toEqual(['pkg/good.py']);
      expect(skipped).toEqual({ invalidUtf8: ['pkg/latin1.py'], tooLarge: ['pkg/huge.py'], symlinks: ['pkg/alias.py'] });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('says nothing when nothing was skipped', () => {
    expect(describeSkipped(noSkips())).toBeNull();
  });
});
