/**
 * The file system the git layer runs on: LightningFS (IndexedDB) in the browser, Node's `fs` in tests and
 * tools. Only the promise API is used, and only calls both implement the same way.
 */
export interface FsStats {
  isDirectory(): boolean;
  isFile(): boolean;
  size: number;
}

export interface FsPromises {
  readFile(path: string, encoding: 'utf8'): Promise<string>;
  readFile(path: string): Promise<Uint8Array>;
  writeFile(path: string, data: Uint8Array | string): Promise<void>;
  mkdir(path: string): Promise<unknown>;
  readdir(path: string): Promise<string[]>;
  rmdir(path: string): Promise<void>;
  unlink(path: string): Promise<void>;
  stat(path: string): Promise<FsStats>;
  lstat(path: string): Promise<FsStats>;
  rename(from: string, to: string): Promise<void>;
  /** LightningFS only: write its debounced superblock now (so a reload right after a clone keeps it). */
  flush?(): Promise<void>;
}

export interface GitFs {
  promises: FsPromises;
}

export function joinPath(...parts: string[]): string {
  return parts
    .join('/')
    .replace(/\/{2,}/g, '/')
    .replace(/(.)\/$/, '$1');
}

export function parentPath(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

function errorCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null ? (err as { code?: string }).code : undefined;
}

export async function pathExists(fs: GitFs, path: string): Promise<boolean> {
  try {
    await fs.promises.stat(path);
    return true;
  } catch (err) {
    if (errorCode(err) === 'ENOENT' || errorCode(err) === 'ENOTDIR') return false;
    throw err;
  }
}

/** mkdir -p (LightningFS has no recursive option). */
export async function makeDirs(fs: GitFs, path: string): Promise<void> {
  if (path === '/' || path === '') return;
  if (await pathExists(fs, path)) return;
  await makeDirs(fs, parentPath(path));
  try {
    await fs.promises.mkdir(path);
  } catch (err) {
    if (errorCode(err) !== 'EEXIST') throw err;
  }
}

/** rm -rf (LightningFS has no recursive rmdir); a missing path is not an error. */
export async function removeTree(fs: GitFs, path: string): Promise<void> {
  let stats: FsStats;
  try {
    stats = await fs.promises.lstat(path);
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return;
    throw err;
  }
  if (!stats.isDirectory()) {
    await fs.promises.unlink(path);
    return;
  }
  for (const name of await fs.promises.readdir(path)) {
    await removeTree(fs, joinPath(path, name));
  }
  await fs.promises.rmdir(path);
}

export async function writeFileDeep(fs: GitFs, path: string, data: Uint8Array | string): Promise<void> {
  await makeDirs(fs, parentPath(path));
  await fs.promises.writeFile(path, data);
}

/** Makes finished work durable where the fs defers it (LightningFS); a no-op for Node's fs. */
export async function flushFs(fs: GitFs): Promise<void> {
  await fs.promises.flush?.();
}
