"""The benchmark's completion metric: exact match tolerant of over-generation, and EditSim.

One definition for the whole project; `src/core/metric/` is its TypeScript twin and the shared golden file
`models/eval/golden/metric_cases.jsonl` pins both (pytest and Vitest).

Exact match (DESIGN.md section 2). The prediction is first trimmed of over-generation, in this order:
  1. keep its first line (as many lines as the reference has, so a multi-line target can still match);
  2. cut at the first comma when the reference has none (`5, "message")` -> `5`);
  3. collapse whitespace runs to one space and strip the ends;
  4. for a one-word reference (no space after step 3 applied to it), keep the prediction's first word.
Both sides are then normalised: whitespace collapsed, ends stripped, and trailing punctuation stripped, where
"punctuation" is `,` `;` `:` and closing brackets that have no opener in the text (`5)` -> `5`,
`ValueError):` -> `ValueError`, but `f(x)` keeps its parenthesis). Exact match is string equality of the two.

EditSim is difflib's `SequenceMatcher(None, p, r).ratio()` (autojunk on) over the same two normalised
strings, in [0, 1]. Strings are sequences of code points (Python `str`); the TypeScript side iterates code
points, not UTF-16 units, so the numbers agree bit for bit.

Whitespace is exactly the ASCII set ` \\t\\n\\r\\f\\v` on both sides (Python's `\\s` and JavaScript's `\\s`
disagree on some Unicode spaces).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

WHITESPACE_RUN = re.compile(r"[ \t\n\r\f\v]+")
LINE_BREAK = re.compile(r"\r\n|\r|\n")
TRAILING_SEPARATORS = ",;:"
CLOSER_TO_OPENER = {")": "(", "]": "[", "}": "{"}


@dataclass(frozen=True)
class Score:
    exact_match: bool
    edit_sim: float


def collapse_whitespace(text: str) -> str:
    return WHITESPACE_RUN.sub(" ", text).strip(" ")


def strip_trailing_punctuation(text: str) -> str:
    """Strip trailing `,;:` and unmatched closing brackets, repeatedly (whitespace between them too)."""
    while text:
        last = text[-1]
        if last in TRAILING_SEPARATORS:
            text = text[:-1].rstrip(" ")
        elif last in CLOSER_TO_OPENER and text.count(last) > text.count(CLOSER_TO_OPENER[last]):
            text = text[:-1].rstrip(" ")
        else:
            break
    return text


def normalize(text: str) -> str:
    return strip_trailing_punctuation(collapse_whitespace(text))


def trim_prediction(prediction: str, reference: str, skip: str = "") -> str:
    """The over-generation rules (steps 1-4 of the module docstring), before normalisation; `skip` names a rule
    ("comma" or "first_word") left out, to count the hits that depend on it."""
    reference_lines = len(LINE_BREAK.split(reference))
    trimmed = "\n".join(LINE_BREAK.split(prediction)[:reference_lines])
    if "," not in reference and skip != "comma":
        trimmed = trimmed.split(",", 1)[0]
    trimmed = collapse_whitespace(trimmed)
    if " " not in collapse_whitespace(reference) and skip != "first_word":
        trimmed = trimmed.split(" ", 1)[0]
    return trimmed


def lenient_rules_needed(prediction: str, reference: str) -> tuple[str, ...]:
    """For a lenient hit that is no strict hit, the trimming rules it depends on: "comma" and/or "first_word" when
    dropping that rule alone loses the hit, "either" when each rule alone is enough. Empty otherwise."""
    if not exact_match(prediction, reference) or strict_exact_match(prediction, reference):
        return ()
    target = normalize(reference)
    needed = tuple(rule for rule in ("comma", "first_word")
                   if normalize(trim_prediction(prediction, reference, skip=rule)) != target)
    return needed or ("either",)


def comparable_pair(prediction: str, reference: str) -> tuple[str, str]:
    """(normalised trimmed prediction, normalised reference): the strings both measures compare."""
    return normalize(trim_prediction(prediction, reference)), normalize(reference)


def edit_sim_of(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b).ratio()


def score(prediction: str, reference: str) -> Score:
    p, r = comparable_pair(prediction, reference)
    return Score(exact_match=p == r, edit_sim=edit_sim_of(p, r))


def exact_match(prediction: str, reference: str) -> bool:
    return score(prediction, reference).exact_match


def edit_similarity(prediction: str, reference: str) -> float:
    return score(prediction, reference).edit_sim


def strict_exact_match(prediction: str, reference: str) -> bool:
    """Exact match with over-generation forgiven only past the reference's lines: no cut at a comma, no first-word
    rule (those make `1 + x` match `1`). Reported beside the paper's lenient measure."""
    lines = len(LINE_BREAK.split(reference))
    kept = "\n".join(LINE_BREAK.split(prediction)[:lines])
    return normalize(kept) == normalize(reference)
