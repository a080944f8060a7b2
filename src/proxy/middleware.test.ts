/**
 * The proxy end to end: a real HTTP server running the middleware in front of a local upstream on 127.0.0.1
 * (allowed only through the test switch), driven by a plain Node HTTP client.
 */
import type { LookupAddress } from 'node:dns';
import { createServer, request, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { proxyOptions, type ProxyOptions } from './config.ts';
import { findProxyRefusal } from './errors.ts';
import type { Resolver } from './forward.ts';
import { createProxyMiddleware } from './middleware.ts';
import { pktLine } from './pktline.ts';

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

type Handler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;

let upstream: Server;
let upstreamPort = 0;
let handler: Handler = (_req, res) => res.end();
const seen: Seen[] = [];
const proxies: Server[] = [];

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

beforeAll(async () => {
  upstream = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      handler(req, res, body);
    });
  });
  upstreamPort = await listen(upstream);
});

afterEach(async () => {
  seen.length = 0;
  handler = (_req, res) => res.end();
  await Promise.all(proxies.splice(0).map((p) => new Promise((r) => p.close(r))));
  upstream.closeAllConnections();
});

afterAll(async () => {
  upstream.closeAllConnections();
  await new Promise((r) => upstream.close(r));
});

const APP_ORIGIN = 'http://app.localhost:5173';
/** Browsers send Origin on every POST; the proxy refuses POSTs without one. */
const FROM_APP = { origin: APP_ORIGIN };

async function startProxy(overrides: Partial<ProxyOptions> = {}, resolve?: Resolver): Promise<number> {
  const options = proxyOptions({ allowLoopback: true, allowedOrigins: [APP_ORIGIN], ...overrides });
  const middleware = createProxyMiddleware(options, resolve);
  const server = createServer((req, res) =>
    middleware(req, res, () => {
      res.writeHead(404);
      res.end('next');
    }),
  );
  proxies.push(server);
  return listen(server);
}

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The connection was cut before the body's end (how the proxy marks a stream it had to stop). */
  cut: boolean;
}

function send(port: number, method: string, path: string, headers: Record<string, string> = {}, body?: Buffer): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      const reply = (cut: boolean): void => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), cut });
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => reply(false));
      res.on('error', () => reply(true));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const json = (r: Reply): { error: string; message: string } => JSON.parse(r.body.toString('utf8')) as { error: string; message: string };

/** Splits a body into pkt-line payloads (flush/delim packets as ''). */
function pktLines(body: Buffer): string[] {
  const out: string[] = [];
  let at = 0;
  while (at + 4 <= body.length) {
    const len = parseInt(body.subarray(at, at + 4).toString('latin1'), 16);
    const size = len < 4 ? 4 : len;
    out.push(body.subarray(at + 4, at + size).toString('latin1'));
    at += size;
  }
  expect(at).toBe(body.length);
  return out;
}

const refsPath = (host: string): string => `/cors/${host}/owner/repo.git/info/refs?service=git-upload-pack`;
const packPath = (host: string): string => `/cors/${host}/owner/repo.git/git-upload-pack`;
const local = (): string => `127.0.0.1:${upstreamPort}`;

const ADVERTISEMENT = Buffer.concat([pktLine('# service=git-upload-pack\n'), Buffer.from('0000'), pktLine('version 2\n'), Buffer.from('0000')]);

