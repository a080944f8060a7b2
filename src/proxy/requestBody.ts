/** Reads a client's request body into memory, within the proxy's size cap and time limit. */
import type { IncomingMessage } from 'node:http';
import { refusal } from './errors.ts';
import type { Checked } from './rules.ts';

export function readRequestBody(req: IncomingMessage, maxBytes: number, timeoutMs: number): Promise<Checked<Uint8Array>> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    return Promise.resolve({ ok: false, refusal: refusal('request-too-large', `request body of ${declared} bytes exceeds ${maxBytes}`) });
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (result: Checked<Uint8Array>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      if (!result.ok) req.pause(); // stop reading: the caller answers and closes the connection
      resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBytes) {
        settle({ ok: false, refusal: refusal('request-too-large', `request body exceeds ${maxBytes} bytes`) });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => settle({ ok: true, value: Buffer.concat(chunks) });
    const onError = (err: Error): void => settle({ ok: false, refusal: refusal('bad-request', `request body: ${err.message}`) });
    const timer = setTimeout(
      () => settle({ ok: false, refusal: refusal('request-timeout', `request body not received within ${timeoutMs} ms`) }),
      timeoutMs,
    );
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}
