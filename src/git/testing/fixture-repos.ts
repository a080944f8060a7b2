/**
 * Node-only helpers for the git layer's tests: build small bare repositories with the git CLI, with fixed
 * authors and dates so that commit ids are the same on every run and machine.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface FixtureCommit {
  message: string;
  /** Files to write (path -> content); null deletes the file. */
  files: Record<string, string | Uint8Array | null>;
}

/** An environment that makes git ignore the machine's configuration and date. */
export function deterministicGitEnv(timestamp: number): NodeJS.ProcessEnv {
  const date = `${timestamp} +0000`;
  return {
    PATH: process.env.PATH,
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Ada Fixture',
    GIT_AUTHOR_EMAIL: 'ada@example.org',
    GIT_COMMITTER_NAME: 'Ada Fixture',
    GIT_COMMITTER_EMAIL: 'ada@example.org',
    GIT_AUTHOR_DATE: date,
    GIT_COMMITTER_DATE: date,
    LANG: 'C',
  };
}

export function runGit(cwd: string, args: string[], env: NodeJS.ProcessEnv = deterministicGitEnv(0)): string {
  return execFileSync('git', args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/**
 * Creates `<root>/<name>.git` (bare) holding `commits` on branch `main`, one per day from 2024-01-01.
 * Returns the commit ids, oldest first.
 */
export function makeBareRepo(root: string, name: string, commits: FixtureCommit[]): string[] {
  const work = mkdtempSync(join(tmpdir(), `fixture-${name}-`));
  try {
    runGit(work, ['init', '-q', '-b', 'main']);
    const base = Date.UTC(2024, 0, 1) / 1000;
    const ids: string[] = [];
    commits.forEach((c, i) => {
      for (const [path, content] of Object.entries(c.files)) {
        const full = join(work, path);
        if (content === null) {
          rmSync(full);
        } else {
          mkdirSync(dirname(full), { recursive: true });
          writeFileSync(full, content);
        }
      }
      const env = deterministicGitEnv(base + i * 86_400);
      runGit(work, ['add', '-A'], env);
      runGit(work, ['commit', '-q', '--allow-empty', '-m', c.message], env);
      ids.push(runGit(work, ['rev-parse', 'HEAD'], env));
    });
    const bare = join(root, `${name}.git`);
    rmSync(bare, { recursive: true, force: true });
    runGit(root, ['clone', '-q', '--bare', work, bare]);
    return ids;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Bytes that do not compress (so a pack is as large as its content). */
export function incompressibleBytes(size: number, seed: number): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}
