import { isProductionFile, isPythonFile, isTestFile } from '../../core/python/file-roles.ts';
import type { SourceFile } from '../../engine/completer/api.ts';
import { gitService } from './git.ts';

/** Limits on what the browser encodes, shown in Settings; past them the user gets a clear "too large" error. */
export interface RepoLimits {
  maxPythonFiles: number;
  maxPythonBytes: number;
}

export const DEFAULT_LIMITS: RepoLimits = { maxPythonFiles: 3000, maxPythonBytes: 30 * 1024 * 1024 };

export class RepoContentError extends Error {
  constructor(readonly code: 'no-python' | 'too-large', message: string) {
    super(message);
    this.name = 'RepoContentError';
  }
}

export interface PythonFiles {
  production: SourceFile[];
  tests: SourceFile[];
  /** .py files left out because their content is binary (a NUL byte near the start), by path. */
  binary: string[];
}

/** The Python files of a commit, split into production and test files (the benchmark's rule), within limits. */
export async function readPythonFiles(repoId: string, commit: string, limits: RepoLimits): Promise<PythonFiles> {
  const entries = (await gitService().listFiles(repoId, commit)).filter((e) => isPythonFile(e.path));
  if (entries.length === 0) {
    throw new RepoContentError('no-python', 'This repository has no Python files at this commit: there is nothing to adapt to.');
  }
  const bytes = entries.reduce((n, e) => n + e.size, 0);
  if (entries.length > limits.maxPythonFiles || bytes > limits.maxPythonBytes) {
    throw new RepoContentError(
      'too-large',
      `This repository has ${entries.length} Python files (${(bytes / 2 ** 20).toFixed(1)} MiB); the limits are ` +
        `${limits.maxPythonFiles} files and ${(limits.maxPythonBytes / 2 ** 20).toFixed(0)} MiB (see Settings).`,
    );
  }
  const production: SourceFile[] = [];
  const tests: SourceFile[] = [];
  const binary: string[] = [];
  for (const e of entries) {
    const text = await gitService().readText(repoId, e.oid);
    if (text === null) {
      binary.push(e.path);
      continue;
    }
    const file = { path: e.path, oid: e.oid, text };
    if (isTestFile(e.path)) tests.push(file);
    else if (isProductionFile(e.path)) production.push(file);
  }
  if (production.length === 0) {
    throw new RepoContentError('no-python', 'This repository has only test files in Python: there is no production code to adapt to.');
  }
  return { production, tests, binary };
}
