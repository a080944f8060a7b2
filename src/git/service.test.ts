import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitServer, type GitServer } from '../../e2e/support/git-server.ts';
import { proxyOptions, type ProxyOptions } from '../proxy/config.ts';
import { createProxyMiddleware } from '../proxy/middleware.ts';
import { GitError } from './errors.ts';
import { createGitService } from './service.ts';
import { zipBareRepo } from '../../scripts/demo-repo/build.ts';
import type { DemoIndex } from './demo-bundle.ts';
import { incompressibleBytes, makeBareRepo, runGit } from './testing/fixture-repos.ts';
import { nodeGitDeps } from './testing/node-deps.ts';
import type { CloneProgress } from './types.ts';
import { codeOf } from './testing/error-code.ts';

let tmp: string;
let server: GitServer;
let smallIds: string[];

const noProgress = (): void => undefined;

function freshService(extra: Parameters<typeof nodeGitDeps>[2] = {}) {
  const root = mkdtempSync(join(tmp, 'fs-'));
  return { root, git: createGitService(nodeGitDeps(root, join(tmp, 'no-demo'), extra)) };
}

function stagingLeftovers(root: string): string[] {
  const dir = join(root, 'staging');
  return existsSync(dir) ? readdirSync(dir) : [];
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'git-service-test-'));
  const served = join(tmp, 'served');
  mkdirSync(served, { recursive: true });
  smallIds = makeBareRepo(served, 'small', [
    { message: 'Add package', files: { 'pkg/__init__.py': '', 'pkg/core.py': 'def one():\n    return 1\n' } },
    { message: 'Add tests', files: { 'tests/test_core.py': 'from pkg.core import one\n\ndef test_one():\n    assert one() == 1\n' } },
    { message: 'Add two', files: { 'pkg/core.py': 'def one():\n    return 1\n\n\ndef two():\n    return 2\n', 'logo.bin': new Uint8Array([0, 1, 2, 0, 255]) } },
    { message: 'Drop the logo', files: { 'logo.bin': null, 'README.md': '# small\n' } },
    { message: 'Rename core', files: { 'pkg/core.py': null, 'pkg/numbers.py': 'def one():\n    return 1\n' } },
  ]);
  makeBareRepo(served, 'big', [
    { message: 'Add data', files: { 'data/a.bin': incompressibleBytes(400_000, 1) } },
    { message: 'More data', files: { 'data/b.bin': incompressibleBytes(400_000, 2) } },
  ]);
  server = await startGitServer({ root: served });
});

afterAll(async () => {
  await server.stop();
  rmSync(tmp, { recursive: true, force: true });
});

