/**
 * What the user typed, as quoted back in an error message: at most `max` characters, then an ellipsis and the full
 * length. A 10,000-character paste echoed whole made an error line tens of thousands of pixels wide.
 */
export function quoteInput(text: string, max = 80): string {
  const chars = Array.from(text); // by code point, so a cut never splits a surrogate pair
  if (chars.length <= max) return `"${text}"`;
  return `"${chars.slice(0, max).join('')}…" (${chars.length} characters)`;
}
