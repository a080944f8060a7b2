import { describe, expect, it } from 'vitest';
import { explainNetworkError } from './networkHelp.ts';

describe('explainNetworkError', () => {
  it('says the browser is offline when it is', () => {
    const e = explainNetworkError({ code: 'network', message: 'Network failure: Failed to fetch' }, false);
    expect(e.code).toBe('offline');
    expect(e.message).toMatch(/^This browser is offline: reconnect/);
    expect(e.message).toContain('(Network failure: Failed to fetch)');
  });

  it('says what to check when the host name does not resolve', () => {
    const e = explainNetworkError({ code: 'network', message: 'The server failed (github.com: getaddrinfo ENOTFOUND github.com)' }, true);
    expect(e.message).toMatch(/^The git host's name could not be found: check the address/);
    // The proxy's refusal already says it: not said twice.
    const proxied = { code: 'network', message: 'The git host\'s name could not be found: check the address. (github.com: getaddrinfo ENOTFOUND github.com)' };
    expect(explainNetworkError(proxied, true)).toBe(proxied);
    const unknown = explainNetworkError({ code: 'unknown', message: 'getaddrinfo ENOTFOUND github.com' }, true);
    expect(unknown.message).toMatch(/check the address for a typo/);
  });

  it('points at the proxy when fetch fails while online', () => {
    const e = explainNetworkError({ code: 'network', message: 'Network failure: Failed to fetch' }, true);
    expect(e.message).toMatch(/^The app could not reach its CORS proxy/);
  });

  it('leaves other errors alone', () => {
    const e = { code: 'too-large', message: 'The repository is larger than the size limit.' };
    expect(explainNetworkError(e, false)).toBe(e);
    const server = { code: 'network', message: 'The server failed (HTTP 502 Bad Gateway).' };
    expect(explainNetworkError(server, true)).toBe(server);
  });
});
