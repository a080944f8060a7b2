import { describe, expect, it } from 'vitest';
import { DEFAULT_ALLOWED_HOSTS, proxyOptionsFromEnv } from './config.ts';

describe('proxyOptionsFromEnv', () => {
  it('keeps the defaults without environment', () => {
    const o = proxyOptionsFromEnv({});
    expect(o.allowedHosts).toEqual(DEFAULT_ALLOWED_HOSTS);
    expect(o.allowLoopback).toBe(false);
    expect(o.maxResponseBytes).toBe(200 * 1024 * 1024);
  });
  it('adds hosts and origins, replaces defaults, sets the test switch and caps', () => {
    const o = proxyOptionsFromEnv({
      CODE2LORA_PROXY_ALLOW_HOSTS: 'Git.Example.org., 10.1.2.3',
      CODE2LORA_PROXY_DEFAULT_HOSTS: '0',
      CODE2LORA_PROXY_ORIGINS: 'http://localhost:4173/',
      CODE2LORA_PROXY_ALLOW_LOOPBACK: '1',
      CODE2LORA_PROXY_MAX_RESPONSE_BYTES: '1000',
    });
    expect(o.allowedHosts).toEqual(['git.example.org', '10.1.2.3']);
    expect(o.allowedOrigins).toEqual(['http://localhost:4173']);
    expect(o.allowLoopback).toBe(true);
    expect(o.maxResponseBytes).toBe(1000);
  });
  it('keeps the load limits and the deadline bounded by default, and reads the deadline and concurrency', () => {
    const o = proxyOptionsFromEnv({});
    expect(o.requestDeadlineMs).toBe(300_000);
    expect(o.maxConcurrentRequests).toBe(64);
    expect(o.maxBufferedRequestBytes).toBe(64 * 1024 * 1024);
    expect(o.allowedHostHeaders).toBeNull(); // the Vite servers check Host themselves
    const set = proxyOptionsFromEnv({ CODE2LORA_PROXY_REQUEST_DEADLINE_MS: '120000', CODE2LORA_PROXY_MAX_CONCURRENT_REQUESTS: '8' });
    expect(set.requestDeadlineMs).toBe(120_000);
    expect(set.maxConcurrentRequests).toBe(8);
  });
  it('rejects a malformed cap', () => {
    expect(() => proxyOptionsFromEnv({ CODE2LORA_PROXY_MAX_RESPONSE_BYTES: '10MB' })).toThrow(/positive integer/);
  });
});
