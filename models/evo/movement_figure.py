"""The movement figure as plain SVG: the share of steps (y) whose adapter moved by at most x, with x = 1 - cosine
between consecutive adapters on a log axis, one line per provenance (an empirical CDF)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

COLORS = {"commits": "#1f6feb", "release": "#b35900", "replay": "#2a7f3f"}
LABELS = {"commits": "real commits (per file step)", "release": "Debian release chains", "replay": "replayed growth"}
WIDTH, HEIGHT, LEFT, BOTTOM, TOP, RIGHT = 640, 360, 60, 50, 20, 20
# Below this, float32 cannot tell consecutive adapters apart: such steps are drawn at the floor.
FLOOR = 1e-8


# The curve is drawn through at most this many quantiles: thousands of steps per provenance would otherwise make a
# figure of a hundred kilobytes that looks the same.
CURVE_POINTS = 200


def cdf_points(sorted_values: list[float]) -> list[tuple[float, float]]:
    """(share of steps at or below, value) along the empirical distribution, thinned to CURVE_POINTS, last kept."""
    n = len(sorted_values)
    stride = max(1, math.ceil(n / CURVE_POINTS))
    ks = list(range(stride - 1, n, stride))
    if ks[-1] != n - 1:
        ks.append(n - 1)
    return [((k + 1) / n, sorted_values[k]) for k in ks]


def write_figure(results: list[dict[str, Any]], path: Path) -> None:
    series = {p: sorted(max(FLOOR, 1 - s["adapter_cosine"]) for r in results if r["provenance"] == p for s in r["steps"])
              for p in COLORS}
    values = [v for vs in series.values() for v in vs]
    lo = math.floor(math.log10(min(values))) if values else -8
    hi = math.ceil(math.log10(max(values))) if values else 0
    hi = max(hi, lo + 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    x = lambda v: LEFT + (math.log10(v) - lo) / (hi - lo) * plot_w  # noqa: E731
    y = lambda f: TOP + (1 - f) * plot_h  # noqa: E731
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" font-family="sans-serif" '
             'font-size="12" role="img" aria-label="Evo adapter movement per step">',
             f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
             f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{LEFT + plot_w}" y2="{TOP + plot_h}" stroke="black"/>',
             f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}" stroke="black"/>']
    for e in range(lo, hi + 1):
        parts.append(f'<text x="{x(10 ** e):.1f}" y="{TOP + plot_h + 16}" text-anchor="middle">1e{e}</text>')
    for f in (0, 0.5, 1):
        parts.append(f'<text x="{LEFT - 8}" y="{y(f) + 4:.1f}" text-anchor="end">{f:g}</text>')
    parts.append(f'<text x="{LEFT + plot_w / 2}" y="{HEIGHT - 8}" text-anchor="middle">'
                 '1 - cosine between consecutive adapters (log)</text>')
    parts.append(f'<text x="14" y="{TOP + plot_h / 2}" transform="rotate(-90 14 {TOP + plot_h / 2})" '
                 'text-anchor="middle">share of steps</text>')
    for i, (prov, vs) in enumerate(series.items()):
        if not vs:
            continue
        points = " ".join(f"{x(v):.1f},{y(f):.1f}" for f, v in cdf_points(vs))
        parts.append(f'<polyline fill="none" stroke="{COLORS[prov]}" stroke-width="2" points="{points}"/>')
        parts.append(f'<text x="{LEFT + 10}" y="{TOP + 16 + 16 * i}" fill="{COLORS[prov]}">'
                     f'{escape(LABELS[prov])}: {len(vs)} steps, median {vs[len(vs) // 2]:.1e}</text>')
    parts.append("</svg>")
    path.write_text("\n".join(parts) + "\n")
