import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync, type Zippable } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commonTopFolder, pathSegments, type ImportLimits, type LocalFileEntry, type LocalImportSource } from './local-import.ts';
import { createGitService } from './service.ts';
import { runGit } from './testing/fixture-repos.ts';
import { nodeGitDeps } from './testing/node-deps.ts';
import type { GitErrorCode, ImportProgress } from './types.ts';
import { codeOf } from './testing/error-code.ts';

let tmp: string;
const IMPORT_TIME_MS = Date.UTC(2025, 5, 1);
const encoder = new TextEncoder();

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'local-import-test-'));
});

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

function freshService(importLimits?: ImportLimits) {
  const root = mkdtempSync(join(tmp, 'fs-'));
  const extra = { now: () => IMPORT_TIME_MS, ...(importLimits ? { importLimits } : {}) };
  return { root, git: createGitService(nodeGitDeps(root, join(tmp, 'no-demo'), extra)) };
}

type Content = string | Uint8Array<ArrayBuffer>;

function folder(name: string, files: Record<string, Content>): LocalImportSource {
  const entries: LocalFileEntry[] = Object.entries(files).map(([path, content]) => ({
    path,
    data: new Blob([typeof content === 'string' ? encoder.encode(content) : content]),
  }));
  return { kind: 'folder', name, files: entries };
}

function zip(name: string, files: Record<string, Content>): LocalImportSource {
  const zippable: Zippable = {};
  for (const [path, content] of Object.entries(files)) zippable[path] = typeof content === 'string' ? encoder.encode(content) : content;
  return { kind: 'zip', name, zip: new Blob([zipSync(zippable)]) };
}

function leftovers(root: string): string[] {
  const staging = join(root, 'staging');
  const repos = join(root, 'repos');
  return [...(existsSync(staging) ? readdirSync(staging) : []), ...(existsSync(repos) ? readdirSync(repos) : [])];
}

const PROJECT: Record<string, Content> = {
  'proj/pkg/__init__.py': '',
  'proj/pkg/core.py': 'def one():\n    return 1\n',
  'proj/tests/test_core.py': 'from pkg.core import one\n\n\ndef test_one():\n    assert one() == 1\n',
  'proj/README.md': '# proj\n',
  'proj/.git/config': '[core]\n',
  'proj/node_modules/left-pad/index.js': 'module.exports = 1;\n',
  'proj/pkg/__pycache__/core.cpython-311.pyc': new Uint8Array([0x61, 0x0d, 0x0d, 0x0a, 0, 0, 0, 0]),
  'proj/logo.png': new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d]),
  'proj/data/big.csv': 'x,y\n'.repeat(2000),
};
const KEPT = ['README.md', 'pkg/__init__.py', 'pkg/core.py', 'tests/test_core.py'];
const SMALL_LIMITS: ImportLimits = { maxFileBytes: 4096, maxTotalBytes: 64 * 1024, maxFiles: 50, maxZipBytes: 256 * 1024 };

describe('paths', () => {
  it('accepts relative paths and refuses escapes and empty segments', () => {
    expect(pathSegments('a/b.py')).toEqual(['a', 'b.py']);
    expect(pathSegments('a\\b.py')).toEqual(['a', 'b.py']);
    expect(pathSegments('./a.py')).toEqual(['a.py']);
    expect(pathSegments('../a.py')).toBeNull();
    expect(pathSegments('a/../../b.py')).toBeNull();
    expect(pathSegments('/etc/passwd')).toBeNull();
    expect(pathSegments('a//b')).toBeNull();
  });

  it('finds a single top-level folder only when every path is inside it', () => {
    expect(commonTopFolder([['p', 'a.py'], ['p', 'b', 'c.py']])).toBe('p');
    expect(commonTopFolder([['p', 'a.py'], ['q', 'b.py']])).toBeNull();
    expect(commonTopFolder([['p', 'a.py'], ['p']])).toBeNull();
    expect(commonTopFolder([])).toBeNull();
  });
});

