import git from 'isomorphic-git';
import { unzipSync, type UnzipFileInfo } from 'fflate';
import { GitError } from './errors.ts';
import { joinPath, writeFileDeep, type GitFs } from './fs.ts';
import { buildPack, commitBody, gitObject, treeBody, type GitObject, type TreeItem } from './pack-writer.ts';
import { formatBytes } from './progress.ts';
import { looksBinary } from './tree.ts';
import type { ImportProgress } from './types.ts';

/**
 * Import of a local folder or zip (no history): the files become one commit of a fresh repository in the
 * browser's fs, so every other feature reads it like a clone. File contents arrive as Blobs (a File is one):
 * posting a Blob to the worker moves a handle, not the bytes, and each file is read only when it is written.
 */
export interface LocalFileEntry {
  /** Path relative to the chosen folder, `/`-separated; it may still start with the folder's own name. */
  path: string;
  data: Blob;
}

export type LocalImportSource =
  | { kind: 'folder'; name: string; files: LocalFileEntry[] }
  | { kind: 'zip'; name: string; zip: Blob };

export interface ImportLimits {
  /** Larger files are skipped (generated data, not code). */
  maxFileBytes: number;
  /** More than this in kept files refuses the import. */
  maxTotalBytes: number;
  maxFiles: number;
  /** Larger zip files are refused before they are read. */
  maxZipBytes: number;
}

export const DEFAULT_IMPORT_LIMITS: ImportLimits = {
  maxFileBytes: 1024 * 1024,
  maxTotalBytes: 100 * 1024 * 1024,
  maxFiles: 20_000,
  maxZipBytes: 200 * 1024 * 1024,
};

/** Folders that are tooling, caches or dependencies, never the repository's own code. */
const SKIPPED_DIRS = new Set([
  '.git', 'node_modules', '__pycache__', '.venv', 'venv', '.tox', '.nox', '.mypy_cache', '.pytest_cache',
  '.ruff_cache', '.hg', '.svn', '__MACOSX',
]);
const SKIPPED_FILES = new Set(['.DS_Store', 'Thumbs.db']);

export const IMPORT_AUTHOR = { name: 'Code2LoRA import', email: 'import@code2lora.invalid' };

export interface SkipCounts {
  /** Under .git/, node_modules/, caches, or OS litter. */
  ignored: number;
  tooLarge: number;
  binary: number;
  /** Paths with `..`, empty segments, or a file where a folder is needed. */
  badPath: number;
}

/** A file that passed the path and size rules; its bytes are read when it is written. */
export interface PendingFile {
  path: string;
  size: number;
  read(): Promise<Uint8Array>;
}

export interface CollectedFiles {
  /** The repository's name: the top-level folder if there was one, else the given name. */
  name: string;
  files: PendingFile[];
  skipped: SkipCounts;
  /** Files the source held before any rule, to tell "empty" apart from "everything skipped". */
  entryCount: number;
}

function emptySkips(): SkipCounts {
  return { ignored: 0, tooLarge: 0, binary: 0, badPath: 0 };
}

