"""Where a completion's expression ends before its line does: the stop rules beyond the paper's newline.

Decoding already stops at a newline or the end of text. Two more rules end it early, read on the completion's text
(so they do not depend on the tokenizer), with `src/core/python/expression-end.ts` as the TypeScript twin and the
shared golden file `models/static/golden/expression_end.jsonl` pinning both:

1. **Closed call.** The completion closes, outside strings and comments, the last bracket that was still open at
   the cursor (`self.assertEqual(x, ` + `5)`), or a bracket no one opened: the statement is over, and what a model
   writes after it on the line is not part of the assertion.
2. **Runaway repetition.** The completion's tail repeats a unit of 2 to 12 characters, with at least two different
   characters, at least 4 times over at least 40 characters (`1.0.0.0.0.0.0.0.0.0.0.0.0`,
   `np.array(np.array(np.array(`). A unit of one character (`"----"`) is left alone: such literals are real.

The end is the first position where a rule holds; the completion is cut there (the closing bracket kept). Because
the rules read only the text up to that position, cutting a whole first line afterwards gives the same text as
stopping the decoder as soon as a rule holds, so predictions decoded without the rules can be scored with them.
Positions count code points, as Python strings do (the TypeScript side iterates code points).
"""

from __future__ import annotations

from dataclasses import dataclass, field

CLOSERS = {")": "(", "]": "[", "}": "{"}
OPENERS = set(CLOSERS.values())
MIN_SPAN = 40
MIN_REPEATS = 4
MAX_UNIT = 12


@dataclass
class _Scanner:
    """Brackets and strings of one line of Python, character by character."""
    stack: list[bool] = field(default_factory=list)  # one entry per open bracket: opened before the cursor?
    quote: str = ""           # the open string's delimiter (' " ''' or \"\"\"), "" outside strings
    escaped: bool = False
    comment: bool = False

    def feed(self, text: str, i: int, before_cursor: bool) -> tuple[int, bool]:
        """Consume text[i:] up to the next thing that matters; returns (next index, whether a rule-1 close
        happened at the character just consumed)."""
        ch = text[i]
        if self.comment:
            return i + 1, False
        if self.quote:
            if self.escaped:
                self.escaped = False
            elif ch == "\\":
                self.escaped = True
            elif text.startswith(self.quote, i):
                end = i + len(self.quote)
                self.quote = ""
                return end, False
            return i + 1, False
        if ch == "#":
            self.comment = True
            return i + 1, False
        if ch in "'\"":
            self.quote = ch * 3 if text.startswith(ch * 3, i) else ch
            return i + len(self.quote), False
        if ch in OPENERS:
            self.stack.append(before_cursor)
            return i + 1, False
        if ch in CLOSERS:
            if not self.stack:
                return i + 1, not before_cursor
            opened_before = self.stack.pop()
            return i + 1, (not before_cursor) and opened_before and not self.stack
        return i + 1, False


def repeats_at_tail(text: str, end: int) -> bool:
    """Whether text[:end] ends in a unit of 2..MAX_UNIT characters (not all one character) repeated at least
    MIN_REPEATS times over at least MIN_SPAN characters."""
    for unit in range(2, MAX_UNIT + 1):
        copies = max(MIN_REPEATS, -(-MIN_SPAN // unit))
        span = unit * copies
        if span > end:
            continue
        start = end - span
        pattern = text[end - unit:end]
        if len(set(pattern)) < 2:
            continue
        if all(text[start + k] == pattern[k % unit] for k in range(span)):
            return True
    return False


def expression_end(cut_line: str, completion: str) -> int | None:
    """The number of code points of `completion` to keep, or None when no rule fires within its first line."""
    scanner = _Scanner()
    i = 0
    while i < len(cut_line):
        i, _ = scanner.feed(cut_line, i, before_cursor=True)
    scanner.comment = False  # a cursor inside a comment is not a case the rules are for: read on as code
    line_end = completion.find("\n")
    limit = len(completion) if line_end < 0 else line_end
    i = 0
    while i < limit:
        nxt, closed = scanner.feed(completion, i, before_cursor=False)
        nxt = min(nxt, limit)
        if closed:
            return nxt
        # Repetition is checked at every position the step passed over (a string delimiter can be three).
        for end in range(i + 1, nxt + 1):
            if repeats_at_tail(completion, end):
                return end
        i = nxt
    return None


def cut_at_expression_end(cut_line: str, completion: str) -> str:
    """The completion up to where its expression ends (unchanged when no rule fires)."""
    end = expression_end(cut_line, completion)
    return completion if end is None else completion[:end]
