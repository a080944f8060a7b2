import type { LocalImportSource } from './local-import.ts';
import type { CloneOptions, CloneProgress, CommitInfo, FileChange, ImportProgress, RepoRecord, TreeEntry } from './types.ts';

/**
 * What the git worker exposes (through comlink) to the UI. Every call runs off the main thread; progress
 * callbacks are comlink proxies. Errors are thrown as GitError (src/git/errors.ts) with a GitErrorCode.
 */
export interface GitApi {
  /** Clone into the browser's persistent fs and register the repository; resolves with its record. */
  clone(opts: CloneOptions, onProgress: (p: CloneProgress) => void): Promise<RepoRecord>;
  /** Abort the clone or fetch in flight, if any (it rejects with code 'cancelled'; nothing half-written stays registered). */
  cancel(): Promise<void>;
  /**
   * Make a local folder or zip a one-commit repository (no history: Static only) and register it. The files
   * arrive as Blobs, which cross to the worker as handles; cancel() stops it like a clone.
   */
  importLocal(source: LocalImportSource, onProgress: (p: ImportProgress) => void): Promise<RepoRecord>;
  /** Import the bundled demo repository (from the app's static files) unless it is already present. */
  openDemo(name: string): Promise<RepoRecord>;
  /** Repositories kept in the persistent fs, newest first. */
  listRepos(): Promise<RepoRecord[]>;
  removeRepo(id: string): Promise<void>;
  /** Every file of a commit (blobs only), sorted by path. */
  listFiles(repoId: string, commit: string): Promise<TreeEntry[]>;
  /** A blob's bytes decoded as UTF-8 text (null for binary content). */
  readText(repoId: string, oid: string): Promise<string | null>;
  /** First-parent history from `ref` (default HEAD), newest first, at most `limit` commits. */
  log(repoId: string, limit?: number, ref?: string): Promise<CommitInfo[]>;
  /** Fetch more history for a shallow clone (Evo needs it); resolves with the new depth. */
  deepen(repoId: string, depth: number, onProgress: (p: CloneProgress) => void): Promise<number>;
  /** Changed files between two commits (from = null: everything in `to` counts as added). */
  diff(repoId: string, from: string | null, to: string): Promise<FileChange[]>;
}
