/** Writes a proxy refusal as JSON with its status (see errors.ts); a response already under way is cut off. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { proxyErrorStatus, type ProxyRefusal } from './errors.ts';

/** Seconds a busy proxy asks clients to wait before trying again (the time a typical clone request takes). */
export const BUSY_RETRY_AFTER_S = 5;

export function sendRefusal(res: ServerResponse, r: ProxyRefusal, extraHeaders: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify(r);
  res.writeHead(proxyErrorStatus(r.error), {
    ...extraHeaders,
    ...(r.error === 'proxy-busy' ? { 'retry-after': String(BUSY_RETRY_AFTER_S) } : {}),
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(body);
}

/** A refusal while the client may still be sending its body: the rest is never read, so the connection closes. */
export function sendRefusalAndClose(req: IncomingMessage, res: ServerResponse, r: ProxyRefusal, extraHeaders: Record<string, string>): void {
  res.once('finish', () => req.destroy());
  sendRefusal(res, r, { ...extraHeaders, connection: 'close' });
}
