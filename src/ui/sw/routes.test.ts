import { describe, expect, it } from 'vitest';
import { NOT_INTERCEPTED } from './routes.ts';

const leftToNetwork = (path: string): boolean => NOT_INTERCEPTED.some((re) => re.test(path));

describe('paths the service worker leaves alone', () => {
  it('covers the CORS proxy and nothing else', () => {
    expect(leftToNetwork('/cors/github.com/owner/repo.git/info/refs')).toBe(true);
    expect(leftToNetwork('/cors')).toBe(true);
    expect(leftToNetwork('/corsage')).toBe(false);
    expect(leftToNetwork('/')).toBe(false);
    expect(leftToNetwork('/index.html')).toBe(false);
    expect(leftToNetwork('/assets/cors/x.js')).toBe(false);
  });
});
