"""Debian version ordering (dpkg's algorithm), so that no Debian-only Python module is needed at import time."""

from __future__ import annotations

import functools
import re


def _order(ch: str) -> int:
    if ch == "~":
        return -1
    if ch.isalpha():
        return ord(ch)
    return ord(ch) + 256


def _compare_part(a: str, b: str) -> int:
    """dpkg's verrevcmp: alternate non-digit runs (compared with ~ < end < letters < others) and digit runs."""
    i = j = 0
    while i < len(a) or j < len(b):
        first_diff = 0
        while (i < len(a) and not a[i].isdigit()) or (j < len(b) and not b[j].isdigit()):
            ac = _order(a[i]) if i < len(a) and not a[i].isdigit() else 0
            bc = _order(b[j]) if j < len(b) and not b[j].isdigit() else 0
            if ac != bc:
                return -1 if ac < bc else 1
            i += 1
            j += 1
        ma = re.match(r"\d*", a[i:])
        mb = re.match(r"\d*", b[j:])
        da = ma.group(0) if ma else ""
        db = mb.group(0) if mb else ""
        i += len(da)
        j += len(db)
        na, nb = int(da or "0"), int(db or "0")
        if na != nb:
            first_diff = -1 if na < nb else 1
        if first_diff:
            return first_diff
    return 0


def _split(version: str) -> tuple[int, str, str]:
    epoch, _, rest = version.rpartition(":") if ":" in version else ("0", "", version)
    upstream, _, revision = rest.rpartition("-") if "-" in rest else (rest, "", "")
    return int(epoch or "0"), upstream, revision


def compare(a: str, b: str) -> int:
    """-1, 0 or 1 as Debian version a sorts before, equal to, or after b."""
    ea, ua, ra = _split(a)
    eb, ub, rb = _split(b)
    if ea != eb:
        return -1 if ea < eb else 1
    return _compare_part(ua, ub) or _compare_part(ra, rb)


sort_key = functools.cmp_to_key(compare)
