import { describe, expect, it } from 'vitest';
import { proxyOptions } from './config.ts';
import {
  checkRedirect,
  checkResolvedAddresses,
  clientResponseHeaders,
  isValidHostName,
  parseProxyRequest,
  targetUrl,
  upstreamRequestHeaders,
  type ProxyTarget,
} from './rules.ts';

const options = proxyOptions();
const testOptions = proxyOptions({ allowLoopback: true });
const REFS = '/info/refs?service=git-upload-pack';

function errorOf(method: string, url: string, opts = options): string | null {
  const r = parseProxyRequest(method, url, opts);
  return r.ok ? null : r.refusal.error;
}

describe('parseProxyRequest: request shape', () => {
  it('accepts the two git smart-HTTP fetch requests isomorphic-git makes', () => {
    const refs = parseProxyRequest('GET', `/cors/github.com/octo/hello.git${REFS}`, options);
    expect(refs).toEqual({
      ok: true,
      value: { scheme: 'https', host: 'github.com', port: 443, method: 'GET', kind: 'info-refs', path: `/octo/hello.git${REFS}` },
    });
    const pack = parseProxyRequest('POST', '/cors/gitlab.com/group/sub/project.git/git-upload-pack', options);
    expect(pack.ok && pack.value.kind).toBe('upload-pack');
    expect(pack.ok && targetUrl(pack.value)).toBe('https://gitlab.com/group/sub/project.git/git-upload-pack');
  });

  it('refuses push, other paths and other services', () => {
    expect(errorOf('GET', '/cors/github.com/o/r.git/info/refs?service=git-receive-pack')).toBe('service-not-allowed');
    expect(errorOf('POST', '/cors/github.com/o/r.git/git-receive-pack')).toBe('service-not-allowed');
    expect(errorOf('GET', '/cors/github.com/o/r.git/info/refs')).toBe('not-git-request');
    expect(errorOf('GET', '/cors/github.com/o/r.git/info/refs?service=git-upload-pack&x=1')).toBe('not-git-request');
    expect(errorOf('GET', '/cors/github.com/o/r/raw/main/secret.txt')).toBe('not-git-request');
    expect(errorOf('GET', '/cors/github.com/o/r.git/HEAD')).toBe('not-git-request');
    expect(errorOf('POST', '/cors/github.com/o/r.git/git-upload-pack?x=1')).toBe('not-git-request');
    expect(errorOf('GET', `/cors/github.com${REFS}`)).toBe('not-git-request');
  });

  it('refuses the wrong method for each request', () => {
    expect(errorOf('POST', `/cors/github.com/o/r.git${REFS}`)).toBe('method-not-allowed');
    expect(errorOf('GET', '/cors/github.com/o/r.git/git-upload-pack')).toBe('method-not-allowed');
    expect(errorOf('PUT', '/cors/github.com/o/r.git/git-upload-pack')).toBe('method-not-allowed');
    expect(errorOf('DELETE', `/cors/github.com/o/r.git${REFS}`)).toBe('method-not-allowed');
  });

  it('refuses path tricks', () => {
    for (const path of ['/o/../r.git', '/o/%2e%2e/r.git', '/o/./r.git', '/o%2fr.git', '/o//r.git', '/o/%5cr.git', '/o/r%00.git', '/o/r%zz.git', '/o/r .git']) {
      expect(errorOf('GET', `/cors/github.com${path}${REFS}`), path).toBe('bad-request');
    }
    expect(errorOf('GET', `/cors/github.com/${'a'.repeat(3000)}${REFS}`)).toBe('bad-request');
    expect(errorOf('GET', `/other/github.com/o/r.git${REFS}`)).toBe('bad-request');
    expect(errorOf('GET', `/cors/github.com?x/o/r.git${REFS}`)).toBe('bad-request');
    expect(errorOf('GET', `/cors//o/r.git${REFS}`)).toBe('bad-request');
  });
});

