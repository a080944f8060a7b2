/**
 * Python files of a repository for the Node tools: a git repository (work tree or bare, at a commit, read through
 * the git command), a source tarball, or a plain directory. Like models/data/source_tree.py: .py files of at most 512 000 bytes that
 * decode as UTF-8, paths relative to the root with '/'. Symbolic links are not files: skipped (in a git tree a link
 * is a blob holding the target's path, which would otherwise be read as Python). What is skipped, and why, goes
 * into an optional SkippedFiles so the tools can say so.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import type { SourceFile } from '../api.ts';

export const MAX_FILE_BYTES = 512_000;

/** The .py files left out, by reason (paths as in SourceFile). */
export interface SkippedFiles {
  invalidUtf8: string[];
  tooLarge: string[];
  symlinks: string[];
}

export function noSkips(): SkippedFiles {
  return { invalidUtf8: [], tooLarge: [], symlinks: [] };
}

/** One line for the user, or null when nothing was skipped. */
export function describeSkipped(skipped: SkippedFiles): string | null {
  const parts: string[] = [];
  const list = (paths: string[]): string => `${paths.slice(0, 3).join(', ')}${paths.length > 3 ? ', …' : ''}`;
  if (skipped.invalidUtf8.length) parts.push(`${skipped.invalidUtf8.length} not valid UTF-8 (${list(skipped.invalidUtf8)})`);
  if (skipped.tooLarge.length) parts.push(`${skipped.tooLarge.length} over ${MAX_FILE_BYTES} bytes (${list(skipped.tooLarge)})`);
  if (skipped.symlinks.length) parts.push(`${skipped.symlinks.length} symbolic links (${list(skipped.symlinks)})`);
  const total = skipped.invalidUtf8.length + skipped.tooLarge.length + skipped.symlinks.length;
  return total === 0 ? null : `skipped ${total} .py file${total === 1 ? '' : 's'}: ${parts.join('; ')}`;
}
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Git's blob id of some bytes (sha1 of "blob <size>\0" + bytes): the same key the browser's git layer gives. */
export function blobOid(bytes: Uint8Array): string {
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

function decoded(bytes: Uint8Array): string | null {
  try {
    return utf8.decode(bytes);
  } catch {
    return null;
  }
}

export function isGitRepository(path: string): boolean {
  try {
    execFileSync('git', ['-C', path, 'rev-parse', '--git-dir'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

function git(path: string, args: string[], input?: string): Buffer {
  return execFileSync('git', ['-C', path, ...args], { input, maxBuffer: 1 << 30, stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Git's file mode of a symbolic link: its blob is the link's target path, not file content. */
const SYMLINK_MODE = '120000';

/** The .py files of a commit (default HEAD). */
export function gitPythonFiles(path: string, commit = 'HEAD', skipped: SkippedFiles = noSkips()): SourceFile[] {
  const listing = git(path, ['ls-tree', '-r', '-z', '--long', commit]).toString('utf8').split('\0').filter(Boolean);
  const wanted: { oid: string; path: string }[] = [];
  for (const entry of listing) {
    const [meta, filePath] = entry.split('\t') as [string, string];
    const [mode, type, oid, size] = meta.trim().split(/\s+/) as [string, string, string, string];
    if (type !== 'blob' || !filePath.endsWith('.py')) continue;
    if (mode === SYMLINK_MODE) skipped.symlinks.push(filePath);
    else if (Number(size) > MAX_FILE_BYTES) skipped.tooLarge.push(filePath);
    else wanted.push({ oid, path: filePath });
  }
  if (wanted.length === 0) return [];
  const batch = git(path, ['cat-file', '--batch'], wanted.map((w) => w.oid).join('\n') + '\n');
  const files: SourceFile[] = [];
  let offset = 0;
  for (const w of wanted) {
    const headerEnd = batch.indexOf(10, offset);
    const size = Number(batch.subarray(offset, headerEnd).toString('utf8').split(' ')[2]);
    const bytes = batch.subarray(headerEnd + 1, headerEnd + 1 + size);
    offset = headerEnd + 1 + size + 1;
    const text = decoded(bytes);
    if (text !== null) files.push({ path: w.path, oid: w.oid, text });
    else skipped.invalidUtf8.push(w.path);
  }
  return files;
}

/** The .py files under a directory (a .git folder is skipped; symbolic links are not followed). */
export function directoryPythonFiles(root: string, skipped: SkippedFiles = noSkips()): SourceFile[] {
  const files: SourceFile[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === '.git') continue;
      const full = join(dir, entry.name);
      const path = relative(root, full).split(sep).join('/');
      if (entry.isDirectory()) walk(full);
      else if (!entry.name.endsWith('.py')) continue;
      else if (entry.isSymbolicLink()) skipped.symlinks.push(path);
      else if (!entry.isFile()) continue;
      else if (statSync(full).size > MAX_FILE_BYTES) skipped.tooLarge.push(path);
      else {
        const bytes = new Uint8Array(readFileSync(full));
        const text = decoded(bytes);
        if (text !== null) files.push({ path, oid: blobOid(bytes), text });
        else skipped.invalidUtf8.push(path);
      }
    }
  };
  walk(root);
  return files;
}

const TARBALL = /\.(tar(\.(gz|xz|bz2))?|tgz)$/;

/**
 * The .py files of a source tarball (the benchmark's snapshots), paths relative to its single top-level folder
 * when it has one (source_tree.py _common_top).
 */
export function tarballPythonFiles(tarball: string, skipped: SkippedFiles = noSkips()): SourceFile[] {
  const dir = mkdtempSync(join(tmpdir(), 'repo-tarball-'));
  try {
    execFileSync('tar', ['-xf', tarball, '-C', dir], { stdio: 'pipe' });
    const entries = readdirSync(dir, { withFileTypes: true });
    const only = entries.length === 1 && entries[0]?.isDirectory() ? entries[0].name : null;
    return directoryPythonFiles(only ? join(dir, only) : dir, skipped);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A git repository (at `commit`, default HEAD), a source tarball, or a plain directory. */
export function repositoryPythonFiles(path: string, commit?: string, skipped: SkippedFiles = noSkips()): SourceFile[] {
  if (TARBALL.test(path)) return tarballPythonFiles(path, skipped);
  return isGitRepository(path) ? gitPythonFiles(path, commit, skipped) : directoryPythonFiles(path, skipped);
}

/** Whether a path names a source tarball by its extension (what repositoryPythonFiles unpacks). */
export function isTarballPath(path: string): boolean {
  return TARBALL.test(path);
}
