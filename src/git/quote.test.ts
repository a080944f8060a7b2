import { describe, expect, it } from 'vitest';
import { quoteInput } from './quote.ts';
import { normaliseGitUrl } from './url.ts';

describe('quoteInput', () => {
  it('quotes short input whole', () => {
    expect(quoteInput('hello world')).toBe('"hello world"');
  });

  it('cuts long input and says how long it was', () => {
    const quoted = quoteInput('x'.repeat(10_000));
    expect(quoted.length).toBeLessThan(120);
    expect(quoted).toContain('(10000 characters)');
  });

  it('never splits a surrogate pair', () => {
    const quoted = quoteInput('😀'.repeat(100), 3);
    expect(quoted).toBe('"😀😀😀…" (100 characters)');
  });

  it('keeps the bad-url message of a 10,000-character URL short', () => {
    let message = '';
    try {
      normaliseGitUrl(`https://github.com/${'a'.repeat(10_000)}`);
    } catch (e) {
      message = (e as Error).message;
    }
    // The URL parses but has no owner/repository pair, so it is refused; its echo must stay short.
    expect(message).toMatch(/Not a repository URL/);
    expect(message.length).toBeLessThan(200);
  });
});
