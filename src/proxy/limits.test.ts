/**
 * The proxy's bounds on what it holds at once (requests, buffered bodies, DNS look-ups) and on how long one
 * request may take, against a real HTTP server running the middleware and a local upstream on 127.0.0.1.
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

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const APP_ORIGIN = 'http://app.localhost:5173';
const FROM_APP = { origin: APP_ORIGIN };
let upstream: Server;
let upstreamPort = 0;
let handler: Handler = (_req, res) => res.end();
let upstreamRequests = 0;
const proxies: Server[] = [];

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

beforeAll(async () => {
  upstream = createServer((req, res) => {
    upstreamRequests++;
    req.resume(); // the body is not needed; reading it lets the request complete
    handler(req, res);
  });
  upstreamPort = await listen(upstream);
});

afterEach(async () => {
  handler = (_req, res) => res.end();
  upstreamRequests = 0;
  upstream.closeAllConnections();
  for (const p of proxies) p.closeAllConnections();
  await Promise.all(proxies.splice(0).map((p) => new Promise((r) => p.close(r))));
});

afterAll(async () => {
  upstream.closeAllConnections();
  await new Promise((r) => upstream.close(r));
});

async function startProxy(overrides: Partial<ProxyOptions>, resolve?: Resolver): Promise<number> {
  const middleware = createProxyMiddleware(proxyOptions({ allowLoopback: true, allowedOrigins: [APP_ORIGIN], ...overrides }), resolve);
  const server = createServer((req, res) => middleware(req, res, () => res.writeHead(404).end()));
  proxies.push(server);
  return listen(server);
}

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The connection was cut before the body's end. */
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

