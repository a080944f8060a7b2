/** The git layer's contract, shared by the git worker, the UI and the Node tools. */

export type CloneStage = 'connecting' | 'counting' | 'receiving' | 'resolving' | 'checkout' | 'done';

export interface CloneProgress {
  stage: CloneStage;
  /** Objects or bytes done in this stage; `total` is 0 when the server did not say. */
  loaded: number;
  total: number;
  message: string;
}

export interface CloneOptions {
  /** Full URL of the remote as the user gave it after normalisation (https://host/owner/repo.git). */
  url: string;
  /** Proxy URL prefix; the remote's URL is appended to it by isomorphic-git's corsProxy option. */
  corsProxy?: string;
  /** Commits of history to fetch; undefined = full history. */
  depth?: number;
  ref?: string;
}

/** What the URL normaliser makes of a pasted address. */
export interface NormalisedUrl {
  /** HTTPS clone URL (https://host/owner/repo.git for the known hosts). */
  url: string;
  /** Branch or tag named by the address (/tree/<ref>, /src/branch/<ref>, ...). */
  ref?: string;
  /** Commit named by the address (/commit/<sha>); clone the default branch, then open this commit. */
  commit?: string;
}

export interface RepoRecord {
  /** Stable id (directory name in the virtual fs). */
  id: string;
  url: string;
  /** Human-readable name (owner/repo). */
  name: string;
  head: string;
  ref: string;
  depth: number | null;
  clonedAt: number;
  source: 'remote' | 'demo' | 'local';
  /** The proxy prefix the clone went through, reused when deepening the history later. */
  corsProxy?: string;
}

export interface TreeEntry {
  path: string;
  /** Git blob id: the cache key for file embeddings. */
  oid: string;
  size: number;
}

export interface CommitInfo {
  oid: string;
  parents: string[];
  message: string;
  author: string;
  timestamp: number;
}

export type ChangeKind = 'added' | 'modified' | 'deleted';

export interface FileChange {
  path: string;
  kind: ChangeKind;
  oldOid: string | null;
  newOid: string | null;
  /** UTF-8 text; null for deleted (new side) or added (old side) files, and for binary files. */
  oldText: string | null;
  newText: string | null;
}

/** Raised with a code the UI maps to a clear message. */
export type GitErrorCode =
  | 'bad-url'
  | 'not-found-or-private'
  | 'proxy-refused'
  | 'network'
  | 'too-large'
  | 'cancelled'
  | 'not-cloned'
  /** Local import: nothing was given (an empty folder or zip). */
  | 'empty'
  /** Local import: every file was skipped (binary, too big, .git/, node_modules/, ...). */
  | 'no-files'
  /** Local import: files, but not one Python file. */
  | 'no-python'
  | 'not-a-zip'
  | 'unknown';

export type ImportStage = 'reading' | 'writing' | 'committing' | 'done';

/** Progress of a local folder or zip import: `loaded`/`total` count files. */
export interface ImportProgress {
  stage: ImportStage;
  loaded: number;
  total: number;
  message: string;
}
