/**
 * The proxy as connect-style middleware (Vite dev/preview servers, the standalone command): origin check, CORS
 * preflight, request rules, then forwarding. Requests outside the proxy's path prefix go to `next`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ProxyOptions } from './config.ts';
import { refusal } from './errors.ts';
import { forwardGitRequest, systemResolver, type Resolver } from './forward.ts';
import { readRequestBody } from './requestBody.ts';
import { sendRefusal } from './respond.ts';
import { corsHeaders, decideOrigin, parseProxyRequest, upstreamRequestHeaders } from './rules.ts';

export type NextFunction = (err?: unknown) => void;
export type ProxyMiddleware = (req: IncomingMessage, res: ServerResponse, next: NextFunction) => void;

export function createProxyMiddleware(options: ProxyOptions, resolve: Resolver = systemResolver): ProxyMiddleware {
  const prefix = `${options.pathPrefix}/`;
  return (req, res, next) => {
    if (!(req.url ?? '').startsWith(prefix)) return next();
    handle(req, res, options, resolve).catch((err: unknown) => {
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

async function handle(req: IncomingMessage, res: ServerResponse, options: ProxyOptions, resolve: Resolver): Promise<void> {
  dropEarlierCorsHeaders(res);
  const origin = req.headers.origin;
  const decision = decideOrigin(origin, req.headers.host, options);
  if (decision === 'refused') {
    return sendRefusal(res, refusal('origin-not-allowed', `origin ${origin ?? ''} may not use this proxy`));
  }
  const cors = decision === 'allowed' && origin ? corsHeaders(origin) : {};
  if (req.method === 'OPTIONS') {
    res.writeHead(204, cors);
    res.end();
    return;
  }
  const parsed = parseProxyRequest(req.method ?? 'GET', req.url ?? '', options);
  if (!parsed.ok) return sendRefusal(res, parsed.refusal, cors);

  let body: Uint8Array | null = null;
  if (parsed.value.method === 'POST') {
    const read = await readRequestBody(req, options.maxRequestBytes, options.connectTimeoutMs);
    if (!read.ok) {
      // The rest of the body is never read: close the connection once the refusal is out.
      res.once('finish', () => req.destroy());
      return sendRefusal(res, read.refusal, { ...cors, connection: 'close' });
    }
    body = read.value;
  }
  await forwardGitRequest({ target: parsed.value, headers: upstreamRequestHeaders(req.headers), body }, res, cors, options, resolve);
}
