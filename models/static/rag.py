"""The RAG baseline's retriever: the k production-code windows of the repository that best match the test.

Windows are `window_lines` consecutive lines of each production file (non-overlapping). The query is the words of
the test function being completed (the prefix after its last `def`); a window scores the summed inverse document
frequency (over the repository's windows) of the query words it contains. Works on text, so nothing is tokenised
but the k windows that make it into a prompt.
"""

from __future__ import annotations

import math
import re
from collections import Counter

WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]{2,}")


def words(text: str) -> set[str]:
    return set(WORD.findall(text))


def query_text(prefix: str) -> str:
    """The enclosing test function: from its last `def` line on (or the last 1000 characters)."""
    start = max(prefix.rfind("\ndef "), prefix.rfind(" def "))
    return prefix[start:] if start >= 0 else prefix[-1000:]


class Retriever:
    def __init__(self, files: list[tuple[str, str]], window_lines: int) -> None:
        self.windows: list[str] = []
        for _, text in files:
            lines = text.splitlines(keepends=True)
            for start in range(0, len(lines), window_lines):
                window = "".join(lines[start:start + window_lines])
                if window.strip():
                    self.windows.append(window)
        self.window_words = [words(w) for w in self.windows]
        df: Counter[str] = Counter()
        for ws in self.window_words:
            df.update(ws)
        n = max(len(self.windows), 1)
        self.idf = {w: math.log(1 + n / c) for w, c in df.items()}

    def top(self, prefix: str, k: int) -> list[str]:
        """The k best windows, best first (windows sharing no query word are never returned)."""
        query = words(query_text(prefix))
        scored = [(sum(self.idf[w] for w in query & ws), -i) for i, ws in enumerate(self.window_words)]
        scored.sort(reverse=True)
        return [self.windows[-i] for score, i in scored[:k] if score > 0]