describe('local import', () => {
  it('makes a folder a one-commit repository that the rest of the git layer reads like a clone', async () => {
    const { root, git } = freshService(SMALL_LIMITS);
    const progress: ImportProgress[] = [];
    const rec = await git.importLocal(folder('proj', PROJECT), (p) => progress.push(p));
    expect(rec.source).toBe('local');
    expect(rec.name).toBe('proj');
    expect(rec.ref).toBe('main');
    expect(rec.depth).toBeNull();
    expect(rec.url).toBe('local://proj');
    expect((await git.listRepos()).map((r) => r.id)).toEqual([rec.id]);

    const files = await git.listFiles(rec.id, rec.head);
    expect(files.map((f) => f.path)).toEqual(KEPT);
    const core = files.find((f) => f.path === 'pkg/core.py')!;
    expect(await git.readText(rec.id, core.oid)).toBe(PROJECT['proj/pkg/core.py']);

    const log = await git.log(rec.id);
    expect(log).toHaveLength(1);
    expect(log[0]?.oid).toBe(rec.head);
    expect(log[0]?.parents).toEqual([]);
    expect(log[0]?.author).toBe('Code2LoRA import');
    expect(log[0]?.timestamp).toBe(IMPORT_TIME_MS / 1000);
    expect(log[0]?.message).toContain('4 files');
    expect(log[0]?.message).toContain('1 too large');
    expect(log[0]?.message).toContain('1 binary');
    const changes = await git.diff(rec.id, null, rec.head);
    expect(changes.map((c) => [c.path, c.kind])).toEqual(KEPT.map((p) => [p, 'added']));

    // Progress counts files written, from the first to the last, then done.
    expect(progress[0]?.stage).toBe('reading');
    const writing = progress.filter((p) => p.stage === 'writing');
    expect(writing.map((p) => p.loaded)).toEqual([1, 2, 3, 4, 5]); // the 4 kept files and the binary logo
    expect(writing.every((p) => p.total === 5)).toBe(true);
    expect(progress.at(-1)).toMatchObject({ stage: 'done', loaded: 4 });

    // Real git agrees that this is a sound repository with exactly these files.
    const gitdir = join(root, 'repos', rec.id, '.git');
    runGit(tmp, ['--git-dir', gitdir, 'fsck', '--strict']);
    expect(runGit(tmp, ['--git-dir', gitdir, 'ls-tree', '-r', '--name-only', 'HEAD']).split('\n')).toEqual(KEPT);
    expect(leftovers(root)).toEqual([rec.id]);
  });

  it("writes one pack that real git accepts, with git's tree order and each distinct object once", async () => {
    const { root, git } = freshService();
    const same = 'X = 1\n';
    const files = { 't/a-c.py': same, 't/a.b/x.py': same, 't/a/y.py': 'Y = 2\n', 't/A.py': same, 't/a/z/a.py': same };
    const rec = await git.importLocal(folder('t', files), () => undefined);
    const gitdir = join(root, 'repos', rec.id, '.git');
    runGit(tmp, ['--git-dir', gitdir, 'fsck', '--strict', '--no-dangling']);
    expect(runGit(tmp, ['--git-dir', gitdir, 'ls-tree', '--name-only', 'HEAD']).split('\n')).toEqual(['A.py', 'a-c.py', 'a.b', 'a']);
    const objectDirs = readdirSync(join(gitdir, 'objects')).filter((d) => /^[0-9a-f]{2}$/.test(d));
    expect(objectDirs).toEqual([]); // no loose objects
    const packs = readdirSync(join(gitdir, 'objects', 'pack'));
    expect(packs.filter((f) => f.endsWith('.pack'))).toHaveLength(1);
    // 2 distinct blobs, 4 trees (root, a, a/z, a.b), 1 commit.
    const counted = runGit(tmp, ['--git-dir', gitdir, 'count-objects', '-v']);
    expect(counted).toMatch(/in-pack: 7/);
  });

  it('imports a zip, strips its single top-level folder, and gives the same commit as the folder', async () => {
    const fromFolder = await freshService(SMALL_LIMITS).git.importLocal(folder('proj', PROJECT), () => undefined);
    const { git } = freshService(SMALL_LIMITS);
    const rec = await git.importLocal(zip('proj-main.zip', PROJECT), () => undefined);
    expect(rec.name).toBe('proj');
    expect(rec.head).toBe(fromFolder.head);
    expect((await git.listFiles(rec.id, rec.head)).map((f) => f.path)).toEqual(KEPT);
  });

  it('names a zip without a top-level folder after the file', async () => {
    const { git } = freshService();
    const rec = await git.importLocal(zip('flat.zip', { 'a.py': 'A = 1\n', 'sub\\b.py': 'B = 2\n' }), () => undefined);
    expect(rec.name).toBe('flat');
    expect((await git.listFiles(rec.id, rec.head)).map((f) => f.path)).toEqual(['a.py', 'sub/b.py']);
  });

  it('replaces an earlier import of the same name', async () => {
    const { git } = freshService();
    const first = await git.importLocal(folder('same', { 'same/a.py': 'A = 1\n' }), () => undefined);
    const second = await git.importLocal(folder('same', { 'same/a.py': 'A = 2\n' }), () => undefined);
    expect(second.id).toBe(first.id);
    expect(second.head).not.toBe(first.head);
    expect((await git.listRepos()).map((r) => r.head)).toEqual([second.head]);
  });

  it('refuses what cannot be a repository, with a clear error and nothing kept', async () => {
    const { root, git } = freshService(SMALL_LIMITS);
    const cases: [LocalImportSource, GitErrorCode, RegExp][] = [
      [{ kind: 'folder', name: 'nothing', files: [] }, 'empty', /nothing is empty/],
      [zip('empty.zip', {}), 'empty', /empty is empty/],
      [folder('junk', { 'junk/.git/HEAD': 'ref\n', 'junk/node_modules/x.js': '1', 'junk/huge.py': 'x'.repeat(5000) }), 'no-files', /1 too large/],
      [folder('bin', { 'bin/a.py': new Uint8Array([1, 0, 2]) }), 'no-files', /1 binary/],
      [folder('docs', { 'docs/index.md': '# hi\n', 'docs/conf.txt': 'x\n' }), 'no-python', /no Python/],
      [{ kind: 'zip', name: 'fake.zip', zip: new Blob(['not a zip at all']) }, 'not-a-zip', /not a zip/],
      [{ kind: 'zip', name: 'cut.zip', zip: new Blob([zipSync({ 'a.py': encoder.encode('A = 1\n'.repeat(50)) }).subarray(0, 40)]) }, 'not-a-zip', /could not be read/],
      [folder('many', Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`many/m${i}.py`, 'x = 1\n']))), 'too-large', /limit is 50/],
      [folder('heavy', Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`heavy/h${i}.py`, 'x'.repeat(4000)]))), 'too-large', /limit is 64\.0 KB/],
      [{ kind: 'zip', name: 'huge.zip', zip: new Blob([new Uint8Array(300 * 1024)]) }, 'too-large', /limit for a zip/],
    ];
    for (const [source, code, message] of cases) {
      const attempt = git.importLocal(source, () => undefined);
      expect(await codeOf(attempt), source.name).toBe(code);
      await expect(git.importLocal(source, () => undefined)).rejects.toThrow(message);
    }
    expect(await git.listRepos()).toEqual([]);
    expect(leftovers(root)).toEqual([]);
  });

  it('refuses a zip whose declared sizes exceed the limits before inflating it', async () => {
    const { git } = freshService(SMALL_LIMITS);
    // 40 highly compressible files of 4 KB each: 160 KB declared, a tiny zip.
    const bomb = zip('bomb.zip', Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`b/f${i}.py`, ' '.repeat(4000)])));
    expect(bomb.kind === 'zip' && bomb.zip.size).toBeLessThan(16 * 1024);
    await expect(git.importLocal(bomb, () => undefined)).rejects.toThrow(/more than 50 files or 64\.0 KB/);
  });

  it('stops on cancel and keeps nothing', async () => {
    const { root, git } = freshService();
    const files = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`c/m${i}.py`, `X = ${i}\n`]));
    const attempt = git.importLocal(folder('c', files), (p) => {
      if (p.stage === 'writing' && p.loaded === 3) void git.cancel();
    });
    expect(await codeOf(attempt)).toBe('cancelled');
    expect(await git.listRepos()).toEqual([]);
    expect(leftovers(root)).toEqual([]);
  });
});
