import git, { TREE, type WalkerEntry } from 'isomorphic-git';
import type { RepoHandle } from './repo-handle.ts';
import type { TreeEntry } from './types.ts';

const BINARY_SNIFF_BYTES = 8000;

/** A NUL byte near the start means binary, as git itself decides. */
export function looksBinary(bytes: Uint8Array): boolean {
  return bytes.subarray(0, BINARY_SNIFF_BYTES).includes(0);
}

/** UTF-8 text of a blob, or null when it looks binary. */
export function decodeText(bytes: Uint8Array): string | null {
  if (looksBinary(bytes)) return null;
  return new TextDecoder('utf-8').decode(bytes);
}

export async function readBlobBytes(repo: RepoHandle, oid: string): Promise<Uint8Array> {
  const { blob } = await git.readBlob({ fs: repo.fs, gitdir: repo.gitdir, oid, cache: repo.cache });
  return blob;
}

export async function readBlobText(repo: RepoHandle, oid: string): Promise<string | null> {
  return decodeText(await readBlobBytes(repo, oid));
}

/** Every blob of a commit's tree, sorted by path; submodules (gitlinks) and symlinks are left out. */
export async function listCommitFiles(repo: RepoHandle, commit: string): Promise<TreeEntry[]> {
  const entries: TreeEntry[] = [];
  await git.walk({
    fs: repo.fs,
    gitdir: repo.gitdir,
    cache: repo.cache,
    trees: [TREE({ ref: commit })],
    map: async (path: string, [entry]: (WalkerEntry | null)[]) => {
      if (!entry || path === '.') return undefined;
      const type = await entry.type();
      if (type !== 'blob') return type === 'tree' ? undefined : null;
      const mode = await entry.mode();
      if (mode === 0o120000) return null; // symlink: its "content" is a path
      const oid = await entry.oid();
      const content = await entry.content();
      entries.push({ path, oid, size: content?.byteLength ?? 0 });
      return undefined;
    },
  });
  return entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
