import { describe, expect, it } from 'vitest';
import { proxyOptions } from './config.ts';
import { checkHostHeader, decideCaller, type CallerHeaders } from './origin.ts';

const withOrigin = proxyOptions({ allowedOrigins: ['http://localhost:5173/'] });

function decision(caller: Partial<CallerHeaders>, options = withOrigin): string {
  const d = decideCaller({ method: 'GET', host: 'localhost:8787', origin: undefined, secFetchSite: undefined, ...caller }, options);
  if (!d.ok) return 'refused';
  return d.value.corsOrigin === null ? 'no-cors' : `cors:${d.value.corsOrigin}`;
}

describe('decideCaller with an Origin header', () => {
  it('allows configured origins and same-origin requests, refuses others', () => {
    expect(decision({ origin: 'http://localhost:5173' })).toBe('cors:http://localhost:5173');
    expect(decision({ origin: 'http://localhost:8787' })).toBe('cors:http://localhost:8787');
    expect(decision({ origin: 'http://localhost:5173', method: 'POST' })).toBe('cors:http://localhost:5173');
    expect(decision({ origin: 'http://evil.org' })).toBe('refused');
    expect(decision({ origin: 'http://localhost:5174' })).toBe('refused');
    expect(decision({ origin: 'null' })).toBe('refused');
  });
  it('refuses same-origin matches when that is switched off', () => {
    const strict = proxyOptions({ allowSameOrigin: false });
    expect(decision({ origin: 'http://localhost:8787' }, strict)).toBe('refused');
  });
});

describe('decideCaller without an Origin header', () => {
  it('refuses every POST: browsers always send Origin on one', () => {
    expect(decision({ method: 'POST' })).toBe('refused');
    expect(decision({ method: 'POST', secFetchSite: 'same-origin' })).toBe('refused');
    expect(decision({ method: 'OPTIONS' })).toBe('refused');
  });
  it("allows the app's same-origin GET (browsers send no Origin on it) and non-browser GETs", () => {
    expect(decision({ secFetchSite: 'same-origin' })).toBe('no-cors');
    expect(decision({})).toBe('no-cors');
  });
  it("refuses GETs another site's page makes a browser send, and any where the app is not same-origin", () => {
    expect(decision({ secFetchSite: 'cross-site' })).toBe('refused');
    expect(decision({ secFetchSite: 'same-site' })).toBe('refused');
    expect(decision({ secFetchSite: 'none' })).toBe('refused');
    expect(decision({ secFetchSite: 'same-origin' }, proxyOptions({ allowSameOrigin: false }))).toBe('refused');
  });
});

describe('checkHostHeader', () => {
  const named = proxyOptions({ allowedHostHeaders: ['127.0.0.1:8787', 'Localhost:8787'] });
  it('accepts only the names the server answers to', () => {
    expect(checkHostHeader('127.0.0.1:8787', named)).toBeNull();
    expect(checkHostHeader('LOCALHOST:8787', named)).toBeNull();
    expect(checkHostHeader('attacker.example:8787', named)?.error).toBe('host-header-not-allowed');
    expect(checkHostHeader('127.0.0.1:8788', named)?.error).toBe('host-header-not-allowed');
    expect(checkHostHeader(undefined, named)?.error).toBe('host-header-not-allowed');
  });
  it('leaves the check to the server in front when not configured (Vite checks Host itself)', () => {
    expect(checkHostHeader('anything.example', proxyOptions())).toBeNull();
  });
});
