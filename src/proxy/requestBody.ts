/**
 * Reads a client's request body into memory, within the per-request cap, the proxy-wide budget of buffered bytes
 * (admission.ts), a time limit and the request's deadline.
 */
import type { IncomingMessage } from 'node:http';
import { refusal } from './errors.ts';
import type { Checked } from './rules.ts';

export interface BodyLimits {
  /** Largest body accepted from one request. */
  maxBytes: number;
  /** Time allowed for the whole body to arrive. */
  timeoutMs: number;
  /** Takes bytes from the proxy-wide budget of buffered bodies; false when it is spent (the request is refused). */
  reserveBytes(bytes: number): boolean;
  /** The request's deadline; reading stops when it aborts. */
  signal: AbortSignal;
}

function busy(bytes: number): Checked<Uint8Array> {
  return { ok: false, refusal: refusal('proxy-busy', `no room to buffer ${bytes} more request bytes: other requests hold the proxy's budget`) };
}

export function readRequestBody(req: IncomingMessage, limits: BodyLimits): Promise<Checked<Uint8Array>> {
  const { maxBytes, timeoutMs, signal } = limits;
  const declared = Number(req.headers['content-length']);
  const hasDeclared = req.headers['content-length'] !== undefined && Number.isSafeInteger(declared) && declared >= 0;
  if (hasDeclared && declared > maxBytes) {
    return Promise.resolve({ ok: false, refusal: refusal('request-too-large', `request body of ${declared} bytes exceeds ${maxBytes}`) });
  }
  // A declared length is reserved up front, so a refusal comes before the client sends the body; a chunked body
  // is reserved chunk by chunk as it arrives (Node's parser never delivers more than a declared length).
  if (hasDeclared && !limits.reserveBytes(declared)) return Promise.resolve(busy(declared));
  return new Promise((resolve) => {
    // A declared body is copied into one buffer of its size: collecting chunks and concatenating them at the end
    // would hold it twice at that moment, and the budget counts it once.
    const whole = hasDeclared ? Buffer.allocUnsafe(declared) : null;
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (result: Checked<Uint8Array>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      if (!result.ok) req.pause(); // stop reading: the caller answers and closes the connection
      resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBytes) return settle({ ok: false, refusal: refusal('request-too-large', `request body exceeds ${maxBytes} bytes`) });
      if (whole) {
        if (size > whole.length) return settle({ ok: false, refusal: refusal('bad-request', 'request body longer than its Content-Length') });
        chunk.copy(whole, size - chunk.length);
        return;
      }
      if (!limits.reserveBytes(chunk.length)) return settle(busy(chunk.length));
      chunks.push(chunk);
    };
    const onEnd = (): void => settle({ ok: true, value: whole ? whole.subarray(0, size) : Buffer.concat(chunks) });
    const onError = (err: Error): void => settle({ ok: false, refusal: refusal('bad-request', `request body: ${err.message}`) });
    const onAbort = (): void => settle({ ok: false, refusal: refusal('deadline-exceeded', 'request body not received before the deadline') });
    const timer = setTimeout(
      () => settle({ ok: false, refusal: refusal('request-timeout', `request body not received within ${timeoutMs} ms`) }),
      timeoutMs,
    );
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}
