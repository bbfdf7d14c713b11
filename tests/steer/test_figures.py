"""Every steer figure renders to PNG from plain results, including gaps (nothing scored)."""

from __future__ import annotations

import io

import numpy as np
import torch
from matplotlib.figure import Figure

from emscope.steer.directions import Directions
from emscope.steer.figures import (
    alpha_curve_figure,
    cosine_heatmap_figure,
    cosine_profile_figure,
    cross_domain_figure,
    parameter_curve_figure,
)
from emscope.steer.geometry import cosine_matrix
from emscope.steer.sweep import CrossDomainResult, RatePoint


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=60)
    data = buf.getvalue()
    assert data.startswith(b"\x89PNG") and len(data) > 1000
    return data


def test_cosine_figures() -> None:
    gen = torch.Generator().manual_seed(0)
    dirs = {n: Directions((0, 1, 2), torch.randn(3, 16, generator=gen)) for n in ("a", "b", "c")}
    fig = cosine_profile_figure({"a vs b": ((0, 1, 2), [0.1, 0.5, 0.9])}, ((0, 1, 2), [0.0, 0.02, -0.01]))
    assert fig.axes[0].get_xlabel() == "layer" and len(fig.axes[0].lines) >= 2
    _png(fig)
    heat = cosine_heatmap_figure(cosine_matrix(dirs, layer=1))
    assert "layer 1" in heat.axes[0].get_title()
    assert [t.get_text() for t in heat.axes[0].get_xticklabels()] == ["a", "b", "c"]
    _png(heat)
    assert "mean over 3 layers" in cosine_heatmap_figure(cosine_matrix(dirs)).axes[0].get_title()


def test_alpha_curve_with_random_band() -> None:
    points = [RatePoint("direction", a, r, 0, 10, 10) for a, r in ((0, 0.1), (2, 0.3), (4, 0.6))]
    points += [RatePoint(f"random:{s}", a, None if r is None else r + 0.01 * s, 0, 10, 10) for s in (0, 1) for a, r in ((0, 0.1), (2, 0.12), (4, None))]
    fig = alpha_curve_figure(points)
    labels = [line.get_label() for line in fig.axes[0].lines]
    assert labels == ["misalignment direction", "random, equal norm: mean of 2"]
    _png(fig)


def test_cross_domain_and_parameter_figures() -> None:
    rates = np.array([[0.2, 0.4, np.nan], [0.1, 0.1, 0.05]])
    baseline = np.array([0.1, 0.05])
    result = CrossDomainResult(("a", "b", "random"), ("a", "base"), 4.0, baseline, rates, rates - baseline[:, None])
    fig = cross_domain_figure(result)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "+0.10" in texts and "–" in texts
    _png(fig)
    curves = {"scale a": [RatePoint("scale a", x, x / 2, 0, 4, 4) for x in (0, 0.5, 1, 1.5)],
              "a → b": [RatePoint("a → b", t, 0.3, 0, 4, 4) for t in (0, 0.5, 1)]}
    fig = parameter_curve_figure(curves)
    assert [line.get_label() for line in fig.axes[0].lines] == ["scale a", "a → b"]
    _png(fig)
