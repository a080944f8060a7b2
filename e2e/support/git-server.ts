/**
 * A git smart-HTTP server for tests: `git http-backend` (CGI, found through `git --exec-path`) behind a small
 * Node HTTP bridge on 127.0.0.1, on a random port, serving every bare repository under `root`
 * (`<url>/<name>.git`). Usable from Vitest and from the e2e tests. Faults can be injected into upload-pack
 * responses (the pack download) to test cancellation and dropped connections deterministically.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';

/** 'cut': drop the connection after `afterBytes` of the pack; 'hold': send `afterBytes`, then stall until stopped. */
export interface UploadPackFault {
  kind: 'cut' | 'hold';
  afterBytes: number;
}

export interface GitServer {
  /** Base URL without a trailing slash: clone `${url}/<name>.git`. */
  url: string;
  root: string;
  /** Requests answered so far (a way to tell that a reopened repository did not touch the network). */
  readonly requestCount: number;
  setFault(fault: UploadPackFault | null): void;
  /** Closes the listener and destroys every open connection (clients see a network failure). */
  stop(): Promise<void>;
}

export interface GitServerOptions {
  /** Directory holding bare repositories. */
  root: string;
  port?: number;
}

let httpBackendPath: string | undefined;

function httpBackend(): string {
  httpBackendPath ??= join(execFileSync('git', ['--exec-path'], { encoding: 'utf8' }).trim(), 'git-http-backend');
  return httpBackendPath;
}

/** Splits CGI output into its header block and the body start; null until the blank line has arrived. */
function splitCgiHeaders(buf: Buffer): { headers: [string, string][]; status: number; body: Buffer } | null {
  let end = buf.indexOf('\r\n\r\n');
  let sepLen = 4;
  const lfEnd = buf.indexOf('\n\n');
  if (lfEnd >= 0 && (end < 0 || lfEnd < end)) {
    end = lfEnd;
    sepLen = 2;
  }
  if (end < 0) return null;
  const headers: [string, string][] = [];
  let status = 200;
  for (const line of buf.subarray(0, end).toString('latin1').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === 'status') status = parseInt(value, 10) || 500;
    else headers.push([name, value]);
  }
  return { headers, status, body: buf.subarray(end + sepLen) };
}

export async function startGitServer(opts: GitServerOptions): Promise<GitServer> {
  const sockets = new Set<Socket>();
  let fault: UploadPackFault | null = null;
  let requestCount = 0;

  function handle(req: IncomingMessage, res: ServerResponse): void {
    requestCount++;
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const isUploadPack = req.method === 'POST' && url.pathname.endsWith('/git-upload-pack');
    const activeFault = isUploadPack ? fault : null;
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      GIT_PROJECT_ROOT: opts.root,
      GIT_HTTP_EXPORT_ALL: '1',
      GIT_CONFIG_NOSYSTEM: '1',
      HOME: opts.root,
      REQUEST_METHOD: req.method ?? 'GET',
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.replace(/^\?/, ''),
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
      REMOTE_USER: '',
      SERVER_PROTOCOL: 'HTTP/1.1',
      ...(req.headers['git-protocol'] ? { GIT_PROTOCOL: String(req.headers['git-protocol']) } : {}),
      ...(req.headers['content-encoding'] ? { HTTP_CONTENT_ENCODING: String(req.headers['content-encoding']) } : {}),
    };
    const child = spawn(httpBackend(), [], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    req.pipe(child.stdin);
    child.stdin.on('error', () => undefined); // the backend may exit before reading everything
    child.stderr.resume();
    let head: Buffer | null = Buffer.alloc(0);
    let sent = 0;

    const writeBody = (chunk: Buffer): void => {
      if (!activeFault) {
        res.write(chunk);
        return;
      }
      const room = Math.max(0, activeFault.afterBytes - sent);
      if (room > 0) res.write(chunk.subarray(0, room));
      sent += Math.min(room, chunk.length);
      if (chunk.length > room) {
        child.stdout.pause();
        if (activeFault.kind === 'cut') {
          // Flush what was allowed through, then drop the connection without ending the chunked body.
          res.once('drain', () => undefined);
          setImmediate(() => req.socket.destroy());
          child.kill();
        }
        // 'hold': keep the connection open and silent until the client gives up or the server stops.
      }
    };

    child.stdout.on('data', (chunk: Buffer) => {
      if (head === null) {
        writeBody(chunk);
        return;
      }
      const parsed = splitCgiHeaders(Buffer.concat([head, chunk]));
      if (!parsed) {
        head = Buffer.concat([head, chunk]);
        return;
      }
      head = null;
      res.statusCode = parsed.status;
      for (const [name, value] of parsed.headers) res.setHeader(name, value);
      res.flushHeaders();
      if (parsed.body.length > 0) writeBody(parsed.body);
    });
    child.on('close', (code) => {
      if (head !== null && !res.headersSent) {
        res.statusCode = 502;
        res.end(`git http-backend failed (exit ${code})`);
        return;
      }
      if (!activeFault || sent < activeFault.afterBytes) res.end();
    });
    child.on('error', (err) => {
      if (!res.headersSent) res.statusCode = 500;
      res.end(String(err));
    });
  }

  const server = createServer(handle);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    root: opts.root,
    get requestCount() {
      return requestCount;
    },
    setFault(next) {
      fault = next;
    },
    stop() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
    },
  };
}
