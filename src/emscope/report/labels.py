"""Point labels that do not overlap: each name sits beside its point, nudged apart vertically.

Scatter plots of domains put several points at nearly the same place (two domains at 0%
misalignment with similar scores); alternating fixed offsets still let names run into each
other or sit closer to a neighbour's point than to their own. Here labels are measured in
pixels and pushed apart until no two overlap; a label moved off its point gets a thin
leader line, so every name is unambiguously attached.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["label_points"]

_GAP_PX = 1.5  # clear space between two labels


def _overlap(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _separate(centres: np.ndarray, heights: np.ndarray, spans: list[tuple[float, float]],
              points: np.ndarray, radius: float, rounds: int = 300) -> np.ndarray:
    """Vertical label centres moved until no two labels overlap and no label covers another's point.

    Labels that share some x-range are pushed apart symmetrically; a label over a point
    (a fixed obstacle `radius` pixels around it) moves off it on its own.
    """
    y = centres.astype(float).copy()
    n = len(y)
    for _ in range(rounds):
        moved = False
        order = np.argsort(y, kind="stable")
        for a_i in range(n):
            for b_i in range(a_i + 1, n):
                a, b = order[a_i], order[b_i]
                if not _overlap(spans[a], spans[b]):
                    continue  # side by side: no clash whatever the heights
                deficit = (heights[a] + heights[b]) / 2 + _GAP_PX - (y[b] - y[a])
                if deficit > 0:
                    y[a] -= deficit / 2
                    y[b] += deficit / 2
                    moved = True
        for k in range(n):
            for j, (px, py) in enumerate(points):
                if j == k or not _overlap(spans[k], (px - radius, px + radius)):
                    continue
                deficit = heights[k] / 2 + radius + _GAP_PX - abs(y[k] - py)
                if deficit > 0:
                    y[k] += deficit if y[k] >= py else -deficit
                    moved = True
        if not moved:
            break
    return y


def label_points(ax: Any, xs: Sequence[float], ys: Sequence[float], texts: Sequence[str],
                 fontsize: float = 7.0, pad_pt: float = 5.0, marker_pt: float = 7.0) -> list[Any]:
    """Name each point (xs[i], ys[i]) with texts[i] without overlaps; returns the annotations.

    Call after the axes limits are final (labels are placed in pixels). Points in the right
    40% of the x-range are labelled on their left so that names stay inside the axes;
    `marker_pt` is the markers' diameter (a label never covers another point's marker).
    """
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    xs_a, ys_a = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
    if len(xs_a) == 0:
        return []
    points = ax.transData.transform(np.column_stack([xs_a, ys_a]))
    x_lo, x_hi = ax.transData.transform([(xs_a.min(), 0), (xs_a.max(), 0)])[:, 0]
    pad_px, marker_px = pad_pt * fig.dpi / 72, marker_pt * fig.dpi / 72
    left = [bool(x_hi > x_lo and px > x_lo + 0.6 * (x_hi - x_lo)) for px, _ in points]
    widths, heights = [], []
    for text in texts:  # measured once with the final font, then removed
        probe = ax.text(0, 0, text, fontsize=fontsize)
        box = probe.get_window_extent(renderer)
        widths.append(box.width)
        heights.append(box.height)
        probe.remove()
    spans = [(px - pad_px - w, px - pad_px) if lf else (px + pad_px, px + pad_px + w)
             for (px, _), w, lf in zip(points, widths, left)]
    centres = _separate(points[:, 1], np.asarray(heights), spans, points, marker_px / 2)
    out = []
    for x, y, py, text, lf, cy, h in zip(xs_a, ys_a, points[:, 1], texts, left, centres, heights):
        moved = abs(cy - py) > h / 2
        out.append(ax.annotate(
            text, (x, y), xytext=(-pad_pt if lf else pad_pt, (cy - py) * 72 / fig.dpi), textcoords="offset points",
            fontsize=fontsize, ha="right" if lf else "left", va="center",
            arrowprops={"arrowstyle": "-", "color": "#666", "lw": 0.6, "shrinkA": 1, "shrinkB": 4} if moved else None))
    return out
