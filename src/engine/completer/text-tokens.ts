/** Tokenising for the completer, as models/static/tokens.py does it. */
import type { CodeTokenizer } from '../../core/tokenizer/code-tokenizer.ts';
import { codePointLength, leadingCodePoints } from './python-strings.ts';

/**
 * The first `count` token ids of `text`, tokenising only as much of it as needed (TokenCache.leading): a cut
 * inside a word changes only that word's tokens, so a margin of 16 tokens past the count is kept.
 */
export function leadingTokens(tokenizer: CodeTokenizer, text: string, count: number): number[] {
  const length = codePointLength(text);
  let chars = Math.max(256, count * 6);
  for (;;) {
    const ids = tokenizer.encode(leadingCodePoints(text, chars));
    if (chars >= length || ids.length > count + 16) return ids.slice(0, count);
    chars *= 2;
  }
}
