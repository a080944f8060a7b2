/**
 * Where a completion's expression ends before its line does: the stop rules beyond the paper's newline. The twin of
 * models/static/expression_end.py (its docstring has the rules and why); the golden file
 * models/static/golden/expression_end.jsonl pins both. Positions count code points, as Python strings do.
 *
 * 1. Closed call: the completion closes, outside strings and comments, the last bracket still open at the cursor,
 *    or a bracket no one opened.
 * 2. Runaway repetition: the tail repeats a unit of 2..12 characters (not all one character) at least 4 times over
 *    at least 40 characters.
 */

const CLOSER_TO_OPENER: Readonly<Record<string, string>> = { ')': '(', ']': '[', '}': '{' };
const OPENERS = new Set(Object.values(CLOSER_TO_OPENER));
export const MIN_SPAN = 40;
export const MIN_REPEATS = 4;
export const MAX_UNIT = 12;

function startsWithAt(chars: readonly string[], text: string, i: number): boolean {
  for (let k = 0; k < text.length; k++) if (chars[i + k] !== text[k]) return false;
  return true;
}

/** Brackets and strings of one line of Python, character by character. */
class Scanner {
  /** One entry per open bracket: was it opened before the cursor? */
  readonly stack: boolean[] = [];
  quote = '';
  escaped = false;
  comment = false;

  /** Consumes chars[i..]; returns the next index and whether a rule-1 close happened at the consumed character. */
  feed(chars: readonly string[], i: number, beforeCursor: boolean): [number, boolean] {
    const ch = chars[i] as string;
    if (this.comment) return [i + 1, false];
    if (this.quote) {
      if (this.escaped) this.escaped = false;
      else if (ch === '\\') this.escaped = true;
      else if (startsWithAt(chars, this.quote, i)) {
        const end = i + this.quote.length;
        this.quote = '';
        return [end, false];
      }
      return [i + 1, false];
    }
    if (ch === '#') {
      this.comment = true;
      return [i + 1, false];
    }
    if (ch === "'" || ch === '"') {
      this.quote = startsWithAt(chars, ch.repeat(3), i) ? ch.repeat(3) : ch;
      return [i + this.quote.length, false];
    }
    if (OPENERS.has(ch)) {
      this.stack.push(beforeCursor);
      return [i + 1, false];
    }
    if (ch in CLOSER_TO_OPENER) {
      if (this.stack.length === 0) return [i + 1, !beforeCursor];
      const openedBefore = this.stack.pop() as boolean;
      return [i + 1, !beforeCursor && openedBefore && this.stack.length === 0];
    }
    return [i + 1, false];
  }
}

/** Whether chars[0, end) ends in a unit of 2..MAX_UNIT characters (not all one) repeated as the rule says. */
export function repeatsAtTail(chars: readonly string[], end: number): boolean {
  for (let unit = 2; unit <= MAX_UNIT; unit++) {
    const span = unit * Math.max(MIN_REPEATS, Math.ceil(MIN_SPAN / unit));
    if (span > end) continue;
    const start = end - span;
    const pattern = chars.slice(end - unit, end);
    if (new Set(pattern).size < 2) continue;
    let periodic = true;
    for (let k = 0; k < span && periodic; k++) periodic = chars[start + k] === pattern[k % unit];
    if (periodic) return true;
  }
  return false;
}

/** How many code points of `completion` to keep, or null when no rule fires within its first line. */
export function expressionEnd(cutLine: string, completion: string): number | null {
  const scanner = new Scanner();
  const cut = Array.from(cutLine);
  for (let i = 0; i < cut.length; ) [i] = scanner.feed(cut, i, true);
  scanner.comment = false; // a cursor inside a comment is not what the rules are for: read on as code
  const chars = Array.from(completion);
  const newline = chars.indexOf('\n');
  const limit = newline < 0 ? chars.length : newline;
  for (let i = 0; i < limit; ) {
    const [consumed, closed] = scanner.feed(chars, i, false);
    const next = Math.min(consumed, limit);
    if (closed) return next;
    for (let end = i + 1; end <= next; end++) if (repeatsAtTail(chars, end)) return end;
    i = next;
  }
  return null;
}

/** The completion up to where its expression ends (unchanged when no rule fires). */
export function cutAtExpressionEnd(cutLine: string, completion: string): string {
  const end = expressionEnd(cutLine, completion);
  return end === null ? completion : Array.from(completion).slice(0, end).join('');
}

/** The prefix's last line: what the cursor's line holds before the completion. */
export function cursorLine(prefix: string): string {
  return prefix.slice(prefix.lastIndexOf('\n') + 1);
}
