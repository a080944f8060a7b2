/**
 * The proxy as connect-style middleware (Vite dev/preview servers, the standalone command): Host and origin
 * checks, CORS preflight, request rules, admission under the proxy-wide limits, then forwarding under the
 * request's deadline. Requests outside the proxy's path prefix go to `next`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RequestAdmission } from './admission.ts';
import type { ProxyOptions } from './config.ts';
import { startDeadline } from './deadline.ts';
import { refusal } from './errors.ts';
import { forwardGitRequest, systemResolver, type ForwardServices, type Resolver } from './forward.ts';
import { LookupQueue } from './lookupQueue.ts';
import { checkHostHeader, decideCaller } from './origin.ts';
import { readRequestBody } from './requestBody.ts';
import { sendRefusal, sendRefusalAndClose } from './respond.ts';
import { corsHeaders, parseProxyRequest, upstreamRequestHeaders } from './rules.ts';

export type NextFunction = (err?: unknown) => void;
export type ProxyMiddleware = (req: IncomingMessage, res: ServerResponse, next: NextFunction) => void;

interface ProxyState extends ForwardServices {
  admission: RequestAdmission;
}

export function createProxyMiddleware(options: ProxyOptions, resolve: Resolver = systemResolver): ProxyMiddleware {
  const prefix = `${options.pathPrefix}/`;
  const state: ProxyState = {
    options,
    resolve,
    lookups: new LookupQueue(options.maxConcurrentLookups, options.maxQueuedLookups),
    admission: new RequestAdmission(options),
  };
  return (req, res, next) => {
    if (!(req.url ?? '').startsWith(prefix)) return next();
    handle(req, res, state).catch((err: unknown) => {
      sendRefusal(res, refusal('upstream-unreachable', err instanceof Error ? err.message : String(err)));
    });
  };
}

/**
 * Vite's own CORS middleware runs before plugin middleware and allows any localhost origin; under the proxy's
 * prefix only the proxy's origin policy may apply, so whatever CORS headers were set before are dropped.
 */
function dropEarlierCorsHeaders(res: ServerResponse): void {
  for (const name of res.getHeaderNames()) if (name.startsWith('access-control-')) res.removeHeader(name);
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

async function handle(req: IncomingMessage, res: ServerResponse, state: ProxyState): Promise<void> {
  const { options } = state;
  dropEarlierCorsHeaders(res);
  const hostProblem = checkHostHeader(req.headers.host, options);
  if (hostProblem) return sendRefusal(res, hostProblem);
  const method = req.method ?? 'GET';
  const caller = decideCaller(
    { method, host: req.headers.host, origin: req.headers.origin, secFetchSite: single(req.headers['sec-fetch-site']) },
    options,
  );
  if (!caller.ok) return sendRefusal(res, caller.refusal);
  const cors = caller.value.corsOrigin ? corsHeaders(caller.value.corsOrigin) : {};
  if (method === 'OPTIONS') {
    res.writeHead(204, cors);
    res.end();
    return;
  }
  const parsed = parseProxyRequest(method, req.url ?? '', options);
  if (!parsed.ok) return sendRefusal(res, parsed.refusal, cors);

  const ticket = state.admission.admit();
  if (!ticket) {
    return sendRefusalAndClose(req, res, refusal('proxy-busy', `${options.maxConcurrentRequests} requests already in progress`), cors);
  }
  const deadline = startDeadline(options.requestDeadlineMs);
  res.once('close', () => {
    ticket.release();
    deadline.clear();
  });
  // Before the answer has started the deadline gets a plain refusal; after, streamBack.ts ends the git stream.
  deadline.signal.addEventListener('abort', () => {
    if (!res.headersSent) sendRefusalAndClose(req, res, refusal('deadline-exceeded', `no answer within ${options.requestDeadlineMs} ms`), cors);
  });

  let body: Uint8Array | null = null;
  if (parsed.value.method === 'POST') {
    const read = await readRequestBody(req, {
      maxBytes: options.maxRequestBytes,
      timeoutMs: options.connectTimeoutMs,
      reserveBytes: ticket.reserveBytes,
      signal: deadline.signal,
    });
    if (deadline.signal.aborted) return;
    if (!read.ok) return sendRefusalAndClose(req, res, read.refusal, cors);
    body = read.value;
  }
  const headers = upstreamRequestHeaders(req.headers);
  await forwardGitRequest({ target: parsed.value, headers, body, responseHeaders: cors, deadline: deadline.signal }, res, state);
}
