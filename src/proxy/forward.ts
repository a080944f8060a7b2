/**
 * Node HTTP forwarding for one checked git request: resolve the host and check every address, connect to exactly
 * those addresses (no second DNS answer can slip in between check and connect), follow same-host redirects only,
 * and stream the answer back under the size cap and time limits.
 */
import type { LookupAddress } from 'node:dns';
import { lookup as dnsLookup } from 'node:dns/promises';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { isIP } from 'node:net';
import type { ProxyOptions } from './config.ts';
import { midStreamMarker, refusal, type ProxyErrorCode } from './errors.ts';
import { advertisementErrorLine, PktLineCap, sidebandErrorLine } from './pktline.ts';
import { sendRefusal } from './respond.ts';
import {
  checkRedirect,
  checkResolvedAddresses,
  clientResponseHeaders,
  targetAuthority,
  type Checked,
  type ProxyTarget,
} from './rules.ts';

/** Resolves a host name to every address it has. Injectable so tests can play DNS without a network. */
export type Resolver = (host: string) => Promise<LookupAddress[]>;

export const systemResolver: Resolver = (host) => dnsLookup(host, { all: true, verbatim: true });

export interface ForwardRequest {
  target: ProxyTarget;
  /** Upstream request headers, already filtered (rules.upstreamRequestHeaders). */
  headers: Record<string, string>;
  body: Uint8Array | null;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

async function resolveChecked(host: string, options: ProxyOptions, resolve: Resolver): Promise<Checked<LookupAddress[]>> {
  let addresses: LookupAddress[];
  const family = isIP(host);
  if (family !== 0) {
    addresses = [{ address: host, family }];
  } else {
    try {
      addresses = await withTimeout(resolve(host), options.connectTimeoutMs, `resolving ${host}`);
    } catch (err) {
      const code: ProxyErrorCode = err instanceof TimeoutError ? 'upstream-timeout' : 'dns-failed';
      return { ok: false, refusal: refusal(code, `${host}: ${errorText(err)}`) };
    }
  }
  const problem = checkResolvedAddresses(host, addresses.map((a) => a.address), options);
  return problem ? { ok: false, refusal: problem } : { ok: true, value: addresses };
}

/** A lookup that answers only with the addresses already checked. */
function pinnedLookup(addresses: LookupAddress[]): LookupFunction {
  return (_hostname, opts, callback) => {
    const first = addresses[0];
    if (opts.all) callback(null, addresses);
    else if (first) callback(null, first.address, first.family);
    else callback(new Error('no checked address'), '', 0);
  };
}

function requestUpstream(
  target: ProxyTarget,
  req: ForwardRequest,
  addresses: LookupAddress[],
  options: ProxyOptions,
  signal: AbortSignal,
): Promise<Checked<IncomingMessage>> {
  return new Promise((resolve) => {
    const headers: Record<string, string> = { ...req.headers, host: targetAuthority(target) };
    if (req.body) headers['content-length'] = String(req.body.length);
    const client = target.scheme === 'https' ? https : http;
    const upstream = client.request({
      host: target.host,
      port: target.port,
      method: target.method,
      path: target.path,
      headers,
      agent: false,
      lookup: pinnedLookup(addresses),
      signal,
    });
    let settled = false;
    const settle = (result: Checked<IncomingMessage>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const timer = setTimeout(() => {
      settle({ ok: false, refusal: refusal('upstream-timeout', `${target.host} sent no answer within ${options.connectTimeoutMs} ms`) });
      upstream.destroy();
    }, options.connectTimeoutMs);
    upstream.on('response', (res) => settle({ ok: true, value: res }));
    upstream.on('error', (err) => settle({ ok: false, refusal: refusal('upstream-unreachable', `${target.host}: ${errorText(err)}`) }));
    upstream.end(req.body ?? undefined);
  });
}

/**
 * Forwards one request and writes the answer (or a refusal) to `res`. `extraHeaders` (the CORS headers) go on
 * every answer. Resolves when the response is finished or abandoned.
 */
export async function forwardGitRequest(
  req: ForwardRequest,
  res: ServerResponse,
  extraHeaders: Record<string, string>,
  options: ProxyOptions,
  resolve: Resolver = systemResolver,
): Promise<void> {
  const aborter = new AbortController();
  res.once('close', () => aborter.abort());
  let target = req.target;
  for (let hop = 0; ; hop++) {
    const addresses = await resolveChecked(target.host, options, resolve);
    if (!addresses.ok) return sendRefusal(res, addresses.refusal, extraHeaders);
    if (aborter.signal.aborted) return;
    const answer = await requestUpstream(target, req, addresses.value, options, aborter.signal);
    if (!answer.ok) return aborter.signal.aborted ? undefined : sendRefusal(res, answer.refusal, extraHeaders);
    const upstream = answer.value;
    const status = upstream.statusCode ?? 502;
    if (!REDIRECT_STATUSES.has(status)) return streamBack(upstream, target, res, extraHeaders, options);

    upstream.resume(); // discard the redirect's body
    const next = nextHop(target, status, upstream.headers.location, hop, options);
    if (!next.ok) return sendRefusal(res, next.refusal, extraHeaders);
    target = next.value;
  }
}

function nextHop(target: ProxyTarget, status: number, location: string | undefined, hop: number, options: ProxyOptions): Checked<ProxyTarget> {
  const refuse = (message: string): Checked<ProxyTarget> => ({ ok: false, refusal: refusal('redirect-not-allowed', message) });
  if (!location) return refuse(`${status} without a Location`);
  if (hop >= options.maxRedirects) return refuse(`more than ${options.maxRedirects} redirects`);
  if (status === 303 && target.method === 'POST') return refuse('303 would turn the upload-pack POST into a GET');
  return checkRedirect(target, location);
}

function streamBack(
  upstream: IncomingMessage,
  target: ProxyTarget,
  res: ServerResponse,
  extraHeaders: Record<string, string>,
  options: ProxyOptions,
): Promise<void> {
  const status = upstream.statusCode ?? 502;
  const declared = Number(upstream.headers['content-length']);
  if (Number.isFinite(declared) && declared > options.maxResponseBytes) {
    upstream.destroy();
    sendRefusal(res, refusal('response-too-large', tooLargeText(options.maxResponseBytes, declared)), extraHeaders);
    return Promise.resolve();
  }
  // No Content-Length goes back: the proxy may have to end the body with an error line of its own.
  res.writeHead(status, { ...clientResponseHeaders(upstream.headers), ...extraHeaders });
  const cap = new PktLineCap(options.maxResponseBytes);

  return new Promise((done) => {
    let finished = false;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      upstream.setTimeout(0);
      done();
    };
    // Mid-stream, a refusal can only travel inside the git stream: a git error line (which git clients show as
    // the remote's message; isomorphic-git hands it to onMessage). The connection is then cut rather than ended,
    // so that no client can take the truncated stream for a complete one. An unframed body can only be cut.
    const fail = (code: ProxyErrorCode, message: string): void => {
      if (finished) return;
      finish(); // first: destroying the upstream below re-enters through its 'aborted'/'error' events
      upstream.destroy();
      if (res.writableEnded) return;
      if (status === 200 && cap.isFramed) {
        const text = `${midStreamMarker(code)} ${message}`;
        res.write(target.kind === 'upload-pack' ? sidebandErrorLine(text) : advertisementErrorLine(text), () => res.destroy());
      } else {
        res.destroy();
      }
    };
    const write = (data: Uint8Array): void => {
      if (data.length === 0 || res.write(data)) return;
      // The browser reads slower than the host sends: pause, and do not count the wait as upstream silence.
      upstream.pause();
      upstream.setTimeout(0);
      res.once('drain', () => {
        upstream.setTimeout(options.idleTimeoutMs);
        upstream.resume();
      });
    };
    upstream.setTimeout(options.idleTimeoutMs, () =>
      fail('upstream-timeout', `${target.host} went silent for ${options.idleTimeoutMs} ms`),
    );
    upstream.on('data', (chunk: Buffer) => {
      if (finished) return; // chunks already buffered when the stream was cut
      const step = cap.push(chunk);
      write(step.data);
      if (step.exceeded) fail('response-too-large', tooLargeText(options.maxResponseBytes, null));
    });
    upstream.on('end', () => {
      if (finished) return;
      const step = cap.finish();
      write(step.data);
      if (step.exceeded) return fail('response-too-large', tooLargeText(options.maxResponseBytes, null));
      res.end();
      finish();
    });
    upstream.on('error', (err) => fail('upstream-unreachable', `connection to ${target.host} broke: ${errorText(err)}`));
    upstream.on('aborted', () => fail('upstream-unreachable', `${target.host} closed the connection mid-response`));
    res.once('close', () => {
      if (!res.writableFinished) upstream.destroy(); // the browser went away
      finish();
    });
  });
}

function tooLargeText(limit: number, declared: number | null): string {
  const mb = (n: number): string => `${(n / (1024 * 1024)).toFixed(1)} MB`;
  return declared === null
    ? `response passed the proxy's limit of ${mb(limit)}`
    : `response of ${mb(declared)} exceeds the proxy's limit of ${mb(limit)}`;
}

class TimeoutError extends Error {}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new TimeoutError(`${what} took over ${ms} ms`)), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

function errorText(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return code ? `${code} ${err.message}` : err.message;
  }
  return String(err);
}