describe('forwarding', () => {
  it('forwards info/refs with only the git headers, and answers the app origin with CORS', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/x-git-upload-pack-advertisement', 'set-cookie': 'tracker=1' });
      res.end(ADVERTISEMENT);
    };
    const port = await startProxy();
    const reply = await send(port, 'GET', refsPath(local()), {
      origin: APP_ORIGIN,
      'git-protocol': 'version=2',
      cookie: 'session=secret',
      authorization: 'Basic dXNlcjpwYXNz',
      'user-agent': 'Mozilla/5.0',
      'x-forwarded-for': '10.0.0.9',
    });
    expect(reply.status).toBe(200);
    expect(reply.body.equals(ADVERTISEMENT)).toBe(true);
    expect(reply.headers['content-type']).toBe('application/x-git-upload-pack-advertisement');
    expect(reply.headers['access-control-allow-origin']).toBe(APP_ORIGIN);
    expect(reply.headers['set-cookie']).toBeUndefined();

    expect(seen).toHaveLength(1);
    const s = seen[0]!;
    expect(s.method).toBe('GET');
    expect(s.url).toBe('/owner/repo.git/info/refs?service=git-upload-pack');
    expect(s.headers.host).toBe(local());
    expect(s.headers['git-protocol']).toBe('version=2');
    expect(s.headers['user-agent']).toBe('git/code2lora-proxy');
    for (const name of ['cookie', 'authorization', 'origin', 'x-forwarded-for']) expect(s.headers[name], name).toBeUndefined();
  });

  it('forwards an upload-pack POST body byte for byte and streams the answer back', async () => {
    const requestBody = Buffer.from(Array.from({ length: 50_000 }, (_, i) => (i * 7919) % 256));
    const pack = Buffer.concat([pktLine('packfile\n'), ...Array.from({ length: 30 }, (_, i) => pktLine(`\x01${'p'.repeat(1000)}${i}`)), Buffer.from('0000')]);
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/x-git-upload-pack-result' });
      res.write(pack.subarray(0, 777)); // chunk boundaries inside pkt-lines
      res.end(pack.subarray(777));
    };
    const port = await startProxy();
    const reply = await send(port, 'POST', packPath(local()), { ...FROM_APP, 'content-type': 'application/x-git-upload-pack-request' }, requestBody);
    expect(reply.status).toBe(200);
    expect(reply.cut).toBe(false);
    expect(reply.body.equals(pack)).toBe(true);
    expect(seen[0]?.body.equals(requestBody)).toBe(true);
    expect(seen[0]?.headers['content-length']).toBe(String(requestBody.length));
    expect(seen[0]?.headers['content-type']).toBe('application/x-git-upload-pack-request');
  });

  it('passes an upstream error status through, with its body as inert text', async () => {
    handler = (_req, res) => {
      res.writeHead(404, { 'content-type': 'text/html' });
      res.end('<script>alert(1)</script>Repository not found');
    };
    const port = await startProxy();
    const reply = await send(port, 'GET', refsPath(local()));
    expect(reply.status).toBe(404);
    expect(reply.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(reply.headers['content-security-policy']).toContain('sandbox');
    expect(reply.body.toString()).toContain('Repository not found');
  });

  it('leaves requests outside its prefix to the next handler', async () => {
    const port = await startProxy();
    const reply = await send(port, 'GET', '/index.html');
    expect(reply.body.toString()).toBe('next');
  });
});

