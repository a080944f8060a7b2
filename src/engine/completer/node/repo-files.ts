/**
 * Python files of a repository for the Node tools: a git repository (work tree or bare, at a commit, read through
 * the git command), a source tarball, or a plain directory. Like models/data/source_tree.py: .py files of at most 512 000 bytes that
 * decode as UTF-8, paths relative to the root with '/'.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import type { SourceFile } from '../api.ts';

const MAX_FILE_BYTES = 512_000;
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

/** The .py files of a commit (default HEAD). */
export function gitPythonFiles(path: string, commit = 'HEAD'): SourceFile[] {
  const listing = git(path, ['ls-tree', '-r', '-z', '--long', commit]).toString('utf8').split('\0').filter(Boolean);
  const wanted: { oid: string; path: string }[] = [];
  for (const entry of listing) {
    const [meta, filePath] = entry.split('\t') as [string, string];
    const [, type, oid, size] = meta.trim().split(/\s+/) as [string, string, string, string];
    if (type === 'blob' && filePath.endsWith('.py') && Number(size) <= MAX_FILE_BYTES) wanted.push({ oid, path: filePath });
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
  }
  return files;
}

/** The .py files under a directory (a .git folder is skipped). */
export function directoryPythonFiles(root: string): SourceFile[] {
  const files: SourceFile[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === '.git') continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && entry.name.endsWith('.py') && statSync(full).size <= MAX_FILE_BYTES) {
        const bytes = new Uint8Array(readFileSync(full));
        const text = decoded(bytes);
        if (text !== null) files.push({ path: relative(root, full).split(sep).join('/'), oid: blobOid(bytes), text });
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
export function tarballPythonFiles(tarball: string): SourceFile[] {
  const dir = mkdtempSync(join(tmpdir(), 'repo-tarball-'));
  try {
    execFileSync('tar', ['-xf', tarball, '-C', dir], { stdio: 'pipe' });
    const entries = readdirSync(dir, { withFileTypes: true });
    const only = entries.length === 1 && entries[0]?.isDirectory() ? entries[0].name : null;
    return directoryPythonFiles(only ? join(dir, only) : dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A git repository (at `commit`, default HEAD), a source tarball, or a plain directory. */
export function repositoryPythonFiles(path: string, commit?: string): SourceFile[] {
  if (TARBALL.test(path)) return tarballPythonFiles(path);
  return isGitRepository(path) ? gitPythonFiles(path, commit) : directoryPythonFiles(path);
}
