import type { GitHttpRequest, GitHttpResponse, HttpClient } from 'isomorphic-git';
import { GitError, errorFromHttpStatus } from './errors.ts';

export interface GuardOptions {
  signal: AbortSignal;
  /** Refuse to receive more than this many bytes in one operation (the pack of a huge repository). */
  maxBytes: number;
  /** Called with the running byte count of response bodies (the 'receiving' progress when git sends no totals). */
  onBytes?: (received: number) => void;
}

const ERROR_BODY_LIMIT = 64 * 1024;

async function readSmallText(body: AsyncIterableIterator<Uint8Array> | undefined): Promise<string> {
  if (!body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.byteLength;
    if (size >= ERROR_BODY_LIMIT) break;
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.byteLength;
  }
  return new TextDecoder().decode(all);
}

/**
 * Wraps an isomorphic-git HTTP client (http/web in the browser, http/node in Node) so that one operation
 * can be cancelled (the AbortSignal reaches fetch, and every pending read rejects at once), refuses bodies
 * past a size cap, and reports failures as GitErrors: the remote's or the proxy's refusal with its reason,
 * a dropped connection as 'network', an abort as 'cancelled'.
 */
export function guardHttp(base: HttpClient, opts: GuardOptions): HttpClient {
  const { signal, maxBytes } = opts;
  let received = 0;

  const cancelled = (): GitError => new GitError('cancelled', 'Cancelled.');
  const failure = (err: unknown): GitError => {
    if (signal.aborted) return cancelled();
    if (err instanceof GitError) return err;
    const message = err instanceof Error ? err.message : String(err);
    return new GitError('network', `Network failure: ${message}`);
  };

  /** Rejects as soon as the signal fires, whatever the underlying promise does. */
  function raceAbort<T>(p: Promise<T>): Promise<T> {
    if (signal.aborted) {
      p.catch(() => undefined); // its failure after the abort is expected and already reported as 'cancelled'
      return Promise.reject(cancelled());
    }
    return new Promise<T>((resolve, reject) => {
      const onAbort = (): void => reject(cancelled());
      signal.addEventListener('abort', onAbort, { once: true });
      p.then(
        (v) => {
          signal.removeEventListener('abort', onAbort);
          resolve(v);
        },
        (e: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(failure(e));
        },
      );
    });
  }

  function guardBody(body: AsyncIterableIterator<Uint8Array>): AsyncIterableIterator<Uint8Array> {
    const inner = body[Symbol.asyncIterator]();
    // Closing a stream that already failed (aborted, reset) rejects again; that second report is noise.
    const closeInner = async (): Promise<void> => {
      try {
        await inner.return?.();
      } catch {
        // already reported by next()
      }
    };
    const guarded: AsyncIterableIterator<Uint8Array> = {
      async next() {
        const step = await raceAbort(inner.next());
        if (!step.done && step.value) {
          received += step.value.byteLength;
          if (received > maxBytes) {
            await closeInner();
            throw new GitError('too-large', `The repository is too large: more than ${Math.round(maxBytes / 1e6)} MB to download.`);
          }
          opts.onBytes?.(received);
        }
        return step;
      },
      async return() {
        await closeInner();
        return { done: true, value: undefined };
      },
      [Symbol.asyncIterator]() {
        return guarded;
      },
    };
    return guarded;
  }

  return {
    async request(req: GitHttpRequest): Promise<GitHttpResponse> {
      const res = await raceAbort(base.request({ ...req, signal }));
      if (res.statusCode >= 400) {
        const text = await raceAbort(readSmallText(res.body));
        // Name the repository in the message, not the smart-HTTP endpoint that answered.
        const repoUrl = req.url.replace(/\/(info\/refs\?.*|git-upload-pack)$/, '');
        throw errorFromHttpStatus(res.statusCode, res.statusMessage, text, repoUrl);
      }
      return res.body ? { ...res, body: guardBody(res.body) } : res;
    },
  };
}
