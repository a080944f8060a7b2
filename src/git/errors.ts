import type { GitErrorCode } from './types.ts';

/** A failure of the git layer with a code the UI maps to a clear message. */
export class GitError extends Error {
  readonly code: GitErrorCode;

  constructor(code: GitErrorCode, message: string) {
    super(message);
    this.name = 'GitError';
    this.code = code;
  }
}

export function isGitError(value: unknown): value is GitError {
  return value instanceof GitError;
}

/** What the proxy answers when it refuses a request: `{"error": "<code>", "message": "<text>"}`. */
interface ProxyRefusal {
  error: string;
  message: string;
}

function parseProxyRefusal(body: string): ProxyRefusal | null {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed !== 'object' || parsed === null) return null;
    const { error, message } = parsed as Record<string, unknown>;
    if (typeof error !== 'string') return null;
    return { error, message: typeof message === 'string' ? message : error };
  } catch {
    return null;
  }
}

/**
 * Turns a non-200 answer (from the remote, or from our CORS proxy in front of it) into a GitError. The proxy
 * speaks JSON; a git host answers 401/403/404 for a repository that is missing or private (GitHub says 401 to
 * anonymous requests for private repositories, so the two cannot be told apart).
 */
export function errorFromHttpStatus(status: number, statusText: string, body: string, url: string): GitError {
  const refusal = parseProxyRefusal(body);
  if (refusal) {
    if (status === 413 || /large|size/i.test(refusal.error)) return new GitError('too-large', refusal.message);
    if (status === 502 || status === 504) return new GitError('network', refusal.message);
    return new GitError('proxy-refused', refusal.message);
  }
  if (status === 401 || status === 403 || status === 404) {
    return new GitError('not-found-or-private', `No public repository at ${url} (HTTP ${status}): it does not exist or is private.`);
  }
  if (status === 413) return new GitError('too-large', `The server refused: the repository is too large (HTTP 413).`);
  if (status >= 500) return new GitError('network', `The server failed (HTTP ${status} ${statusText}).`);
  return new GitError('unknown', `Unexpected HTTP ${status} ${statusText} from ${url}.`);
}

/** isomorphic-git's errors carry a string `code` and a `data` object. */
interface IsoGitErrorShape {
  code: string;
  message: string;
  data?: { statusCode?: number; statusMessage?: string; response?: string };
}

function isIsoGitError(err: unknown): err is IsoGitErrorShape {
  return typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'string';
}

/** Classifies anything thrown by isomorphic-git or the fs into a GitError (GitErrors pass through). */
export function toGitError(err: unknown, url = ''): GitError {
  if (err instanceof GitError) return err;
  if (isIsoGitError(err)) {
    switch (err.code) {
      case 'HttpError': {
        const d = err.data ?? {};
        return errorFromHttpStatus(d.statusCode ?? 0, d.statusMessage ?? '', d.response ?? '', url);
      }
      case 'UrlParseError':
      case 'UnknownTransportError':
        return new GitError('bad-url', `Not a git URL: ${url || err.message}`);
      case 'SmartHttpError':
        return new GitError('not-found-or-private', `${url || 'The server'} does not speak git's smart HTTP protocol (not a git repository?).`);
      case 'UserCanceledError':
        return new GitError('cancelled', 'Cancelled.');
      case 'NotFoundError':
        return new GitError('not-found-or-private', err.message);
      case 'ENOENT':
        return new GitError('not-cloned', err.message);
      default:
        break;
    }
  }
  const message = err instanceof Error ? err.message : String(err);
  if (/fetch failed|network|ECONNREFUSED|ECONNRESET|socket|EPIPE|terminated|Failed to fetch/i.test(message)) {
    return new GitError('network', `Network failure: ${message}`);
  }
  return new GitError('unknown', message);
}
