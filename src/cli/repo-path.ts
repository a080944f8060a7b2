import { statSync } from 'node:fs';
import { isTarballPath } from '../engine/completer/node/repo-files.ts';

/**
 * What is wrong with a --repo path, in one sentence, or null when it can be read: a folder (a git work tree, a
 * bare repository or plain files) or a source tarball. Checked before anything else, so a typo costs no model
 * loading and no stack trace.
 */
export function repoPathProblem(path: string): string | null {
  let stats;
  try {
    stats = statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return `--repo ${path}: no such file or folder`;
    return `--repo ${path}: cannot be read (${code ?? String(e)})`;
  }
  if (stats.isDirectory()) return null;
  if (stats.isFile()) {
    if (isTarballPath(path)) return null;
    return `--repo ${path}: a regular file, not a repository; give a folder (a git repository or plain files) or a source tarball (.tar, .tar.gz, .tgz, .tar.xz, .tar.bz2)`;
  }
  return `--repo ${path}: neither a folder nor a file`;
}
