import { describe, expect, it } from 'vitest';
import { describeProxyRefusal, findProxyRefusal, midStreamMarker, parseProxyRefusal, proxyErrorStatus, refusal } from './errors.ts';

describe('proxy refusals for the UI', () => {
  it('parses a refusal body and ignores other bodies', () => {
    expect(parseProxyRefusal('{"error":"host-not-allowed","message":"evil.org"}')).toEqual({ error: 'host-not-allowed', message: 'evil.org' });
    expect(parseProxyRefusal('{"error":"made-up","message":"x"}')).toBeNull();
    expect(parseProxyRefusal('Repository not found')).toBeNull();
    expect(parseProxyRefusal('null')).toBeNull();
  });
  it('finds a mid-stream refusal inside a git error message', () => {
    const message = `${midStreamMarker('response-too-large')} response passed the proxy's limit of 200.0 MB`;
    expect(findProxyRefusal(`Error: ${message}`)).toEqual({ error: 'response-too-large', message: "response passed the proxy's limit of 200.0 MB" });
    expect(findProxyRefusal('HTTP Error: 404 Not Found')).toBeNull();
  });
  it('gives each code a status and a user sentence', () => {
    expect(proxyErrorStatus('address-not-allowed')).toBe(403);
    expect(proxyErrorStatus('response-too-large')).toBe(413);
    expect(proxyErrorStatus('upstream-timeout')).toBe(504);
    expect(proxyErrorStatus('dns-failed')).toBe(502);
    expect(describeProxyRefusal(refusal('address-not-allowed', 'h resolves to 10.0.0.1 (private)'))).toMatch(
      /private, local or reserved network address.*10\.0\.0\.1/,
    );
  });
});
