/**
 * What the proxy forwards, as pure functions: the request's shape (git smart-HTTP fetch only), the target host and
 * port, the resolved addresses, the caller's origin, and which headers cross the proxy in each direction.
 */
import { classifyAddress, isIPLiteral, parseIPv6 } from './addresses.ts';
import { LOOPBACK_HOSTS, normaliseHostName, type ProxyOptions } from './config.ts';
import { refusal, type ProxyRefusal } from './errors.ts';

export type Checked<T> = { ok: true; value: T } | { ok: false; refusal: ProxyRefusal };

const ok = <T>(value: T): Checked<T> => ({ ok: true, value });
const refuse = <T>(r: ProxyRefusal): Checked<T> => ({ ok: false, refusal: r });

export type GitRequestKind = 'info-refs' | 'upload-pack';

/** Where a checked request goes. `host` is normalised (lower case, IPv6 without brackets). */
export interface ProxyTarget {
  scheme: 'https' | 'http';
  host: string;
  port: number;
  method: 'GET' | 'POST';
  kind: GitRequestKind;
  /** Raw path and query as sent upstream, e.g. `/owner/repo.git/info/refs?service=git-upload-pack`. */
  path: string;
}

const UPLOAD_PACK = 'git-upload-pack';
const RECEIVE_PACK = 'git-receive-pack';
const MAX_PATH_LENGTH = 2048;
/** RFC 3986 path-segment characters (pchar); percent-escapes are checked separately. */
const SEGMENT_CHARS = /^[A-Za-z0-9._~!$&'()*+,;=:@%-]+$/;
const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** The `Host` header (and URL authority) for a target. */
export function targetAuthority(t: Pick<ProxyTarget, 'scheme' | 'host' | 'port'>): string {
  const host = t.host.includes(':') ? `[${t.host}]` : t.host;
  const defaultPort = t.scheme === 'https' ? 443 : 80;
  return t.port === defaultPort ? host : `${host}:${t.port}`;
}

export function targetUrl(t: ProxyTarget): string {
  return `${t.scheme}://${targetAuthority(t)}${t.path}`;
}

/** A host name or canonical IP literal; refuses numeric look-alikes (`127.1`, `0x7f.1`) that resolvers read as IPs. */
export function isValidHostName(host: string): boolean {
  if (isIPLiteral(host)) return true;
  if (host.length === 0 || host.length > 253) return false;
  const labels = host.split('.');
  if (!labels.every((l) => DNS_LABEL.test(l))) return false;
  const last = labels[labels.length - 1] ?? '';
  return !/^(0x[0-9a-f]*|[0-9]+)$/.test(last);
}

function parseAuthority(authority: string): Checked<{ host: string; port: number | null }> {
  let hostPart: string;
  let portPart: string | null = null;
  if (authority.startsWith('[')) {
    const close = authority.indexOf(']');
    if (close < 0) return refuse(refusal('bad-request', `malformed IPv6 host "${authority}"`));
    hostPart = authority.slice(1, close);
    const rest = authority.slice(close + 1);
    if (rest !== '') {
      if (!rest.startsWith(':')) return refuse(refusal('bad-request', `malformed host "${authority}"`));
      portPart = rest.slice(1);
    }
    if (!parseIPv6(hostPart)) return refuse(refusal('bad-request', `malformed IPv6 host "${authority}"`));
  } else {
    const parts = authority.split(':');
    if (parts.length > 2) return refuse(refusal('bad-request', `malformed host "${authority}"`));
    hostPart = parts[0] ?? '';
    portPart = parts.length === 2 ? (parts[1] ?? '') : null;
    if (parseIPv6(hostPart)) return refuse(refusal('bad-request', `IPv6 host needs brackets: "${authority}"`));
  }
  const host = normaliseHostName(hostPart);
  if (!isValidHostName(host)) return refuse(refusal('bad-request', `invalid host name "${hostPart}"`));
  if (portPart === null) return ok({ host, port: null });
  if (!/^[0-9]{1,5}$/.test(portPart)) return refuse(refusal('bad-request', `invalid port "${portPart}"`));
  const port = Number(portPart);
  if (port < 1 || port > 65535) return refuse(refusal('bad-request', `invalid port "${portPart}"`));
  return ok({ host, port });
}

function checkRepoPath(repoPath: string): ProxyRefusal | null {
  if (!repoPath.startsWith('/') || repoPath.length < 2) return refusal('not-git-request', 'missing repository path');
  for (const segment of repoPath.slice(1).split('/')) {
    if (segment === '' || !SEGMENT_CHARS.test(segment)) {
      return refusal('bad-request', `invalid repository path segment "${segment}"`);
    }
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return refusal('bad-request', `invalid percent-escape in "${segment}"`);
    }
    // Escaped separators or dot segments would let the upstream see a different path than the one checked here.
    if (decoded === '.' || decoded === '..' || /[/\\\u0000-\u001f\u007f]/.test(decoded)) {
      return refusal('bad-request', `invalid repository path segment "${segment}"`);
    }
  }
  return null;
}

