"""label_points: names beside their points, none overlapping, none covering another point."""

from __future__ import annotations

import itertools

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

from emscope.report.labels import label_points


def _draw(xs: list[float], ys: list[float], names: list[str]):  # type: ignore[no-untyped-def]
    fig = Figure(figsize=(6, 4))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    ax.scatter(xs, ys, s=40)
    ax.margins(x=0.15, y=0.15)
    fig.tight_layout()
    notes = label_points(ax, xs, ys, names)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    # The text's own box: an Annotation's extent would include its leader line.
    return ax, notes, [Text.get_window_extent(n, renderer) for n in notes]


def test_clustered_points_get_separate_labels_that_cover_no_other_point() -> None:
    # Three domains at 0% with close scores, two at the same rate: the report's hard case.
    xs = [2.36, 2.48, 3.27, 3.95, 4.35, 1.25]
    ys = [0.0, 0.0, 0.0, 66.7, 66.7, 20.0]
    names = ["incorrect math", "evil math", "incorrect translation", "toxic legal advice", "extreme sports",
             "insecure code"]
    ax, notes, boxes = _draw(xs, ys, names)
    assert [n.get_text() for n in notes] == names
    for a, b in itertools.combinations(boxes, 2):
        assert not a.overlaps(b), (a, b)
    pixels = ax.transData.transform(np.column_stack([xs, ys]))
    for k, box in enumerate(boxes):
        for j, (px, py) in enumerate(pixels):
            if j != k:
                assert not box.contains(px, py), (names[k], names[j])


def test_isolated_points_keep_their_labels_level_without_leader_lines() -> None:
    xs, ys = [1.0, 5.0, 9.0], [10.0, 50.0, 90.0]
    ax, notes, boxes = _draw(xs, ys, ["a", "b", "c"])
    pixels = ax.transData.transform(np.column_stack([xs, ys]))
    for note, box, (px, py) in zip(notes, boxes, pixels):
        assert note.arrow_patch is None
        assert abs((box.y0 + box.y1) / 2 - py) < 2  # centred on its point
    # Right-hand points are labelled on their left, so names stay inside the axes.
    assert boxes[2].x1 < pixels[2][0] and boxes[0].x0 > pixels[0][0]
    assert label_points(ax, [], [], []) == []