/** Path segments of a safe relative path (backslashes from Windows zips count as separators), else null. */
export function pathSegments(raw: string): string[] | null {
  const segments = raw.replace(/\\/g, '/').replace(/^\.\//, '').split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..')) return null;
  return segments;
}

function isIgnored(segments: string[]): boolean {
  return segments.slice(0, -1).some((s) => SKIPPED_DIRS.has(s)) || SKIPPED_FILES.has(segments.at(-1) ?? '');
}

/** The one folder every path starts with, if there is one (a folder picked as a whole, most zips of a project). */
export function commonTopFolder(paths: string[][]): string | null {
  const first = paths[0]?.[0];
  if (first === undefined) return null;
  return paths.every((p) => p.length > 1 && p[0] === first) ? first : null;
}

interface RawEntry {
  segments: string[];
  size: number;
  read(): Promise<Uint8Array>;
}

/** Applies the path and size rules to raw entries and strips a single top-level folder. */
function selectFiles(name: string, raw: RawEntry[], skipped: SkipCounts, limits: ImportLimits): CollectedFiles {
  const top = commonTopFolder(raw.map((r) => r.segments));
  const files: PendingFile[] = [];
  let total = 0;
  for (const entry of raw) {
    const segments = top === null ? entry.segments : entry.segments.slice(1);
    if (isIgnored(segments)) {
      skipped.ignored++;
    } else if (entry.size > limits.maxFileBytes) {
      skipped.tooLarge++;
    } else {
      total += entry.size;
      files.push({ path: segments.join('/'), size: entry.size, read: entry.read });
    }
  }
  if (files.length > limits.maxFiles) {
    throw new GitError('too-large', `${files.length} files to import; the limit is ${limits.maxFiles}.`);
  }
  if (total > limits.maxTotalBytes) {
    throw new GitError('too-large', `${formatBytes(total)} of files to import; the limit is ${formatBytes(limits.maxTotalBytes)}.`);
  }
  return { name: top ?? name, files, skipped, entryCount: raw.length + skipped.badPath };
}

function collectFolder(name: string, entries: LocalFileEntry[], limits: ImportLimits): CollectedFiles {
  const skipped = emptySkips();
  const raw: RawEntry[] = [];
  for (const entry of entries) {
    const segments = pathSegments(entry.path);
    if (!segments) {
      skipped.badPath++;
      continue;
    }
    raw.push({ segments, size: entry.data.size, read: async () => new Uint8Array(await entry.data.arrayBuffer()) });
  }
  return selectFiles(name, raw, skipped, limits);
}

/** "PK\3\4" (a local file header) or "PK\5\6" (the end record of an empty zip). */
function hasZipSignature(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && ((bytes[2] === 3 && bytes[3] === 4) || (bytes[2] === 5 && bytes[3] === 6));
}

async function collectZip(name: string, repoName: string, zip: Blob, limits: ImportLimits): Promise<CollectedFiles> {
  if (zip.size > limits.maxZipBytes) {
    throw new GitError('too-large', `${name} is ${formatBytes(zip.size)}; the limit for a zip is ${formatBytes(limits.maxZipBytes)}.`);
  }
  const bytes = new Uint8Array(await zip.arrayBuffer());
  if (!hasZipSignature(bytes)) throw new GitError('not-a-zip', `${name} is not a zip file.`);
  // The filter sees every entry's declared size before anything is inflated: skipped files are never
  // decompressed, and the running totals refuse a zip bomb before it is. (fflate inflates into a buffer of
  // the declared size, so an entry that lies about its size cannot grow past it.)
  const declared: UnzipFileInfo[] = [];
  let acceptedFiles = 0;
  let acceptedBytes = 0;
  let inflated: Record<string, Uint8Array>;
  try {
    inflated = unzipSync(bytes, {
      filter: (info) => {
        if (info.name.endsWith('/')) return false;
        declared.push(info);
        const segments = pathSegments(info.name);
        // Past the first segment only: a single top-level folder is stripped later and is no ignored folder.
        const accept = segments !== null && !isIgnored(segments.slice(segments.length > 1 ? 1 : 0)) && info.originalSize <= limits.maxFileBytes;
        if (accept) {
          acceptedFiles++;
          acceptedBytes += info.originalSize;
          if (acceptedFiles > limits.maxFiles || acceptedBytes > limits.maxTotalBytes) {
            throw new GitError('too-large', `${name} holds more than ${limits.maxFiles} files or ${formatBytes(limits.maxTotalBytes)} to import (the limits).`);
          }
        }
        return accept;
      },
    });
  } catch (err) {
    if (err instanceof GitError) throw err;
    throw new GitError('not-a-zip', `${name} could not be read as a zip file (${err instanceof Error ? err.message : String(err)}).`);
  }
  const raw: RawEntry[] = [];
  const skipped = emptySkips();
  for (const info of declared) {
    const segments = pathSegments(info.name);
    if (!segments) {
      skipped.badPath++;
      continue;
    }
    const data = inflated[info.name];
    raw.push({
      segments,
      size: data?.byteLength ?? info.originalSize,
      read: async () => {
        // Only entries the filter declined lack data, and the same rules skip them again before any read.
        if (!data) throw new Error(`zip entry ${info.name} was not extracted`);
        return data;
      },
    });
  }
  return selectFiles(repoName, raw, skipped, limits);
}

/** Lists what a folder or zip holds that can go into the repository, before anything is written. */
export async function collectImportFiles(source: LocalImportSource, limits: ImportLimits = DEFAULT_IMPORT_LIMITS): Promise<CollectedFiles> {
  if (source.kind === 'folder') return collectFolder(source.name || 'folder', source.files, limits);
  // A zip without a single top-level folder is named after the file.
  return collectZip(source.name, source.name.replace(/\.zip$/i, '') || 'zip', source.zip, limits);
}

export function describeSkips(skipped: SkipCounts): string {
  const parts = [
    skipped.ignored && `${skipped.ignored} ignored (.git/, node_modules/, caches)`,
    skipped.tooLarge && `${skipped.tooLarge} too large`,
    skipped.binary && `${skipped.binary} binary`,
    skipped.badPath && `${skipped.badPath} with unusable paths`,
  ].filter(Boolean);
  return parts.length ? `skipped: ${parts.join(', ')}` : 'nothing skipped';
}

/** Refuses what cannot become a useful repository, before anything is written. */
export function checkImportable(collected: CollectedFiles): void {
  if (collected.entryCount === 0) throw new GitError('empty', `${collected.name} is empty.`);
  if (collected.files.length === 0) {
    throw new GitError('no-files', `Nothing in ${collected.name} can be imported (${describeSkips(collected.skipped)}).`);
  }
  if (!collected.files.some((f) => f.path.endsWith('.py'))) {
    throw new GitError('no-python', `${collected.name} has no Python (.py) files among its ${collected.files.length} files.`);
  }
}

type TreeNode = Map<string, { oid: string } | TreeNode>;

/** Builds the tree objects bottom-up into `objects` (each distinct object once); returns the root tree's id. */
async function buildTrees(node: TreeNode, objects: Map<string, GitObject>): Promise<string> {
  const items: TreeItem[] = [];
  for (const [name, child] of node) {
    if (child instanceof Map) items.push({ name, kind: 'dir', oid: await buildTrees(child, objects) });
    else items.push({ name, kind: 'file', oid: child.oid });
  }
  const tree = await gitObject('tree', treeBody(items));
  objects.set(tree.oid, tree);
  return tree.oid;
}

/** Puts a blob at `path` in the tree being built; false when a file and a folder would share a name. */
function placeBlob(root: TreeNode, path: string, oid: string): boolean {
  const segments = path.split('/');
  let node = root;
  for (const dir of segments.slice(0, -1)) {
    let next = node.get(dir);
    if (next === undefined) {
      next = new Map();
      node.set(dir, next);
    }
    if (!(next instanceof Map)) return false;
    node = next;
  }
  const leaf = segments.at(-1) ?? '';
  if (node.has(leaf)) return false;
  node.set(leaf, { oid });
  return true;
}

export interface WriteImportOptions {
  /** Commit time, seconds since the epoch. */
  timestamp: number;
  onProgress(p: ImportProgress): void;
  signal?: AbortSignal;
}

export interface WrittenRepo {
  head: string;
  written: number;
  skipped: SkipCounts;
}

/**
 * Makes a new repository at `gitdir` (no working tree, like our clones) whose `main` holds one commit of the
 * files, by IMPORT_AUTHOR. Binary files are skipped here, once their first bytes are known. Every object goes
 * into one packfile (see pack-writer.ts), indexed by isomorphic-git.
 */
export async function writeImportedRepo(fs: GitFs, gitdir: string, collected: CollectedFiles, opts: WriteImportOptions): Promise<WrittenRepo> {
  const skipped = { ...collected.skipped };
  const total = collected.files.length;
  await git.init({ fs, gitdir, bare: true, defaultBranch: 'main' });
  const objects = new Map<string, GitObject>();
  const root: TreeNode = new Map();
  let written = 0;
  let done = 0;
  for (const file of collected.files) {
    if (opts.signal?.aborted) throw new GitError('cancelled', 'Cancelled.');
    const bytes = await file.read();
    if (looksBinary(bytes)) {
      skipped.binary++;
    } else {
      const blob = await gitObject('blob', bytes);
      if (placeBlob(root, file.path, blob.oid)) {
        objects.set(blob.oid, blob);
        written++;
      } else {
        skipped.badPath++;
      }
    }
    done++;
    opts.onProgress({ stage: 'writing', loaded: done, total, message: `Reading ${file.path}` });
  }
  if (written === 0) {
    throw new GitError('no-files', `Nothing in ${collected.name} can be imported (${describeSkips(skipped)}).`);
  }
  opts.onProgress({ stage: 'committing', loaded: total, total, message: 'Committing' });
  const tree = await buildTrees(root, objects);
  const author = { ...IMPORT_AUTHOR, timestamp: opts.timestamp };
  const commit = await gitObject('commit', commitBody(tree, [], author, `Import ${collected.name} (${written} files; ${describeSkips(skipped)})\n`));
  objects.set(commit.oid, commit);
  const { pack, checksum } = await buildPack([...objects.values()]);
  const packPath = `objects/pack/pack-${checksum}.pack`;
  await writeFileDeep(fs, joinPath(gitdir, packPath), pack);
  await git.indexPack({ fs, dir: gitdir, gitdir, filepath: packPath });
  await git.writeRef({ fs, gitdir, ref: 'refs/heads/main', value: commit.oid, force: true });
  return { head: commit.oid, written, skipped };
}
