/**
 * Who may call the proxy, as pure functions: the name it was reached under (Host) and the caller's origin
 * (Origin, and Sec-Fetch-Site when a GET comes without Origin).
 */
import type { ProxyOptions } from './config.ts';
import { refusal, type ProxyRefusal } from './errors.ts';
import type { Checked } from './rules.ts';

/** The request headers the origin rules read (lower-cased names, as Node gives them). */
export interface CallerHeaders {
  method: string;
  host: string | undefined;
  origin: string | undefined;
  secFetchSite: string | undefined;
}

/**
 * The Host header must be a name this server answers to (ProxyOptions.allowedHostHeaders). Otherwise any page
 * could reach it under its own name (DNS rebinding, or a forged Host from a non-browser client) and then match
 * "same origin" below.
 */
export function checkHostHeader(host: string | undefined, options: ProxyOptions): ProxyRefusal | null {
  if (options.allowedHostHeaders === null) return null;
  const h = (host ?? '').toLowerCase();
  if (options.allowedHostHeaders.includes(h)) return null;
  return refusal('host-header-not-allowed', `Host "${host ?? ''}" is not a name of this proxy (${options.allowedHostHeaders.join(', ')})`);
}

function isSameOrigin(origin: string, host: string | undefined): boolean {
  if (!host) return false;
  const h = host.toLowerCase();
  return origin === `http://${h}` || origin === `https://${h}`;
}

/**
 * Decides whether a caller may use the proxy; the value is the origin to answer with CORS headers, or null for a
 * same-origin caller that needs none.
 *
 * No Origin header:
 * - anything but GET is refused. Browsers send Origin on every POST, same-origin ones included (Fetch standard,
 *   "append a request Origin header"), so an Origin-less upload-pack POST is a non-browser client using the
 *   proxy as an open relay for pack downloads.
 * - a GET is allowed only where the app is same-origin with the proxy (allowSameOrigin: the dev/preview servers,
 *   or the command behind the app's own name), and only when Sec-Fetch-Site is absent or "same-origin". The app
 *   itself needs this: isomorphic-git's `GET info/refs` from the app's worker is a same-origin fetch, and
 *   browsers send no Origin on a same-origin GET (only cross-origin GETs carry one). Another site
 *   cannot use it through a visitor's browser (its `<img>`/`<script>`/navigation GETs say Sec-Fetch-Site
 *   cross-site or same-site), and what a GET can fetch is only the public ref list of an allowlisted host; the
 *   pack download is a POST. Browsers too old to send Sec-Fetch-Site get opaque answers they cannot read.
 */
export function decideCaller(caller: CallerHeaders, options: ProxyOptions): Checked<{ corsOrigin: string | null }> {
  if (caller.origin === undefined) {
    if (caller.method !== 'GET') {
      return { ok: false, refusal: refusal('origin-not-allowed', `${caller.method} without an Origin header (only the app's browser requests are forwarded)`) };
    }
    const site = caller.secFetchSite?.toLowerCase();
    if (options.allowSameOrigin && (site === undefined || site === 'same-origin')) return { ok: true, value: { corsOrigin: null } };
    return { ok: false, refusal: refusal('origin-not-allowed', `GET without an Origin header from ${site ?? 'a client'} (Sec-Fetch-Site)`) };
  }
  const o = caller.origin.toLowerCase().replace(/\/+$/, '');
  if (options.allowedOrigins.includes(o)) return { ok: true, value: { corsOrigin: caller.origin } };
  if (options.allowSameOrigin && isSameOrigin(o, caller.host)) return { ok: true, value: { corsOrigin: caller.origin } };
  return { ok: false, refusal: refusal('origin-not-allowed', `origin ${caller.origin} may not use this proxy`) };
}