describe('clone and read', () => {
  it('clones a repository, reports progress and registers it', async () => {
    const { git } = freshService();
    const progress: CloneProgress[] = [];
    const rec = await git.clone({ url: `${server.url}/small.git` }, (p) => progress.push(p));
    expect(rec.head).toBe(smallIds[4]);
    expect(rec.ref).toBe('main');
    expect(rec.depth).toBeNull();
    expect(rec.source).toBe('remote');
    expect(rec.name).toBe('small');
    expect(progress[0]?.stage).toBe('connecting');
    expect(progress.at(-1)?.stage).toBe('done');
    expect(progress.some((p) => p.stage === 'receiving')).toBe(true);
    expect(progress.some((p) => p.stage === 'resolving')).toBe(true);
    expect((await git.listRepos()).map((r) => r.id)).toEqual([rec.id]);
  });

  it('lists files, reads blobs, walks the first-parent log and diffs commits', async () => {
    const { git } = freshService();
    const rec = await git.clone({ url: `${server.url}/small.git` }, noProgress);
    const files = await git.listFiles(rec.id, rec.head);
    expect(files.map((f) => f.path)).toEqual(['README.md', 'pkg/__init__.py', 'pkg/numbers.py', 'tests/test_core.py']);
    const numbers = files.find((f) => f.path === 'pkg/numbers.py')!;
    expect(numbers.size).toBe('def one():\n    return 1\n'.length);
    expect(await git.readText(rec.id, numbers.oid)).toBe('def one():\n    return 1\n');

    const log = await git.log(rec.id);
    expect(log.map((c) => c.oid)).toEqual([...smallIds].reverse());
    expect(log[0]?.message.trim()).toBe('Rename core');
    expect(log[0]?.parents).toEqual([smallIds[3]]);
    expect(log[0]?.author).toBe('Ada Fixture');
    expect(log[4]?.timestamp).toBe(Date.UTC(2024, 0, 1) / 1000);
    expect((await git.log(rec.id, 2)).length).toBe(2);

    const rename = await git.diff(rec.id, smallIds[3]!, smallIds[4]!);
    expect(rename.map((c) => [c.path, c.kind])).toEqual([
      ['pkg/core.py', 'deleted'],
      ['pkg/numbers.py', 'added'],
    ]);
    expect(rename[0]?.newText).toBeNull();
    expect(rename[0]?.oldText).toContain('def two');

    const binary = await git.diff(rec.id, smallIds[1]!, smallIds[2]!);
    expect(binary.map((c) => [c.path, c.kind])).toEqual([
      ['logo.bin', 'added'],
      ['pkg/core.py', 'modified'],
    ]);
    expect(binary[0]?.newText).toBeNull(); // binary
    expect(binary[1]?.oldText).toBe('def one():\n    return 1\n');

    const first = await git.diff(rec.id, null, smallIds[0]!);
    expect(first.every((c) => c.kind === 'added' && c.oldOid === null)).toBe(true);
    expect(first.map((c) => c.path)).toEqual(['pkg/__init__.py', 'pkg/core.py']);
  });

  it('makes a shallow clone and deepens it on demand', async () => {
    const { git } = freshService();
    const rec = await git.clone({ url: `${server.url}/small.git`, depth: 2 }, noProgress);
    expect(rec.depth).toBe(2);
    expect((await git.log(rec.id)).map((c) => c.oid)).toEqual([smallIds[4], smallIds[3]]);
    expect(await codeOf(git.diff(rec.id, smallIds[0]!, smallIds[4]!))).toBe('not-cloned');

    expect(await git.deepen(rec.id, 4, noProgress)).toBe(4);
    expect((await git.listRepos())[0]?.depth).toBe(4);
    expect(await git.deepen(rec.id, 50, noProgress)).toBe(5);
    expect((await git.listRepos())[0]?.depth).toBeNull();
    expect((await git.log(rec.id)).map((c) => c.oid)).toEqual([...smallIds].reverse());
    expect((await git.diff(rec.id, smallIds[0]!, smallIds[1]!)).map((c) => c.path)).toEqual(['tests/test_core.py']);
  });

  it('keeps the registry in the fs: a new service over the same root reopens offline, and removal cleans up', async () => {
    const { root, git } = freshService();
    const rec = await git.clone({ url: `${server.url}/small.git` }, noProgress);
    const before = server.requestCount;
    const reopened = createGitService(nodeGitDeps(root, join(tmp, 'no-demo')));
    expect((await reopened.listRepos()).map((r) => r.id)).toEqual([rec.id]);
    expect((await reopened.log(rec.id)).length).toBe(5);
    expect(server.requestCount).toBe(before);

    await reopened.removeRepo(rec.id);
    expect(await reopened.listRepos()).toEqual([]);
    expect(existsSync(join(root, 'repos', rec.id))).toBe(false);
    expect(await codeOf(reopened.log(rec.id))).toBe('not-cloned');
  });

  it('clones a named branch, and reports a missing one', async () => {
    runGit(join(server.root, 'small.git'), ['branch', '-f', 'dev', smallIds[2]!]);
    const { git } = freshService();
    const rec = await git.clone({ url: `${server.url}/small.git`, ref: 'dev' }, noProgress);
    expect(rec).toMatchObject({ head: smallIds[2], ref: 'dev' });
    expect((await git.log(rec.id)).length).toBe(3);
    expect(await codeOf(git.clone({ url: `${server.url}/small.git`, ref: 'no-such-branch' }, noProgress))).toBe('not-found-or-private');
    expect((await git.listRepos()).length).toBe(1);
  });

  it('removes half-written clones left by an earlier session', async () => {
    const { root, git } = freshService();
    mkdirSync(join(root, 'staging', 'interrupted-clone', '.git'), { recursive: true });
    await git.clone({ url: `${server.url}/small.git`, depth: 1 }, noProgress);
    expect(stagingLeftovers(root)).toEqual([]);
  });

  it('replaces the old copy when the same URL is cloned again', async () => {
    const { git } = freshService();
    const a = await git.clone({ url: `${server.url}/small.git`, depth: 1 }, noProgress);
    const b = await git.clone({ url: `${server.url}/small.git` }, noProgress);
    expect(b.id).toBe(a.id);
    expect((await git.listRepos()).length).toBe(1);
    expect((await git.log(b.id)).length).toBe(5);
  });
});

