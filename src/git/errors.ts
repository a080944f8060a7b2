import { describeProxyRefusal, findProxyRefusal, parseProxyRefusal, type ProxyRefusal } from '../proxy/errors.ts';
import type { GitErrorCode } from './types.ts';
import { quoteInput } from './quote.ts';

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

/**
 * Our CORS proxy's refusal (a JSON body before any byte of the answer, or a marked git error line mid-stream)
 * as a GitError: limits become 'too-large', an unreachable, slow or busy path 'network', the rest 'proxy-refused'.
 */
export function errorFromProxyRefusal(refusal: ProxyRefusal): GitError {
  const message = describeProxyRefusal(refusal);
  switch (refusal.error) {
    case 'response-too-large':
    case 'request-too-large':
      return new GitError('too-large', message);
    case 'dns-failed':
    case 'upstream-unreachable':
    case 'upstream-timeout':
    case 'request-timeout':
    case 'deadline-exceeded':
    case 'proxy-busy':
      // Transient: the same request can succeed later (a busy proxy, a slow link); the message says what to try.
      return new GitError('network', message);
    default:
      return new GitError('proxy-refused', message);
  }
}

/**
 * Turns a non-200 answer (from the remote, or from our CORS proxy in front of it) into a GitError. The proxy
 * speaks JSON; a git host answers 401/403/404 for a repository that is missing or private (GitHub says 401 to
 * anonymous requests for private repositories, so the two cannot be told apart).
 */
export function errorFromHttpStatus(status: number, statusText: string, body: string, url: string): GitError {
  const refusal = parseProxyRefusal(body);
  if (refusal) return errorFromProxyRefusal(refusal);
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
        return new GitError('bad-url', `Not a git URL: ${url ? quoteInput(url) : err.message}`);
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
  const refusal = findProxyRefusal(message);
  if (refusal) return errorFromProxyRefusal(refusal);
  if (/fetch failed|network|ECONNREFUSED|ECONNRESET|socket|EPIPE|terminated|Failed to fetch/i.test(message)) {
    return new GitError('network', `Network failure: ${message}`);
  }
  return new GitError('unknown', message);
}