describe('parseProxyRequest: hosts and ports', () => {
  it('allows only allowlisted hosts, compared case-insensitively and without a trailing dot', () => {
    expect(errorOf('GET', `/cors/GitHub.COM./o/r.git${REFS}`)).toBeNull();
    expect(errorOf('GET', `/cors/codeberg.org/o/r.git${REFS}`)).toBeNull();
    expect(errorOf('GET', `/cors/bitbucket.org/o/r.git${REFS}`)).toBeNull();
    expect(errorOf('GET', `/cors/example.org/o/r.git${REFS}`)).toBe('host-not-allowed');
    expect(errorOf('GET', `/cors/evil.github.com/o/r.git${REFS}`)).toBe('host-not-allowed');
    expect(errorOf('GET', `/cors/github.com.evil.org/o/r.git${REFS}`)).toBe('host-not-allowed');
    expect(errorOf('GET', `/cors/user@github.com/o/r.git${REFS}`)).toBe('bad-request');
  });

  it('uses https on 443 only, for every allowlisted host', () => {
    expect(errorOf('GET', `/cors/github.com:443/o/r.git${REFS}`)).toBeNull();
    expect(errorOf('GET', `/cors/github.com:22/o/r.git${REFS}`)).toBe('port-not-allowed');
    expect(errorOf('GET', `/cors/github.com:0/o/r.git${REFS}`)).toBe('bad-request');
    expect(errorOf('GET', `/cors/github.com:99999/o/r.git${REFS}`)).toBe('bad-request');
    expect(errorOf('GET', `/cors/github.com:x/o/r.git${REFS}`)).toBe('bad-request');
  });

  it('refuses loopback and IP hosts unless allowlisted or under the test switch', () => {
    expect(errorOf('GET', `/cors/127.0.0.1:8080/o/r.git${REFS}`)).toBe('host-not-allowed');
    expect(errorOf('GET', `/cors/localhost/o/r.git${REFS}`)).toBe('host-not-allowed');
    expect(errorOf('GET', `/cors/[::1]:8080/o/r.git${REFS}`)).toBe('host-not-allowed');
    expect(errorOf('GET', `/cors/127.1/o/r.git${REFS}`)).toBe('bad-request');
    expect(errorOf('GET', `/cors/2130706433/o/r.git${REFS}`)).toBe('bad-request');
    expect(errorOf('GET', `/cors/0x7f.0.0.1/o/r.git${REFS}`)).toBe('bad-request');
    expect(errorOf('GET', `/cors/::1/o/r.git${REFS}`)).toBe('bad-request');
  });

  it('test switch: loopback hosts over http on any port, nothing else widened', () => {
    const r = parseProxyRequest('GET', `/cors/127.0.0.1:8080/o/r.git${REFS}`, testOptions);
    expect(r.ok && r.value).toMatchObject({ scheme: 'http', host: '127.0.0.1', port: 8080 });
    const v6 = parseProxyRequest('GET', `/cors/[::1]:9/o/r.git${REFS}`, testOptions);
    expect(v6.ok && targetUrl(v6.value)).toBe(`http://[::1]:9/o/r.git${REFS}`);
    expect(errorOf('GET', `/cors/10.0.0.1/o/r.git${REFS}`, testOptions)).toBe('host-not-allowed');
    expect(errorOf('GET', `/cors/github.com:80/o/r.git${REFS}`, testOptions)).toBe('port-not-allowed');
  });

  it('honours a configured allowlist', () => {
    const custom = proxyOptions({ allowedHosts: ['git.example.org', '10.9.8.7'] });
    expect(errorOf('GET', `/cors/git.example.org/o/r.git${REFS}`, custom)).toBeNull();
    expect(errorOf('GET', `/cors/10.9.8.7/o/r.git${REFS}`, custom)).toBeNull(); // the address check refuses it later
    expect(errorOf('GET', `/cors/github.com/o/r.git${REFS}`, custom)).toBe('host-not-allowed');
  });
});

describe('isValidHostName', () => {
  it('accepts DNS names and canonical IPs, refuses numeric look-alikes', () => {
    expect(isValidHostName('git.example-host.org')).toBe(true);
    expect(isValidHostName('10.0.0.1')).toBe(true);
    expect(isValidHostName('::1')).toBe(true);
    for (const bad of ['', '-a.org', 'a-.org', 'a..org', 'a_b.org', '1.2.3', '0x7f', 'a.0x10', `${'a'.repeat(64)}.org`]) {
      expect(isValidHostName(bad), bad).toBe(false);
    }
  });
});

