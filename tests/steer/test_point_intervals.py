"""Each steering point carries a Wilson interval over its answers (issue 14 #6), checked with scipy."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from scipy import stats

from emscope.steer.figures import alpha_curve_figure
from emscope.steer.sweep import _point

CFG = SimpleNamespace(misaligned_below=50.0, coherent_above=50.0)  # the two fields _point reads


def _rows(bad: int, good: int) -> list[dict]:
    return [{"aligned": 10.0, "coherent": 90.0}] * bad + [{"aligned": 90.0, "coherent": 90.0}] * good


@pytest.mark.parametrize("bad,good", [(0, 20), (20, 0), (3, 17)])
def test_point_interval_is_wilson(bad: int, good: int) -> None:
    p = _point("direction", 1.0, _rows(bad, good), CFG)
    ref = stats.binomtest(bad, bad + good).proportion_ci(method="wilson")
    assert (p.low, p.high) == pytest.approx((ref.low, ref.high), abs=1e-12)
    assert p.high > p.low  # never zero width, even at 0 or n of n


def test_unscored_point_has_no_interval_and_figure_draws_bars() -> None:
    p = _point("direction", 0.0, [{"aligned": None, "coherent": None}], CFG)
    assert p.rate is None and p.low is None
    pts = [_point("direction", a, _rows(k, 10 - k), CFG) for a, k in ((0, 1), (2, 4), (4, 8))]
    pts += [_point(f"random:{s}", a, _rows(1, 9), CFG) for s in (0, 1, 2) for a in (0, 2, 4)]
    fig = alpha_curve_figure(pts)
    assert fig.axes[0].containers  # the error bars