describe('bundled demos', () => {
  function writeBundle(dir: string, repoName: string, head: string): void {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'demo.zip'), zipBareRepo(join(server.root, `${repoName}.git`)));
    const index: DemoIndex = {
      version: 1,
      demos: [{ name: 'demo', title: 'Demo', description: '', file: 'demo.zip', head, ref: 'main', commits: 1, servedAs: '' }],
    };
    writeFileSync(join(dir, 'index.json'), JSON.stringify(index));
  }

  it('imports a bundle once, reopens it without the static files, and re-imports an updated bundle', async () => {
    const demoDir = mkdtempSync(join(tmp, 'demo-'));
    writeBundle(demoDir, 'small', smallIds[4]!);
    const root = mkdtempSync(join(tmp, 'fs-'));
    let offline = false;
    const deps = nodeGitDeps(root, demoDir);
    const git = createGitService({
      ...deps,
      loadDemoFile: (name) => (offline ? Promise.reject(new Error('offline')) : deps.loadDemoFile(name)),
    });
    const first = await git.openDemo('demo');
    expect(first).toMatchObject({ id: 'demo-demo', head: smallIds[4], source: 'demo', depth: null });
    expect((await git.log(first.id)).length).toBe(5);

    offline = true;
    expect(await git.openDemo('demo')).toEqual(first);
    offline = false;

    const bigHead = runGit(join(server.root, 'big.git'), ['rev-parse', 'HEAD']);
    writeBundle(demoDir, 'big', bigHead);
    const updated = await git.openDemo('demo');
    expect(updated.head).toBe(bigHead);
    expect((await git.listRepos()).map((r) => r.head)).toEqual([bigHead]);
  });

  it('refuses a bundle whose history does not match its index', async () => {
    const demoDir = mkdtempSync(join(tmp, 'demo-'));
    writeBundle(demoDir, 'small', smallIds[0]!);
    const git = createGitService(nodeGitDeps(mkdtempSync(join(tmp, 'fs-')), demoDir));
    expect(await codeOf(git.openDemo('demo'))).toBe('unknown');
    expect(await codeOf(git.openDemo('no-such-demo'))).toBe('not-cloned');
    expect(await git.listRepos()).toEqual([]);
  });
});

