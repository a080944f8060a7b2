/**
 * Real clones through the proxy: isomorphic-git (Node HTTP client, `corsProxy` option) -> the proxy middleware ->
 * `git http-backend` on 127.0.0.1 (the shared test git server), with the proxy's loopback test switch.
 */
import * as fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import git from 'isomorphic-git';
import http from 'isomorphic-git/http/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitServer, type GitServer } from '../../e2e/support/git-server.ts';
import { incompressibleBytes, makeBareRepo } from '../git/testing/fixture-repos.ts';
import { proxyOptions, type ProxyOptions } from './config.ts';
import { findProxyRefusal, parseProxyRefusal } from './errors.ts';
import { createProxyMiddleware } from './middleware.ts';

let tmp: string;
let gitServer: GitServer;
const proxies: Server[] = [];

beforeAll(async () => {
  tmp = fs.mkdtempSync(join(tmpdir(), 'proxy-clone-'));
  const served = join(tmp, 'served');
  fs.mkdirSync(served);
  makeBareRepo(served, 'small', [
    { message: 'Add package', files: { 'pkg/__init__.py': '', 'pkg/core.py': 'def one():\n    return 1\n' } },
    { message: 'Add tests', files: { 'tests/test_core.py': 'from pkg.core import one\n\ndef test_one():\n    assert one() == 1\n' } },
  ]);
  makeBareRepo(served, 'big', [{ message: 'Add data', files: { 'data/a.bin': incompressibleBytes(300_000, 7) } }]);
  gitServer = await startGitServer({ root: served });
});

afterAll(async () => {
  await Promise.all(proxies.map((p) => new Promise((r) => p.close(r))));
  await gitServer.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function startProxy(overrides: Partial<ProxyOptions>): Promise<string> {
  const middleware = createProxyMiddleware(proxyOptions({ allowLoopback: true, ...overrides }));
  const server = createServer((req, res) => middleware(req, res, () => res.writeHead(404).end()));
  proxies.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/cors`;
}

/** The Origin a browser would send: the app is same-origin with the proxy (the dev/preview servers). */
function fromApp(corsProxy: string): Record<string, string> {
  return { origin: new URL(corsProxy).origin };
}

function cloneVia(corsProxy: string, url: string): Promise<string> {
  const dir = fs.mkdtempSync(join(tmp, 'work-'));
  return git.clone({ fs, http, dir, url, corsProxy, headers: fromApp(corsProxy), singleBranch: true, depth: 10 }).then(() => dir);
}

describe('cloning through the proxy', () => {
  it('clones a repository from the fixture git server', async () => {
    const corsProxy = await startProxy({});
    const before = gitServer.requestCount;
    const dir = await cloneVia(corsProxy, `${gitServer.url}/small.git`);
    expect(fs.readFileSync(join(dir, 'tests/test_core.py'), 'utf8')).toContain('assert one() == 1');
    expect(gitServer.requestCount - before).toBeGreaterThanOrEqual(2); // info/refs + upload-pack, via the proxy
  });

  it('stops a pack past the size cap, telling the client why in the git stream', async () => {
    const corsProxy = await startProxy({ maxResponseBytes: 100_000 });
    const messages: string[] = [];
    const dir = fs.mkdtempSync(join(tmp, 'work-'));
    const err = await git
      .clone({ fs, http, dir, url: `${gitServer.url}/big.git`, corsProxy, headers: fromApp(corsProxy), onMessage: (m) => void messages.push(m) })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(Error);
    const found = messages.map(findProxyRefusal).find((r) => r !== null);
    expect(found?.error).toBe('response-too-large');
    expect(found?.message).toContain('limit');
  });

  it('refuses a host outside the allowlist with a body the app can read', async () => {
    const corsProxy = await startProxy({ allowedHosts: ['git.example.org'] });
    const err = await cloneVia(corsProxy, 'https://example.org/owner/repo.git').then(
      () => null,
      (e: unknown) => e as { code?: string; data?: { statusCode?: number; response?: string } },
    );
    expect(err?.code).toBe('HttpError');
    expect(err?.data?.statusCode).toBe(403);
    expect(parseProxyRefusal(err?.data?.response ?? '')?.error).toBe('host-not-allowed');
  });
});
