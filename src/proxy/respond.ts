/** Writes a proxy refusal as JSON with its status (see errors.ts); a response already under way is cut off. */
import type { ServerResponse } from 'node:http';
import { proxyErrorStatus, type ProxyRefusal } from './errors.ts';

export function sendRefusal(res: ServerResponse, r: ProxyRefusal, extraHeaders: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify(r);
  res.writeHead(proxyErrorStatus(r.error), {
    ...extraHeaders,
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(body);
}