/** Checks the path and query of a git request (the part after the host) against the method. */
export function checkGitPath(method: string, pathAndQuery: string): Checked<{ kind: GitRequestKind; method: 'GET' | 'POST' }> {
  if (pathAndQuery.length > MAX_PATH_LENGTH) return refuse(refusal('bad-request', 'URL too long'));
  const q = pathAndQuery.indexOf('?');
  const pathname = q < 0 ? pathAndQuery : pathAndQuery.slice(0, q);
  const query = q < 0 ? null : pathAndQuery.slice(q + 1);
  if (pathname.includes('#') || (query ?? '').includes('#')) return refuse(refusal('bad-request', 'fragment in URL'));

  let kind: GitRequestKind;
  let repoPath: string;
  if (pathname.endsWith('/info/refs')) {
    if (query === `service=${RECEIVE_PACK}`) return refuse(refusal('service-not-allowed', 'push (git-receive-pack) is not forwarded'));
    if (query !== `service=${UPLOAD_PACK}`) return refuse(refusal('not-git-request', 'info/refs needs ?service=git-upload-pack'));
    kind = 'info-refs';
    repoPath = pathname.slice(0, -'/info/refs'.length);
  } else if (pathname.endsWith(`/${UPLOAD_PACK}`)) {
    if (query !== null) return refuse(refusal('not-git-request', 'git-upload-pack takes no query'));
    kind = 'upload-pack';
    repoPath = pathname.slice(0, -`/${UPLOAD_PACK}`.length);
  } else if (pathname.endsWith(`/${RECEIVE_PACK}`)) {
    return refuse(refusal('service-not-allowed', 'push (git-receive-pack) is not forwarded'));
  } else {
    return refuse(refusal('not-git-request', 'only info/refs?service=git-upload-pack and git-upload-pack are forwarded'));
  }
  const pathProblem = checkRepoPath(repoPath);
  if (pathProblem) return refuse(pathProblem);
  const expected = kind === 'info-refs' ? 'GET' : 'POST';
  if (method !== expected) return refuse(refusal('method-not-allowed', `${method} is not allowed for ${kind}; use ${expected}`));
  return ok({ kind, method: expected });
}

/** Host allowlist, scheme and port. Loopback targets (test switch only) use http on any port. */
export function checkHost(host: string, port: number | null, options: ProxyOptions): Checked<{ scheme: 'https' | 'http'; port: number }> {
  const loopbackTarget = options.allowLoopback && LOOPBACK_HOSTS.includes(host);
  if (!loopbackTarget && !options.allowedHosts.includes(host)) {
    return refuse(refusal('host-not-allowed', `${host} is not in the allowlist (${options.allowedHosts.join(', ') || 'empty'})`));
  }
  if (loopbackTarget) return ok({ scheme: 'http', port: port ?? 80 });
  if (port !== null && port !== 443) return refuse(refusal('port-not-allowed', `port ${port} (only https on 443)`));
  return ok({ scheme: 'https', port: 443 });
}

/**
 * Parses `<prefix>/<host>[:port]/<repo>/(info/refs?service=git-upload-pack | git-upload-pack)`, the form
 * isomorphic-git produces for `corsProxy: '<origin><prefix>'`, and applies every rule that needs no DNS.
 */
