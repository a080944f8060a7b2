/**
 * Node HTTP forwarding for one checked git request: resolve the host (through the bounded look-up queue) and check
 * every address, connect to exactly those addresses (no second DNS answer can slip in between check and connect),
 * follow same-host redirects only, and hand the answer to streamBack.ts.
 */
import type { LookupAddress } from 'node:dns';
import { lookup as dnsLookup } from 'node:dns/promises';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { isIP } from 'node:net';
import type { ProxyOptions } from './config.ts';
import { refusal, type ProxyErrorCode } from './errors.ts';
import { LookupQueueFullError, type LookupQueue } from './lookupQueue.ts';
import { sendRefusal } from './respond.ts';
import { checkRedirect, checkResolvedAddresses, targetAuthority, type Checked, type ProxyTarget } from './rules.ts';
import { errorText, streamBack } from './streamBack.ts';

/** Resolves a host name to every address it has. Injectable so tests can play DNS without a network. */
export type Resolver = (host: string) => Promise<LookupAddress[]>;

export const systemResolver: Resolver = (host) => dnsLookup(host, { all: true, verbatim: true });

export interface ForwardRequest {
  target: ProxyTarget;
  /** Upstream request headers, already filtered (rules.upstreamRequestHeaders). */
  headers: Record<string, string>;
  body: Uint8Array | null;
  /** Headers (CORS) that go on every answer to the client. */
  responseHeaders: Record<string, string>;
  /** The request's overall deadline (deadline.ts): aborts everything still running. */
  deadline: AbortSignal;
}

/** What every request of one proxy shares. */
export interface ForwardServices {
  options: ProxyOptions;
  resolve: Resolver;
  lookups: LookupQueue;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

class TimeoutError extends Error {}

/** One look-up through the shared queue, given up after connectTimeoutMs or when the request is abandoned. */
async function lookupInQueue(host: string, services: ForwardServices, requestGone: AbortSignal): Promise<LookupAddress[]> {
  const ms = services.options.connectTimeoutMs;
  const giveUp = new AbortController();
  const timer = setTimeout(() => giveUp.abort(new TimeoutError(`resolving ${host} took over ${ms} ms`)), ms);
  const onGone = (): void => giveUp.abort(requestGone.reason);
  requestGone.addEventListener('abort', onGone, { once: true });
  try {
    return await services.lookups.run(() => services.resolve(host), giveUp.signal);
  } finally {
    clearTimeout(timer);
    requestGone.removeEventListener('abort', onGone);
  }
}

async function resolveChecked(host: string, services: ForwardServices, requestGone: AbortSignal): Promise<Checked<LookupAddress[]>> {
  let addresses: LookupAddress[];
  const family = isIP(host);
  if (family !== 0) {
    addresses = [{ address: host, family }];
  } else {
    try {
      addresses = await lookupInQueue(host, services, requestGone);
    } catch (err) {
      const code: ProxyErrorCode =
        err instanceof LookupQueueFullError ? 'proxy-busy' : err instanceof TimeoutError ? 'upstream-timeout' : 'dns-failed';
      return { ok: false, refusal: refusal(code, `${host}: ${errorText(err)}`) };
    }
  }
  const problem = checkResolvedAddresses(host, addresses.map((a) => a.address), services.options);
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
 * Forwards one request and writes the answer (or a refusal) to `res`. Resolves when the response is finished or
 * abandoned. When the request's deadline passes before the answer has started, the caller has already answered
 * (middleware.ts); here everything still running stops.
 */
export async function forwardGitRequest(req: ForwardRequest, res: ServerResponse, services: ForwardServices): Promise<void> {
  const { options } = services;
  const extraHeaders = req.responseHeaders;
  const aborter = new AbortController();
  const stop = (): void => aborter.abort();
  res.once('close', stop); // the browser went away
  req.deadline.addEventListener('abort', stop, { once: true });
  try {
    let target = req.target;
    for (let hop = 0; ; hop++) {
      const addresses = await resolveChecked(target.host, services, aborter.signal);
      if (aborter.signal.aborted) return;
      if (!addresses.ok) return sendRefusal(res, addresses.refusal, extraHeaders);
      const answer = await requestUpstream(target, req, addresses.value, options, aborter.signal);
      if (aborter.signal.aborted) {
        if (answer.ok) answer.value.destroy();
        return;
      }
      if (!answer.ok) return sendRefusal(res, answer.refusal, extraHeaders);
      const upstream = answer.value;
      const status = upstream.statusCode ?? 502;
      if (!REDIRECT_STATUSES.has(status)) {
        // From here the deadline ends the stream with a git error line (streamBack), not a bare abort.
        req.deadline.removeEventListener('abort', stop);
        return await streamBack(upstream, target, res, extraHeaders, options, req.deadline);
      }

      upstream.resume(); // discard the redirect's body
      const next = nextHop(target, status, upstream.headers.location, hop, options);
      if (!next.ok) return sendRefusal(res, next.refusal, extraHeaders);
      target = next.value;
    }
  } finally {
    req.deadline.removeEventListener('abort', stop);
  }
}

function nextHop(target: ProxyTarget, status: number, location: string | undefined, hop: number, options: ProxyOptions): Checked<ProxyTarget> {
  const refuse = (message: string): Checked<ProxyTarget> => ({ ok: false, refusal: refusal('redirect-not-allowed', message) });
  if (!location) return refuse(`${status} without a Location`);
  if (hop >= options.maxRedirects) return refuse(`more than ${options.maxRedirects} redirects`);
  if (status === 303 && target.method === 'POST') return refuse('303 would turn the upload-pack POST into a GET');
  return checkRedirect(target, location);
}
