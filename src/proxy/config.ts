/** The proxy's settings: defaults, and how the environment (dev/preview servers, e2e) overrides them. */

export interface ProxyOptions {
  /** Path prefix the proxy answers under; isomorphic-git is given `corsProxy: '<origin>' + pathPrefix`. */
  pathPrefix: string;
  /** Git hosts the proxy forwards to (exact names, lower case). */
  allowedHosts: readonly string[];
  /** Origins (scheme://host[:port]) that get CORS headers, besides same-origin requests if allowed. */
  allowedOrigins: readonly string[];
  /** Treat a request whose Origin matches its own Host header as the app itself (dev/preview middleware). */
  allowSameOrigin: boolean;
  /**
   * Test only: allow loopback hosts (127.0.0.1, localhost, ::1) and addresses, over plain http, on any port,
   * so the e2e fixture git server can be cloned through the proxy. Every other private range stays refused.
   */
  allowLoopback: boolean;
  /** Largest upstream response forwarded, in bytes (a clone of a big repository is refused past it). */
  maxResponseBytes: number;
  /** Largest request body accepted from the client, in bytes. */
  maxRequestBytes: number;
  /** Time allowed for DNS, connect and the upstream's response headers (and for reading the client's body). */
  connectTimeoutMs: number;
  /** Longest silence allowed while the upstream's body streams. */
  idleTimeoutMs: number;
  /** Same-host redirects followed before giving up. */
  maxRedirects: number;
}

export const DEFAULT_ALLOWED_HOSTS: readonly string[] = ['github.com', 'gitlab.com', 'codeberg.org', 'bitbucket.org'];

export const LOOPBACK_HOSTS: readonly string[] = ['127.0.0.1', 'localhost', '::1'];

export const DEFAULT_PROXY_OPTIONS: ProxyOptions = {
  pathPrefix: '/cors',
  allowedHosts: DEFAULT_ALLOWED_HOSTS,
  allowedOrigins: [],
  allowSameOrigin: true,
  allowLoopback: false,
  maxResponseBytes: 200 * 1024 * 1024,
  maxRequestBytes: 16 * 1024 * 1024,
  connectTimeoutMs: 20_000,
  idleTimeoutMs: 60_000,
  maxRedirects: 3,
};

export function proxyOptions(overrides: Partial<ProxyOptions> = {}): ProxyOptions {
  const merged = { ...DEFAULT_PROXY_OPTIONS, ...overrides };
  return {
    ...merged,
    allowedHosts: unique(merged.allowedHosts.map(normaliseHostName)),
    allowedOrigins: unique(merged.allowedOrigins.map((o) => o.replace(/\/+$/, '').toLowerCase())),
  };
}

/** Lower-case, without a trailing dot or IPv6 brackets: the form hosts are compared in. */
export function normaliseHostName(host: string): string {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  return h.endsWith('.') ? h.slice(0, -1) : h;
}

function unique(items: string[]): string[] {
  return [...new Set(items.filter((s) => s.length > 0))];
}

/** Names of the environment variables the dev/preview middleware and the CLI read. */
export const PROXY_ENV = {
  /** Comma-separated hosts added to the allowlist. */
  allowHosts: 'CODE2LORA_PROXY_ALLOW_HOSTS',
  /** `0` drops the default hosts (github.com, ...) so only CODE2LORA_PROXY_ALLOW_HOSTS remain. */
  defaultHosts: 'CODE2LORA_PROXY_DEFAULT_HOSTS',
  /** Comma-separated extra origins that get CORS headers. */
  origins: 'CODE2LORA_PROXY_ORIGINS',
  /** `1` turns on the test-only loopback switch (see ProxyOptions.allowLoopback). */
  allowLoopback: 'CODE2LORA_PROXY_ALLOW_LOOPBACK',
  maxResponseBytes: 'CODE2LORA_PROXY_MAX_RESPONSE_BYTES',
  maxRequestBytes: 'CODE2LORA_PROXY_MAX_REQUEST_BYTES',
} as const;

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function positiveInt(name: string, value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got "${value}"`);
  return n;
}

/** Options from the environment on top of `base` (used by the Vite plugin and the CLI). */
export function proxyOptionsFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  base: Partial<ProxyOptions> = {},
): ProxyOptions {
  const defaults = env[PROXY_ENV.defaultHosts] === '0' ? [] : (base.allowedHosts ?? DEFAULT_ALLOWED_HOSTS);
  const overrides: Partial<ProxyOptions> = {
    ...base,
    allowedHosts: [...defaults, ...list(env[PROXY_ENV.allowHosts])],
    allowedOrigins: [...(base.allowedOrigins ?? []), ...list(env[PROXY_ENV.origins])],
    allowLoopback: base.allowLoopback === true || env[PROXY_ENV.allowLoopback] === '1',
  };
  const maxResponse = positiveInt(PROXY_ENV.maxResponseBytes, env[PROXY_ENV.maxResponseBytes]);
  if (maxResponse !== undefined) overrides.maxResponseBytes = maxResponse;
  const maxRequest = positiveInt(PROXY_ENV.maxRequestBytes, env[PROXY_ENV.maxRequestBytes]);
  if (maxRequest !== undefined) overrides.maxRequestBytes = maxRequest;
  return proxyOptions(overrides);
}