describe('refusals', () => {
  it('refuses hosts outside the allowlist before any connection, readable by the app', async () => {
    const port = await startProxy();
    const reply = await send(port, 'GET', refsPath('example.org'), { origin: APP_ORIGIN });
    expect(reply.status).toBe(403);
    expect(json(reply).error).toBe('host-not-allowed');
    expect(reply.headers['access-control-allow-origin']).toBe(APP_ORIGIN);
    expect(findProxyRefusal(reply.body.toString())?.error).toBe('host-not-allowed');
    expect(seen).toHaveLength(0);
  });

  it('refuses loopback without the test switch, even when the name is allowlisted', async () => {
    const port = await startProxy({ allowLoopback: false, allowedHosts: ['127.0.0.1'] });
    const direct = await send(port, 'GET', refsPath('127.0.0.1'));
    expect(direct.status).toBe(403);
    expect(json(direct).error).toBe('address-not-allowed');
    const withPort = await send(port, 'GET', refsPath(local()));
    expect(json(withPort).error).toBe('port-not-allowed');
    expect(seen).toHaveLength(0);
  });

  it('refuses an allowlisted name that resolves to a private address (every address is checked)', async () => {
    const answers: Record<string, LookupAddress[]> = {
      'git.internal.test': [{ address: '10.20.30.40', family: 4 }],
      'mixed.example.org': [
        { address: '140.82.121.3', family: 4 },
        { address: '::ffff:169.254.169.254', family: 6 },
      ],
      'cgnat.example.org': [{ address: '100.64.1.1', family: 4 }],
    };
    const resolve: Resolver = (host) => Promise.resolve(answers[host] ?? []);
    const port = await startProxy({ allowedHosts: Object.keys(answers) }, resolve);
    for (const host of Object.keys(answers)) {
      const reply = await send(port, 'GET', refsPath(host));
      expect(reply.status, host).toBe(403);
      expect(json(reply).error, host).toBe('address-not-allowed');
    }
    expect(seen).toHaveLength(0);
  });

  it('reports a name that does not resolve as dns-failed (502)', async () => {
    const resolve: Resolver = () => Promise.reject(Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' }));
    const port = await startProxy({ allowedHosts: ['gone.example.org'] }, resolve);
    const reply = await send(port, 'GET', refsPath('gone.example.org'));
    expect(reply.status).toBe(502);
    expect(json(reply).error).toBe('dns-failed');
  });

  it('refuses push, other paths and wrong methods', async () => {
    const port = await startProxy();
    expect(json(await send(port, 'POST', `/cors/${local()}/owner/repo.git/git-receive-pack`, FROM_APP)).error).toBe('service-not-allowed');
    expect(json(await send(port, 'GET', `/cors/${local()}/owner/repo.git/info/refs?service=git-receive-pack`)).error).toBe('service-not-allowed');
    expect((await send(port, 'GET', `/cors/${local()}/owner/repo.git/objects/info/packs`)).status).toBe(403);
    expect((await send(port, 'GET', packPath(local()))).status).toBe(405);
    expect(seen).toHaveLength(0);
  });

  it('refuses other origins without CORS headers, and preflights only the app origin', async () => {
    const port = await startProxy();
    const foreign = await send(port, 'GET', refsPath(local()), { origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(json(foreign).error).toBe('origin-not-allowed');
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();

    const preflight = await send(port, 'OPTIONS', packPath(local()), {
      origin: APP_ORIGIN,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type, git-protocol',
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(APP_ORIGIN);
    expect(preflight.headers['access-control-allow-headers']).toContain('git-protocol');
    expect(preflight.headers['access-control-allow-credentials']).toBeUndefined();
    expect((await send(port, 'OPTIONS', packPath(local()), { origin: 'https://evil.example' })).status).toBe(403);

    const sameOrigin = await send(port, 'GET', refsPath(local()), { origin: `http://127.0.0.1:${port}` });
    expect(sameOrigin.status).toBe(200);
    expect(seen).toHaveLength(1);
  });
});

describe('callers without an Origin header', () => {
  it("refuses a POST without one and GETs another site's page makes a browser send; serves the app's own GET", async () => {
    const port = await startProxy();
    const bare = await send(port, 'POST', packPath(local()), {}, Buffer.from('0000'));
    expect(bare.status).toBe(403);
    expect(json(bare).error).toBe('origin-not-allowed');
    for (const site of ['cross-site', 'same-site']) {
      expect(json(await send(port, 'GET', refsPath(local()), { 'sec-fetch-site': site })).error, site).toBe('origin-not-allowed');
    }
    expect(seen).toHaveLength(0);
    // The app's same-origin GET carries no Origin (browsers add it to cross-origin GETs only).
    expect((await send(port, 'GET', refsPath(local()), { 'sec-fetch-site': 'same-origin' })).status).toBe(200);
    expect(seen).toHaveLength(1);
  });
});

describe('pinned addresses', () => {
  it('connects to the address it checked, not to a second DNS answer', async () => {
    let calls = 0;
    const pinnedTo = (address: string): Resolver => () => {
      calls++;
      return Promise.resolve([{ address, family: 4 }]);
    };
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/x-git-upload-pack-advertisement' });
      res.end(ADVERTISEMENT);
    };
    const good = await startProxy({}, pinnedTo('127.0.0.1'));
    const ok = await send(good, 'GET', refsPath(`localhost:${upstreamPort}`));
    expect(ok.status).toBe(200);
    expect(seen[0]?.headers.host).toBe(`localhost:${upstreamPort}`);
    expect(calls).toBe(1);

    // The upstream listens on 127.0.0.1 only; the system resolver would find it, the checked answer does not.
    const elsewhere = await startProxy({}, pinnedTo('127.0.0.2'));
    const refused = await send(elsewhere, 'GET', refsPath(`localhost:${upstreamPort}`));
    expect(refused.status).toBe(502);
    expect(json(refused).error).toBe('upstream-unreachable');
    expect(seen).toHaveLength(1);
  });
});

describe('size caps', () => {
  it('ends an over-cap pack stream on a pkt-line boundary with a git error the client can read', async () => {
    const lines = Array.from({ length: 40 }, (_, i) => pktLine(`\x01${String(i).padStart(200, '.')}`));
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/x-git-upload-pack-result' });
      res.write(pktLine('packfile\n'));
      for (const l of lines) res.write(l);
      res.end(Buffer.from('0000'));
    };
    const port = await startProxy({ maxResponseBytes: 2000 });
    const reply = await send(port, 'POST', packPath(local()), FROM_APP, Buffer.from('0000'));
    expect(reply.status).toBe(200);
    expect(reply.cut).toBe(true);
    const payloads = pktLines(reply.body);
    const last = payloads[payloads.length - 1] ?? '';
    expect(last.startsWith('\x03')).toBe(true);
    expect(findProxyRefusal(last)?.error).toBe('response-too-large');
    const forwarded = reply.body.length - (last.length + 4);
    expect(forwarded).toBeLessThanOrEqual(2000);
    expect(payloads.slice(0, -1)).toEqual(['packfile\n', ...lines.slice(0, payloads.length - 2).map((l) => Buffer.from(l.subarray(4)).toString('latin1'))]);
  });

  it('refuses up front when the upstream declares a body over the cap', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/x-git-upload-pack-result', 'content-length': '5000' });
      res.end(Buffer.alloc(5000, 48));
    };
    const port = await startProxy({ maxResponseBytes: 1000 });
    const reply = await send(port, 'POST', packPath(local()), FROM_APP, Buffer.from('0000'));
    expect(reply.status).toBe(413);
    expect(json(reply).error).toBe('response-too-large');
  });

  it('refuses a request body over the cap without forwarding it', async () => {
    const port = await startProxy({ maxRequestBytes: 1000 });
    const declared = await send(port, 'POST', packPath(local()), FROM_APP, Buffer.alloc(5000, 48));
    expect(declared.status).toBe(413);
    expect(json(declared).error).toBe('request-too-large');
    const chunked = await send(port, 'POST', packPath(local()), { ...FROM_APP, 'transfer-encoding': 'chunked' }, Buffer.alloc(5000, 48));
    expect(json(chunked).error).toBe('request-too-large');
    expect(seen).toHaveLength(0);
  });
});

describe('redirects', () => {
  it('follows a same-host redirect to the same git request', async () => {
    handler = (req, res) => {
      if (req.url?.startsWith('/owner/')) {
        res.writeHead(301, { location: `/renamed/repo.git/info/refs?service=git-upload-pack` });
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/x-git-upload-pack-advertisement' });
      res.end(ADVERTISEMENT);
    };
    const port = await startProxy();
    const reply = await send(port, 'GET', refsPath(local()));
    expect(reply.status).toBe(200);
    expect(seen.map((s) => s.url)).toEqual(['/owner/repo.git/info/refs?service=git-upload-pack', '/renamed/repo.git/info/refs?service=git-upload-pack']);
  });

  it('re-sends the POST body on a same-host 307', async () => {
    handler = (req, res, body) => {
      if (req.url?.startsWith('/owner/')) {
        res.writeHead(307, { location: '/renamed/repo.git/git-upload-pack' });
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/x-git-upload-pack-result' });
      res.end(pktLine(`got ${body.toString()}`));
    };
    const port = await startProxy();
    const reply = await send(port, 'POST', packPath(local()), FROM_APP, Buffer.from('0009want\n'));
    expect(pktLines(reply.body)).toEqual(['got 0009want\n']);
  });

  it('refuses a 303 on the upload-pack POST (it would become a GET)', async () => {
    handler = (_req, res) => {
      res.writeHead(303, { location: '/renamed/repo.git/git-upload-pack' });
      res.end();
    };
    const port = await startProxy();
    const reply = await send(port, 'POST', packPath(local()), FROM_APP, Buffer.from('0000'));
    expect(json(reply).error).toBe('redirect-not-allowed');
    expect(seen).toHaveLength(1);
  });

  it('refuses redirects to another host, to non-git paths, and loops', async () => {
    const port = await startProxy();
    const cases: Array<[string, string]> = [
      [`http://localhost:${upstreamPort}/renamed/repo.git/info/refs?service=git-upload-pack`, 'another host'],
      ['https://evil.example/x.git/info/refs?service=git-upload-pack', 'another scheme and host'],
      ['/login?return=/owner/repo', 'a non-git path'],
      ['/owner/repo.git/info/refs?service=git-upload-pack', 'a loop'],
    ];
    for (const [location, why] of cases) {
      handler = (_req, res) => {
        res.writeHead(302, { location });
        res.end();
      };
      const reply = await send(port, 'GET', refsPath(local()));
      expect(reply.status, why).toBe(502);
      expect(json(reply).error, why).toBe('redirect-not-allowed');
    }
  });
});

describe('timeouts', () => {
  it('answers 504 when the upstream sends no response headers in time', async () => {
    handler = () => {
      /* never answers */
    };
    const port = await startProxy({ connectTimeoutMs: 300 });
    const reply = await send(port, 'GET', refsPath(local()));
    expect(reply.status).toBe(504);
    expect(json(reply).error).toBe('upstream-timeout');
  });

  it('ends a stalled pack stream with a git error line', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/x-git-upload-pack-result' });
      res.write(pktLine('packfile\n'));
    };
    const port = await startProxy({ idleTimeoutMs: 300 });
    const reply = await send(port, 'POST', packPath(local()), FROM_APP, Buffer.from('0000'));
    expect(reply.cut).toBe(true);
    const payloads = pktLines(reply.body);
    expect(payloads[0]).toBe('packfile\n');
    expect(findProxyRefusal(payloads[1] ?? '')?.error).toBe('upstream-timeout');
  });
});