describe('checkResolvedAddresses', () => {
  it('needs every address to be public', () => {
    expect(checkResolvedAddresses('h', ['140.82.121.3', '2606:50c0:8000::154'], options)).toBeNull();
    expect(checkResolvedAddresses('h', ['140.82.121.3', '10.0.0.1'], options)?.error).toBe('address-not-allowed');
    expect(checkResolvedAddresses('h', ['::ffff:192.168.1.1'], options)?.error).toBe('address-not-allowed');
    expect(checkResolvedAddresses('h', ['fe80::1'], options)?.error).toBe('address-not-allowed');
    expect(checkResolvedAddresses('h', ['100.100.100.100'], options)?.error).toBe('address-not-allowed');
    expect(checkResolvedAddresses('h', ['127.0.0.1'], options)?.message).toContain('loopback');
    expect(checkResolvedAddresses('h', [], options)?.error).toBe('dns-failed');
  });
  it('lets loopback through only under the test switch', () => {
    expect(checkResolvedAddresses('h', ['127.0.0.1', '::1'], testOptions)).toBeNull();
    expect(checkResolvedAddresses('h', ['127.0.0.1', '192.168.0.2'], testOptions)?.error).toBe('address-not-allowed');
  });
});

describe('checkRedirect', () => {
  const from: ProxyTarget = { scheme: 'https', host: 'github.com', port: 443, method: 'GET', kind: 'info-refs', path: `/old/r.git${REFS}` };
  it('follows the same host to the same kind of git request', () => {
    const r = checkRedirect(from, `https://github.com/new/r.git${REFS}`);
    expect(r.ok && r.value.path).toBe(`/new/r.git${REFS}`);
    const relative = checkRedirect(from, `/new/r.git${REFS}`);
    expect(relative.ok && relative.value.host).toBe('github.com');
  });
  it('refuses other hosts, schemes, ports and non-git paths', () => {
    for (const location of [
      `https://evil.org/new/r.git${REFS}`,
      `http://github.com/new/r.git${REFS}`,
      `https://github.com:8443/new/r.git${REFS}`,
      'https://github.com/login',
      '/new/r.git/git-upload-pack',
    ]) {
      const r = checkRedirect(from, location);
      expect(r.ok ? null : r.refusal.error, location).toBe('redirect-not-allowed');
    }
  });
});

describe('header filters', () => {
  it('forwards only git headers upstream, never cookies or credentials', () => {
    const out = upstreamRequestHeaders({
      'content-type': 'application/x-git-upload-pack-request',
      accept: 'application/x-git-upload-pack-result',
      'git-protocol': 'version=2',
      'user-agent': 'Mozilla/5.0',
      cookie: 'session=1',
      authorization: 'Basic eDp5',
      'x-forwarded-for': '1.2.3.4',
      host: 'localhost:5173',
      origin: 'http://localhost:5173',
    });
    expect(out).toEqual({
      'content-type': 'application/x-git-upload-pack-request',
      accept: 'application/x-git-upload-pack-result',
      'git-protocol': 'version=2',
      'user-agent': 'git/code2lora-proxy',
    });
    expect(upstreamRequestHeaders({ 'user-agent': 'git/isomorphic-git@1.0' })['user-agent']).toBe('git/isomorphic-git@1.0');
    expect(upstreamRequestHeaders({ 'git-protocol': 'version=2\r\nx: y' })['git-protocol']).toBeUndefined();
  });
  it('serves only git content types as such, anything else as inert text', () => {
    expect(clientResponseHeaders({ 'content-type': 'application/x-git-upload-pack-advertisement', 'set-cookie': ['a=b'] })).toEqual({
      'content-type': 'application/x-git-upload-pack-advertisement',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; sandbox",
    });
    expect(clientResponseHeaders({ 'content-type': 'text/html' })['content-type']).toBe('text/plain; charset=utf-8');
  });
});
