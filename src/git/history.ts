import git from 'isomorphic-git';
import { joinPath, pathExists } from './fs.ts';
import type { RepoHandle } from './repo-handle.ts';
import type { CommitInfo } from './types.ts';

/** Commits whose parents were not fetched (git's `shallow` file); empty for a full clone. */
export async function readShallowBoundary(repo: RepoHandle): Promise<Set<string>> {
  const file = joinPath(repo.gitdir, 'shallow');
  if (!(await pathExists(repo.fs, file))) return new Set();
  const text = await repo.fs.promises.readFile(file, 'utf8');
  return new Set(text.split('\n').map((l) => l.trim()).filter((l) => l.length > 0));
}

export async function resolveCommit(repo: RepoHandle, ref: string): Promise<string> {
  return git.resolveRef({ fs: repo.fs, gitdir: repo.gitdir, ref });
}

/**
 * First-parent history from `ref`, newest first: the mainline a user steps through in Evo mode, without the
 * commits of merged side branches. Stops at the shallow boundary of a shallow clone.
 */
export async function firstParentLog(repo: RepoHandle, ref: string, limit: number): Promise<CommitInfo[]> {
  const shallow = await readShallowBoundary(repo);
  const out: CommitInfo[] = [];
  let oid: string | undefined = await resolveCommit(repo, ref);
  while (oid && out.length < limit) {
    const { commit } = await git.readCommit({ fs: repo.fs, gitdir: repo.gitdir, oid, cache: repo.cache });
    out.push({
      oid,
      parents: commit.parent,
      message: commit.message,
      author: commit.author.name,
      timestamp: commit.author.timestamp,
    });
    oid = shallow.has(oid) ? undefined : commit.parent[0];
  }
  return out;
}