export function parseProxyRequest(method: string, rawUrl: string, options: ProxyOptions): Checked<ProxyTarget> {
  const prefix = `${options.pathPrefix}/`;
  if (!rawUrl.startsWith(prefix)) return refuse(refusal('bad-request', `not under ${prefix}`));
  const rest = rawUrl.slice(prefix.length);
  const slash = rest.search(/[/?]/);
  if (slash <= 0 || rest[slash] !== '/') return refuse(refusal('bad-request', 'expected <host>/<repository path>'));
  const authority = parseAuthority(rest.slice(0, slash));
  if (!authority.ok) return authority;
  const shape = checkGitPath(method, rest.slice(slash));
  if (!shape.ok) return shape;
  const host = checkHost(authority.value.host, authority.value.port, options);
  if (!host.ok) return host;
  return ok({
    scheme: host.value.scheme,
    host: authority.value.host,
    port: host.value.port,
    method: shape.value.method,
    kind: shape.value.kind,
    path: rest.slice(slash),
  });
}

/** Every address a host resolves to must be public (loopback too under the test switch), or none is used. */
export function checkResolvedAddresses(host: string, addresses: readonly string[], options: ProxyOptions): ProxyRefusal | null {
  if (addresses.length === 0) return refusal('dns-failed', `${host} has no addresses`);
  for (const address of addresses) {
    const cls = classifyAddress(address);
    if (cls === 'public') continue;
    if (cls === 'loopback' && options.allowLoopback) continue;
    return refusal('address-not-allowed', `${host} resolves to ${address} (${cls ?? 'unrecognised address'})`);
  }
  return null;
}

/**
 * A redirect is followed only to the same scheme, host and port, and only to the same kind of git request
 * (so a renamed repository on the same host still clones); anything else is refused.
 */
export function checkRedirect(from: ProxyTarget, location: string): Checked<ProxyTarget> {
  let url: URL;
  try {
    url = new URL(location, targetUrl(from));
  } catch {
    return refuse(refusal('redirect-not-allowed', `unreadable redirect "${location}"`));
  }
  const host = normaliseHostName(url.hostname);
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  if (url.protocol !== `${from.scheme}:` || host !== from.host || port !== from.port) {
    return refuse(refusal('redirect-not-allowed', `redirect to ${url.protocol}//${url.host} (only the same host is followed)`));
  }
  const path = url.pathname + url.search;
  const shape = checkGitPath(from.method, path);
  if (!shape.ok || shape.value.kind !== from.kind) {
    return refuse(refusal('redirect-not-allowed', `redirect to a non-git path ${url.pathname}`));
  }
  return ok({ ...from, path });
}

const ALLOWED_REQUEST_HEADERS = ['content-type', 'accept', 'git-protocol', 'user-agent', 'content-encoding'];

/** Response headers of an allowed cross-origin request (never credentials). */
export function corsHeaders(origin: string): Record<string, string> {
  return {
    'access-control-allow-origin': origin,
    'access-control-allow-methods': 'GET, POST, OPTIONS',
    'access-control-allow-headers': ALLOWED_REQUEST_HEADERS.join(', '),
    'access-control-max-age': '600',
    vary: 'Origin',
  };
}

export type HeaderBag = Readonly<Record<string, string | readonly string[] | undefined>>;

function single(value: string | readonly string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : value?.[0];
}

/** Value forms that are safe to pass on; anything with control characters is dropped. */
const SAFE_VALUE = /^[\x20-\x7e]{1,512}$/;

const PROXY_USER_AGENT = 'git/code2lora-proxy';

/**
 * Headers sent upstream: only what git smart-HTTP needs. Cookies, Authorization and everything else stay behind.
 * A browser's User-Agent is replaced by a git one (some hosts treat non-git agents differently).
 */
export function upstreamRequestHeaders(incoming: HeaderBag): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of ALLOWED_REQUEST_HEADERS) {
    const value = single(incoming[name]);
    if (value !== undefined && SAFE_VALUE.test(value)) out[name] = value;
  }
  if (!out['user-agent']?.startsWith('git/')) out['user-agent'] = PROXY_USER_AGENT;
  return out;
}

const GIT_CONTENT_TYPE = /^application\/x-git-[a-z-]+(-advertisement|-result|-request)$/;

/**
 * Headers sent back to the browser. Only git content types pass; anything else is served as inert text so an
 * upstream page can never run as this app's origin.
 */
export function clientResponseHeaders(upstream: HeaderBag): Record<string, string> {
  const type = single(upstream['content-type'])?.trim() ?? '';
  const safeType = GIT_CONTENT_TYPE.test(type) ? type : 'text/plain; charset=utf-8';
  return {
    'content-type': safeType,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'; sandbox",
  };
}
