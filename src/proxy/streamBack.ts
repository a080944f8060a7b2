/**
 * Streams an upstream answer back to the client under the proxy's response size cap, the upstream idle timer
 * and the request's deadline. A limit hit mid-stream is reported inside the git stream (see errors.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ProxyOptions } from './config.ts';
import { midStreamMarker, refusal, type ProxyErrorCode } from './errors.ts';
import { advertisementErrorLine, PktLineCap, sidebandErrorLine } from './pktline.ts';
import { sendRefusal } from './respond.ts';
import { clientResponseHeaders, type ProxyTarget } from './rules.ts';

/** How long a client gets to read what was sent before a mid-stream error line (and the line) before the cut. */
const ERROR_LINE_GRACE_MS = 2000;

export function tooLargeText(limit: number, declared: number | null): string {
  const mb = (n: number): string => `${(n / (1024 * 1024)).toFixed(1)} MB`;
  return declared === null
    ? `response passed the proxy's limit of ${mb(limit)}`
    : `response of ${mb(declared)} exceeds the proxy's limit of ${mb(limit)}`;
}

export function errorText(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return code ? `${code} ${err.message}` : err.message;
  }
  return String(err);
}

/** Resolves when the response is finished or abandoned. */
export function streamBack(
  upstream: IncomingMessage,
  target: ProxyTarget,
  res: ServerResponse,
  extraHeaders: Record<string, string>,
  options: ProxyOptions,
  deadline: AbortSignal,
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
      deadline.removeEventListener('abort', onDeadline);
      done();
    };
    // Mid-stream, a refusal can only travel inside the git stream: a git error line (which git clients show as
    // the remote's message; isomorphic-git hands it to onMessage). The connection is then cut rather than ended,
    // so that no client can take the truncated stream for a complete one. An unframed body can only be cut. A
    // client that stopped reading would never take the line, so the cut comes after a grace period regardless.
    const fail = (code: ProxyErrorCode, message: string): void => {
      if (finished) return;
      finish(); // first: destroying the upstream below re-enters through its 'aborted'/'error' events
      upstream.destroy();
      if (res.writableEnded) return;
      if (status === 200 && cap.isFramed) {
        const text = `${midStreamMarker(code)} ${message}`;
        res.write(target.kind === 'upload-pack' ? sidebandErrorLine(text) : advertisementErrorLine(text), () => res.destroy());
        setTimeout(() => res.destroy(), ERROR_LINE_GRACE_MS).unref();
      } else {
        res.destroy();
      }
    };
    const write = (data: Uint8Array): void => {
      if (data.length === 0 || res.write(data)) return;
      // The browser reads slower than the host sends: pause, and do not count the wait as upstream silence
      // (the request's deadline still runs).
      upstream.pause();
      upstream.setTimeout(0);
      res.once('drain', () => {
        if (finished) return;
        upstream.setTimeout(options.idleTimeoutMs);
        upstream.resume();
      });
    };
    const onDeadline = (): void => fail('deadline-exceeded', `the transfer from ${target.host} took over ${options.requestDeadlineMs} ms`);
    if (deadline.aborted) return onDeadline();
    deadline.addEventListener('abort', onDeadline, { once: true });
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
