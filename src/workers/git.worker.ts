/// <reference lib="webworker" />
// isomorphic-git expects Node's `global` and `Buffer`; they must exist before it is evaluated, hence the
// polyfill module is imported first (ES imports run in order).
import './git-worker-polyfills.ts';
import LightningFS from '@isomorphic-git/lightning-fs';
import { expose, releaseProxy, type Remote } from 'comlink';
import http from 'isomorphic-git/http/web';
import type { GitApi } from '../git/api.ts';
import { installGitErrorTransfer } from '../git/comlink-errors.ts';
import { demoFileUrl } from '../git/demoIndex.ts';
import { createGitService } from '../git/service.ts';

/** The IndexedDB database of the virtual file system that keeps the cloned repositories. */
const FS_NAME = 'code2lora-git';

async function loadDemoFile(name: string): Promise<Uint8Array> {
  const res = await fetch(demoFileUrl(name, self.location.origin));
  if (!res.ok) throw new Error(`demo file ${name}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

installGitErrorTransfer();
const lfs = new LightningFS(FS_NAME);
// The service flushes LightningFS's debounced superblock itself after every change it makes (see flushFs).
const service = createGitService({ fs: lfs, http, root: '/code2lora', loadDemoFile });

type ProgressCallback = Parameters<GitApi['clone']>[1];

/** A progress callback arrives as a comlink proxy of a main-thread function; release its port when done. */
async function releasingCallback<T>(cb: ProgressCallback | Parameters<GitApi['importLocal']>[1], call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } finally {
    (cb as unknown as Partial<Remote<ProgressCallback>>)[releaseProxy]?.();
  }
}

const api: GitApi = {
  ...service,
  clone: (opts, onProgress) => releasingCallback(onProgress, () => service.clone(opts, onProgress)),
  deepen: (repoId, depth, onProgress) => releasingCallback(onProgress, () => service.deepen(repoId, depth, onProgress)),
  importLocal: (source, onProgress) => releasingCallback(onProgress, () => service.importLocal(source, onProgress)),
};
expose(api);