describe('failures', () => {
  it('reports a missing repository as not-found-or-private', async () => {
    const { root, git } = freshService();
    expect(await codeOf(git.clone({ url: `${server.url}/missing.git` }, noProgress))).toBe('not-found-or-private');
    expect(await git.listRepos()).toEqual([]);
    expect(stagingLeftovers(root)).toEqual([]);
  });

  it('rejects URLs it cannot clone', async () => {
    const { git } = freshService();
    expect(await codeOf(git.clone({ url: 'not a url' }, noProgress))).toBe('bad-url');
    expect(await codeOf(git.clone({ url: 'ftp://example.org/a.git' }, noProgress))).toBe('bad-url');
  });

  it('cancels a clone in flight and leaves nothing behind', async () => {
    const { root, git } = freshService();
    server.setFault({ kind: 'hold', afterBytes: 4096 });
    try {
      let cancelled = false;
      const result = codeOf(
        git.clone({ url: `${server.url}/big.git` }, (p) => {
          if (p.stage === 'receiving' && !cancelled) {
            cancelled = true;
            void git.cancel();
          }
        }),
      );
      expect(await result).toBe('cancelled');
      expect(cancelled).toBe(true);
    } finally {
      server.setFault(null);
    }
    expect(await git.listRepos()).toEqual([]);
    expect(stagingLeftovers(root)).toEqual([]);
  });

  it('reports a connection dropped mid-pack as a network failure', async () => {
    const { root, git } = freshService();
    server.setFault({ kind: 'cut', afterBytes: 20_000 });
    try {
      expect(await codeOf(git.clone({ url: `${server.url}/big.git` }, noProgress))).toBe('network');
    } finally {
      server.setFault(null);
    }
    expect(await git.listRepos()).toEqual([]);
    expect(stagingLeftovers(root)).toEqual([]);
  });

  it('reports a stopped server as a network failure', async () => {
    const other = await startGitServer({ root: server.root });
    await other.stop();
    const { git } = freshService();
    expect(await codeOf(git.clone({ url: `${other.url}/small.git` }, noProgress))).toBe('network');
  });

  it('refuses a download past the size cap', async () => {
    const { git } = freshService({ maxBytes: 100_000 });
    expect(await codeOf(git.clone({ url: `${server.url}/big.git` }, noProgress))).toBe('too-large');
    expect(await git.listRepos()).toEqual([]);
  });

  describe('behind our CORS proxy', () => {
    const proxies: Server[] = [];
    async function startProxy(overrides: Partial<ProxyOptions>): Promise<string> {
      const middleware = createProxyMiddleware(proxyOptions({ allowLoopback: true, ...overrides }));
      const proxy = createServer((req, res) => {
        // isomorphic-git's Node client sends no Origin; a same-origin browser request carries its own (the proxy
        // refuses Origin-less POSTs).
        req.headers.origin ??= `http://${req.headers.host ?? ''}`;
        middleware(req, res, () => res.writeHead(404).end());
      });
      proxies.push(proxy);
      await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
      return `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/cors`;
    }
    afterAll(() => Promise.all(proxies.map((p) => new Promise((r) => p.close(r)))));

    it('clones through it and keeps the proxy for deepening', async () => {
      const corsProxy = await startProxy({});
      const { git } = freshService();
      const rec = await git.clone({ url: `${server.url}/small.git`, corsProxy, depth: 1 }, noProgress);
      expect(rec.corsProxy).toBe(corsProxy);
      expect(await git.deepen(rec.id, 10, noProgress)).toBe(5);
    });

    it("carries the proxy's reason for refusing a host as proxy-refused", async () => {
      const corsProxy = await startProxy({ allowedHosts: ['git.example.org'] });
      const { git } = freshService();
      const err = await git.clone({ url: 'https://example.org/a/b.git', corsProxy }, noProgress).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(GitError);
      expect((err as GitError).code).toBe('proxy-refused');
      expect((err as GitError).message).toMatch(/allowlist/);
    });

    it("maps the proxy's size cap, hit mid-stream, to too-large", async () => {
      const corsProxy = await startProxy({ maxResponseBytes: 100_000 });
      const { root, git } = freshService();
      const err = await git.clone({ url: `${server.url}/big.git`, corsProxy }, noProgress).catch((e: unknown) => e);
      expect((err as GitError).code).toBe('too-large');
      expect((err as GitError).message).toMatch(/limit/);
      expect(await git.listRepos()).toEqual([]);
      expect(stagingLeftovers(root)).toEqual([]);
    });
  });
});
