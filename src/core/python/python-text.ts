/**
 * Python's notion of whitespace, for rules that the Python side states with str.strip() / str.split():
 * the code points for which str.isspace() is true (JavaScript's \s and trim() use a different set).
 */

const PYTHON_WHITESPACE = new Set(
  Array.from(
    '\t\n\u000b\u000c\r\u001c\u001d\u001e\u001f \u0085\u00a0\u1680' +
      '\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000',
  ),
);

export function isPythonWhitespace(character: string): boolean {
  return PYTHON_WHITESPACE.has(character);
}

/** str.strip() */
export function pythonStrip(text: string): string {
  let start = 0;
  let end = text.length;
  // Every Python whitespace character is in the Basic Multilingual Plane: one UTF-16 unit each.
  while (start < end && PYTHON_WHITESPACE.has(text[start] as string)) start++;
  while (end > start && PYTHON_WHITESPACE.has(text[end - 1] as string)) end--;
  return text.slice(start, end);
}

/** " ".join(text.split()) */
export function pythonCollapseWhitespace(text: string): string {
  const words: string[] = [];
  let word = '';
  for (const character of text) {
    if (PYTHON_WHITESPACE.has(character)) {
      if (word) words.push(word);
      word = '';
    } else {
      word += character;
    }
  }
  if (word) words.push(word);
  return words.join(' ');
}

const encoder = new TextEncoder();

/** Length in UTF-8 bytes (Python's byte columns and offsets). */
export function utf8Length(text: string): number {
  return encoder.encode(text).length;
}
