import type { GitFs } from './fs.ts';

/** Where one kept repository lives and the object cache isomorphic-git reuses across reads of its packs. */
export interface RepoHandle {
  fs: GitFs;
  gitdir: string;
  /** isomorphic-git's `cache` argument: keeps parsed pack indexes between calls (a large speed-up). */
  cache: object;
}
