import { describe, expect, it } from 'vitest';
import { refusal, type ProxyErrorCode } from '../proxy/errors.ts';
import { errorFromProxyRefusal } from './errors.ts';

describe("the proxy's refusals as git errors", () => {
  const codeOf = (code: ProxyErrorCode): string => errorFromProxyRefusal(refusal(code, 'detail')).code;

  it('calls a busy proxy and an overrun deadline network trouble (try again), not a refusal', () => {
    expect(codeOf('proxy-busy')).toBe('network');
    expect(codeOf('deadline-exceeded')).toBe('network');
  });

  it('keeps limits as too-large and rules as proxy-refused', () => {
    expect(codeOf('response-too-large')).toBe('too-large');
    expect(codeOf('origin-not-allowed')).toBe('proxy-refused');
    expect(codeOf('host-header-not-allowed')).toBe('proxy-refused');
  });
});