/** Fails instead of hanging when what the proxy should end by itself does not end. */
function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: still going after ${ms} ms`)), ms);
    promise.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}

async function until(what: string, condition: () => boolean, ms = 5000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > ms) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const json = (r: Reply): { error: string; message: string } => JSON.parse(r.body.toString('utf8')) as { error: string; message: string };
const local = (): string => `127.0.0.1:${upstreamPort}`;
const refsPath = (host: string): string => `/cors/${host}/owner/repo.git/info/refs?service=git-upload-pack`;
const packPath = (host: string): string => `/cors/${host}/owner/repo.git/git-upload-pack`;

/** Holds the first `count` upstream requests unanswered; answers the rest at once. */
function holdFirst(count: number): ServerResponse[] {
  const held: ServerResponse[] = [];
  handler = (_req, res) => {
    if (held.length < count) held.push(res);
    else res.end('ok');
  };
  return held;
}

describe('requests held at once', () => {
  it('refuses requests past the concurrency bound with 503 and Retry-After, and admits again once they end', async () => {
    const held = holdFirst(2);
    const port = await startProxy({ maxConcurrentRequests: 2 });
    const first = [send(port, 'GET', refsPath(local()), FROM_APP), send(port, 'GET', refsPath(local()), FROM_APP)];
    await until('two requests upstream', () => held.length === 2);

    const refused = await send(port, 'GET', refsPath(local()), FROM_APP);
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('5');
    expect(refused.headers['access-control-allow-origin']).toBe(APP_ORIGIN); // the app can read why
    expect(json(refused).error).toBe('proxy-busy');
    expect(upstreamRequests).toBe(2);

    for (const res of held) res.end('done');
    expect((await Promise.all(first)).map((r) => r.status)).toEqual([200, 200]);
    expect((await send(port, 'GET', refsPath(local()), FROM_APP)).status).toBe(200);
  });

  it('refuses request bodies past the proxy-wide byte budget, declared or chunked, without forwarding them', async () => {
    const held = holdFirst(1);
    const port = await startProxy({ maxBufferedRequestBytes: 10_000 });
    const first = send(port, 'POST', packPath(local()), FROM_APP, Buffer.alloc(8000, 48));
    await until('the first body upstream', () => held.length === 1); // its 8000 bytes stay reserved until it ends

    const declared = await send(port, 'POST', packPath(local()), FROM_APP, Buffer.alloc(8000, 48));
    expect(declared.status).toBe(503);
    expect(json(declared).error).toBe('proxy-busy');
    const chunked = await send(port, 'POST', packPath(local()), { ...FROM_APP, 'transfer-encoding': 'chunked' }, Buffer.alloc(8000, 48));
    expect(chunked.status).toBe(503);
    expect(json(chunked).error).toBe('proxy-busy');
    expect(upstreamRequests).toBe(1);

    held[0]?.end('done');
    expect((await first).status).toBe(200);
    expect((await send(port, 'POST', packPath(local()), FROM_APP, Buffer.alloc(8000, 48))).status).toBe(200);
  });
});

describe('the request deadline', () => {
  it('cuts both sides when the client stops reading (backpressure pauses the idle timer)', async () => {
    let upstreamClosed = false;
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/x-git-upload-pack-result' });
      const line = pktLine(Buffer.alloc(65000, 1));
      const pump = (): void => {
        while (!res.destroyed && res.write(line));
      };
      res.on('drain', pump);
      res.on('close', () => (upstreamClosed = true));
      pump();
    };
    const port = await startProxy({ requestDeadlineMs: 500, idleTimeoutMs: 60_000 });
    const client = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method: 'POST', path: packPath(local()), headers: FROM_APP }, resolve);
      req.on('error', reject);
      req.end('0000');
    });
    client.pause(); // a client that stops reading
    await until('the upstream connection closed', () => upstreamClosed);

    // What the client had not read yet is still delivered; then the connection ends without a proper end.
    const cut = new Promise<boolean>((resolve) => {
      client.on('end', () => resolve(false));
      client.on('error', () => resolve(true));
      client.on('aborted', () => resolve(true));
    });
    client.resume();
    expect(await within(5000, 'the client connection', cut)).toBe(true);
  });

  it('ends a trickling upstream (never silent long enough for the idle timer) with a git error line', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/x-git-upload-pack-result' });
      res.write(pktLine('packfile\n'));
      const timer = setInterval(() => res.write(pktLine('\x02Counting objects...\n')), 50);
      res.on('close', () => clearInterval(timer));
    };
    const port = await startProxy({ requestDeadlineMs: 600, idleTimeoutMs: 300 });
    const reply = await within(5000, 'the trickling stream', send(port, 'POST', packPath(local()), FROM_APP, Buffer.from('0000')));
    expect(reply.status).toBe(200);
    expect(reply.cut).toBe(true);
    const text = reply.body.toString('latin1');
    expect(text.startsWith('000dpackfile\n')).toBe(true);
    expect(findProxyRefusal(text.slice(text.lastIndexOf('\x03')))?.error).toBe('deadline-exceeded');
  });

  it('answers 504 when the deadline passes before the upstream answers', async () => {
    holdFirst(1);
    const port = await startProxy({ requestDeadlineMs: 300, connectTimeoutMs: 20_000 });
    const reply = await within(5000, 'the unanswered request', send(port, 'GET', refsPath(local()), FROM_APP));
    expect(reply.status).toBe(504);
    expect(json(reply).error).toBe('deadline-exceeded');
  });
});

describe('DNS look-ups held at once', () => {
  it('runs a bounded number, queues a bounded number, refuses the rest at once; abandoned ones keep their slot', async () => {
    const pending: Array<(answer: LookupAddress[]) => void> = [];
    let running = 0;
    let mostRunning = 0;
    const resolve: Resolver = () => {
      running++;
      mostRunning = Math.max(mostRunning, running);
      return new Promise<LookupAddress[]>((answer) => pending.push(answer)).finally(() => running--);
    };
    const port = await startProxy(
      { allowedHosts: ['slow.example.org'], maxConcurrentLookups: 2, maxQueuedLookups: 2, connectTimeoutMs: 1500 },
      resolve,
    );
    const replies = await Promise.all(Array.from({ length: 6 }, () => send(port, 'GET', refsPath('slow.example.org'), FROM_APP)));
    const codes = replies.map((r) => `${r.status} ${json(r).error}`).sort();
    // 2 look-ups ran and timed out, 2 waited for a slot and timed out, 2 were refused at once.
    expect(codes).toEqual(['503 proxy-busy', '503 proxy-busy', '504 upstream-timeout', '504 upstream-timeout', '504 upstream-timeout', '504 upstream-timeout']);
    expect(mostRunning).toBe(2);
    expect(pending).toHaveLength(2); // the waiting callers left the queue without starting a look-up

    // The abandoned look-ups still hold their slots until the resolver really answers; then the next one runs.
    for (const answer of pending.splice(0)) answer([{ address: '10.0.0.1', family: 4 }]);
    const next = send(port, 'GET', refsPath('slow.example.org'), FROM_APP);
    await until('the next look-up', () => pending.length === 1);
    pending[0]?.([{ address: '10.0.0.1', family: 4 }]);
    expect(json(await next).error).toBe('address-not-allowed');
  });
});
