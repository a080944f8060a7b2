import type { UserError } from './errors.ts';

const OFFLINE =
  'This browser is offline: reconnect and try again. Meanwhile the demo repository, local folders and zips, and the ' +
  'repositories kept in this browser still open.';

const UNREACHABLE =
  'The app could not reach its CORS proxy: check the network connection, or the proxy address in Settings.';

const NO_SUCH_HOST =
  'The git host\'s name could not be found: check the address for a typo; if it is right, the machine running the ' +
  'proxy has no working network or DNS.';

/**
 * A network failure in words a user can act on. The browser's own text ("Failed to fetch") and the resolver's
 * ("getaddrinfo ENOTFOUND github.com") say nothing about what to do; the raw text stays after the sentence, in
 * parentheses, for a bug report. Other errors pass through unchanged.
 */
export function explainNetworkError(error: UserError, online: boolean): UserError {
  if (error.code !== 'network' && error.code !== 'unknown') return error;
  const raw = error.message;
  if (!online && error.code === 'network') return { code: 'offline', message: `${OFFLINE} (${raw})` };
  // The proxy's own refusal already says this; the resolver's bare text (a direct clone in Node) does not.
  if (/ENOTFOUND|EAI_AGAIN/.test(raw) && !raw.includes('could not be found')) return { code: 'network', message: `${NO_SUCH_HOST} (${raw})` };
  if (error.code === 'network' && /Failed to fetch|NetworkError|Load failed/i.test(raw)) {
    return { code: 'network', message: `${UNREACHABLE} (${raw})` };
  }
  return error;
}
