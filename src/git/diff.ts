import git, { TREE, type WalkerEntry } from 'isomorphic-git';
import type { RepoHandle } from './repo-handle.ts';
import { readBlobText } from './tree.ts';
import type { FileChange } from './types.ts';

interface Side {
  type: string;
  oid: string;
}

async function describe(entry: WalkerEntry | null): Promise<Side | null> {
  if (!entry) return null;
  const type = await entry.type();
  if (type !== 'blob' && type !== 'tree') return null; // gitlinks (submodules) carry no files
  if (type === 'blob' && (await entry.mode()) === 0o120000) return null; // symlinks
  return { type, oid: await entry.oid() };
}

/**
 * The files that differ between two commits, sorted by path, with both texts. `from = null` treats every file
 * of `to` as added (the first commit, or a snapshot). Unchanged subtrees are skipped by their tree id, so the
 * cost follows the size of the change, not of the repository. Renames show as a deletion plus an addition.
 */
export async function diffCommits(repo: RepoHandle, from: string | null, to: string): Promise<FileChange[]> {
  const found: { path: string; oldOid: string | null; newOid: string | null }[] = [];
  const trees = from ? [TREE({ ref: from }), TREE({ ref: to })] : [TREE({ ref: to })];
  await git.walk({
    fs: repo.fs,
    gitdir: repo.gitdir,
    cache: repo.cache,
    trees,
    map: async (path: string, entries: (WalkerEntry | null)[]) => {
      const [a, b] = from ? [await describe(entries[0] ?? null), await describe(entries[1] ?? null)] : [null, await describe(entries[0] ?? null)];
      if (path === '.') return undefined;
      if (a?.type === 'tree' && b?.type === 'tree') return a.oid === b.oid ? null : undefined;
      const oldOid = a?.type === 'blob' ? a.oid : null;
      const newOid = b?.type === 'blob' ? b.oid : null;
      if (oldOid !== newOid) found.push({ path, oldOid, newOid });
      // A path that is a tree on one side and a file on the other: keep walking the tree side.
      return a?.type === 'tree' || b?.type === 'tree' ? undefined : null;
    },
  });
  found.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
  const changes: FileChange[] = [];
  for (const f of found) {
    changes.push({
      path: f.path,
      kind: f.oldOid === null ? 'added' : f.newOid === null ? 'deleted' : 'modified',
      oldOid: f.oldOid,
      newOid: f.newOid,
      oldText: f.oldOid ? await readBlobText(repo, f.oldOid) : null,
      newText: f.newOid ? await readBlobText(repo, f.newOid) : null,
    });
  }
  return changes;
}
