/**
 * The CORS proxy's refusal vocabulary, shared by the proxy (Node) and the UI (browser). No Node imports here.
 *
 * A refusal before any upstream byte is sent is a JSON body `{"error": code, "message": text}` with the status
 * below. A limit hit mid-stream (the 200 response is already under way) is reported inside the git stream, as a
 * git error line whose text carries `[code2lora-proxy:<code>]`, so isomorphic-git fails with that text and the UI
 * can still recognise the code.
 */

export const PROXY_ERROR_STATUS = {
  'bad-request': 400,
  'not-git-request': 403,
  'service-not-allowed': 403,
  'method-not-allowed': 405,
  'origin-not-allowed': 403,
  'host-header-not-allowed': 403,
  'host-not-allowed': 403,
  'port-not-allowed': 403,
  'address-not-allowed': 403,
  'request-timeout': 408,
  'request-too-large': 413,
  'response-too-large': 413,
  'dns-failed': 502,
  'upstream-unreachable': 502,
  'redirect-not-allowed': 502,
  'upstream-timeout': 504,
  'deadline-exceeded': 504,
  'proxy-busy': 503,
} as const satisfies Record<string, number>;

export type ProxyErrorCode = keyof typeof PROXY_ERROR_STATUS;

export interface ProxyRefusal {
  error: ProxyErrorCode;
  /** Technical detail for logs and the UI's "details" line. */
  message: string;
}

const USER_MESSAGES: Record<ProxyErrorCode, string> = {
  'bad-request': 'The proxy could not read the repository URL.',
  'not-git-request': 'The proxy only forwards git clone/fetch requests.',
  'service-not-allowed': 'The proxy only allows fetching (git-upload-pack); pushing is not supported.',
  'method-not-allowed': 'The proxy only forwards git fetch requests (GET info/refs and POST git-upload-pack).',
  'origin-not-allowed': 'This page is not allowed to use the proxy (it only serves the app it ships with).',
  'host-header-not-allowed': 'The proxy was reached under a name it does not serve.',
  'host-not-allowed': 'This git host is not on the proxy\'s allowlist.',
  'port-not-allowed': 'The proxy only connects to git hosts over HTTPS on the standard port.',
  'address-not-allowed': 'The git host resolves to a private, local or reserved network address, which the proxy refuses.',
  'request-timeout': 'The browser did not send its clone request in time.',
  'request-too-large': 'The clone request sent to the proxy is larger than it accepts.',
  'response-too-large': 'The repository is larger than the proxy\'s download limit; try a shallow clone (lower depth).',
  'dns-failed': 'The git host\'s name could not be found: check the address for a typo; if it is right, the proxy\'s machine has no working network or DNS.',
  'upstream-unreachable': 'The proxy could not connect to the git host.',
  'redirect-not-allowed': 'The git host redirected to another host, which the proxy does not follow.',
  'upstream-timeout': 'The git host did not answer in time.',
  'deadline-exceeded': 'The transfer took longer than the proxy allows for one request; try a shallow clone (lower depth).',
  'proxy-busy': 'The proxy is handling too many requests right now; try again in a few seconds.',
};

export function isProxyErrorCode(value: unknown): value is ProxyErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(PROXY_ERROR_STATUS, value);
}

export function proxyErrorStatus(code: ProxyErrorCode): number {
  return PROXY_ERROR_STATUS[code];
}

export function refusal(code: ProxyErrorCode, message: string): ProxyRefusal {
  return { error: code, message };
}

/** The marker put into mid-stream git error lines (see the module comment). */
export function midStreamMarker(code: ProxyErrorCode): string {
  return `[code2lora-proxy:${code}]`;
}

/** Reads a refusal from a response body (e.g. isomorphic-git's HttpError `data.response`); null if it is not one. */
export function parseProxyRefusal(body: string): ProxyRefusal | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const { error, message } = parsed as { error?: unknown; message?: unknown };
  if (!isProxyErrorCode(error)) return null;
  return { error, message: typeof message === 'string' ? message : '' };
}

/**
 * Finds a proxy refusal in whatever a failed clone left behind: a JSON refusal body, or an error message that
 * carries the mid-stream marker. Null when the failure did not come from the proxy.
 */
export function findProxyRefusal(text: string): ProxyRefusal | null {
  const fromBody = parseProxyRefusal(text);
  if (fromBody) return fromBody;
  const marker = /\[code2lora-proxy:([a-z-]+)\]\s*(.*)/.exec(text);
  if (marker && isProxyErrorCode(marker[1])) return { error: marker[1], message: (marker[2] ?? '').trim() };
  return null;
}

/** The sentence the UI shows for a refusal, with the technical detail after it. */
export function describeProxyRefusal(r: ProxyRefusal): string {
  const head = USER_MESSAGES[r.error];
  return r.message ? `${head} (${r.message})` : head;
}
