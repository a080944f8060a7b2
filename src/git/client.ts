import { proxy, releaseProxy, wrap, type Remote } from 'comlink';
import type { GitApi } from './api.ts';
import { installGitErrorTransfer } from './comlink-errors.ts';
import type { LocalImportSource } from './local-import.ts';
import type { CloneOptions, CloneProgress, ImportProgress, RepoRecord } from './types.ts';

export interface GitClient {
  api: Remote<GitApi>;
  /** clone() with the progress callback wrapped in a comlink proxy (the worker releases it when the call settles). */
  clone(opts: CloneOptions, onProgress: (p: CloneProgress) => void): Promise<RepoRecord>;
  /** deepen() with the same proxy handling. */
  deepen(repoId: string, depth: number, onProgress: (p: CloneProgress) => void): Promise<number>;
  /** importLocal() with the same proxy handling; the Blobs in `source` are posted as handles, not bytes. */
  importLocal(source: LocalImportSource, onProgress: (p: ImportProgress) => void): Promise<RepoRecord>;
  dispose(): void;
}

/**
 * Starts the git worker and returns its API for the main thread. Progress callbacks must cross the thread
 * boundary as comlink proxies: the helpers here wrap them, and the worker releases each one (closing its
 * MessagePort) when the call settles, so no port leaks per clone. dispose() releases the API and ends the worker.
 */
export function createGitClient(): GitClient {
  installGitErrorTransfer();
  const worker = new Worker(new URL('../workers/git.worker.ts', import.meta.url), { type: 'module', name: 'git' });
  const api = wrap<GitApi>(worker);

  return {
    api,
    clone: (opts, onProgress) => api.clone(opts, proxy(onProgress)),
    deepen: (repoId, depth, onProgress) => api.deepen(repoId, depth, proxy(onProgress)),
    importLocal: (source, onProgress) => api.importLocal(source, proxy(onProgress)),
    dispose() {
      api[releaseProxy]();
      worker.terminate();
    },
  };
}
