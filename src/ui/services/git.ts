import { createGitClient, type GitClient } from '../../git/client.ts';
import { normaliseGitUrl } from '../../git/url.ts';
import type { LocalImportSource } from '../../git/local-import.ts';
import type { CloneProgress, CommitInfo, FileChange, ImportProgress, RepoRecord, TreeEntry } from '../../git/types.ts';

/** The UI's view of the git worker: one worker for the page's lifetime, started on first use. */
export interface GitService {
  cloneUrl(input: string, opts: { corsProxy: string; depth: number }, onProgress: (p: CloneProgress) => void): Promise<RepoRecord>;
  cancel(): Promise<void>;
  openDemo(name: string): Promise<RepoRecord>;
  importLocal(source: LocalImportSource, onProgress: (p: ImportProgress) => void): Promise<RepoRecord>;
  listRepos(): Promise<RepoRecord[]>;
  removeRepo(id: string): Promise<void>;
  listFiles(repoId: string, commit: string): Promise<TreeEntry[]>;
  readText(repoId: string, oid: string): Promise<string | null>;
  log(repoId: string, limit?: number): Promise<CommitInfo[]>;
  deepen(repoId: string, depth: number, onProgress: (p: CloneProgress) => void): Promise<number>;
  diff(repoId: string, from: string | null, to: string): Promise<FileChange[]>;
}

let client: GitClient | null = null;

function getClient(): GitClient {
  client ??= createGitClient();
  return client;
}

const service: GitService = {
  cloneUrl(input, opts, onProgress) {
    // Parsing throws a GitError('bad-url') before any worker or network work starts.
    const { url, ref } = normaliseGitUrl(input);
    return getClient().clone({ url, ref, corsProxy: opts.corsProxy, depth: opts.depth }, onProgress);
  },
  cancel: () => getClient().api.cancel(),
  openDemo: (name) => getClient().api.openDemo(name),
  importLocal: (source, onProgress) => getClient().importLocal(source, onProgress),
  listRepos: () => getClient().api.listRepos(),
  removeRepo: (id) => getClient().api.removeRepo(id),
  listFiles: (repoId, commit) => getClient().api.listFiles(repoId, commit),
  readText: (repoId, oid) => getClient().api.readText(repoId, oid),
  log: (repoId, limit) => getClient().api.log(repoId, limit),
  deepen: (repoId, depth, onProgress) => getClient().deepen(repoId, depth, onProgress),
  diff: (repoId, from, to) => getClient().api.diff(repoId, from, to),
};

export function gitService(): GitService {
  return service;
}

if (import.meta.hot) {
  import.meta.hot.dispose(() => {
    client?.dispose();
    client = null;
  });
}
