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
  /**
   * Longest a request may take from its first byte to its last, whatever the peers do: a client that stops
   * reading (backpressure pauses the idle timer) or an upstream that trickles bytes never ends otherwise.
   */
  requestDeadlineMs: number;
  /** Requests handled at once (past the origin and shape checks); more are refused 503 with Retry-After. */
  maxConcurrentRequests: number;
  /** Request body bytes held in memory at once, over all requests; past it requests are refused 503. */
  maxBufferedRequestBytes: number;
  /**
   * DNS look-ups running at once. A look-up holds one of libuv's (by default 4) worker threads until the system
   * resolver gives up, even after the proxy stopped waiting for it; the dev server needs the others for files.
   */
  maxConcurrentLookups: number;
  /** Look-ups waiting for a free slot; more are refused 503 at once instead of waiting behind them. */
  maxQueuedLookups: number;
  /**
   * `Host` header values (host[:port], lower case) this server answers to; anything else is refused, so a page on
   * another name (DNS rebinding, a forged Host) can never pass for the proxy's own origin. null: not checked
   * here, because the server in front does (Vite's dev/preview servers check Host themselves).
   */
  allowedHostHeaders: readonly string[] | null;
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
  // The longest allowed download (maxResponseBytes, 200 MB) must fit: 300 s asks for 0.7 MB/s (about 5.6 Mbit/s)
  // for the very largest, and the app's usual shallow clones (depth 50: a few MB) need a small fraction of that.
  // 120 s would refuse a 200 MB download on anything slower than 14 Mbit/s.
  requestDeadlineMs: 300_000,
  // One user's clone has at most two requests in flight (info/refs, then upload-pack); 64 leaves room for a few
  // dozen users of a shared standalone proxy while bounding sockets, timers and upstream connections.
  maxConcurrentRequests: 64,
  // Clone requests are small (wants and haves: kilobytes), so 64 MiB admits hundreds of real requests at once but
  // only four bodies at the 16 MiB per-request cap: buffered memory stays near 64 MiB however many clients send.
  maxBufferedRequestBytes: 64 * 1024 * 1024,
  maxConcurrentLookups: 2,
  maxQueuedLookups: 32,
  allowedHostHeaders: null,
};

export function proxyOptions(overrides: Partial<ProxyOptions> = {}): ProxyOptions {
  const merged = { ...DEFAULT_PROXY_OPTIONS, ...overrides };
  return {
    ...merged,
    allowedHosts: unique(merged.allowedHosts.map(normaliseHostName)),
    allowedOrigins: unique(merged.allowedOrigins.map((o) => o.replace(/\/+$/, '').toLowerCase())),
    allowedHostHeaders: merged.allowedHostHeaders === null ? null : unique(merged.allowedHostHeaders.map((h) => h.toLowerCase())),
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
  requestDeadlineMs: 'CODE2LORA_PROXY_REQUEST_DEADLINE_MS',
  maxConcurrentRequests: 'CODE2LORA_PROXY_MAX_CONCURRENT_REQUESTS',
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
  const deadline = positiveInt(PROXY_ENV.requestDeadlineMs, env[PROXY_ENV.requestDeadlineMs]);
  if (deadline !== undefined) overrides.requestDeadlineMs = deadline;
  const concurrent = positiveInt(PROXY_ENV.maxConcurrentRequests, env[PROXY_ENV.maxConcurrentRequests]);
  if (concurrent !== undefined) overrides.maxConcurrentRequests = concurrent;
  return proxyOptions(overrides);
}
