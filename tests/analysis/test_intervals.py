"""Wilson intervals at the boundaries (issue 14 #3), checked against scipy's own Wilson interval."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from emscope.analysis.rates import bootstrap_rate_ci, wilson_ci


@pytest.mark.parametrize("k,n", [(0, 60), (60, 60), (0, 1), (1, 1), (3, 40), (17, 200)])
def test_wilson_matches_scipy(k: int, n: int) -> None:
    ref = stats.binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    low, high = wilson_ci(k, n)
    assert low == pytest.approx(ref.low, abs=1e-12) and high == pytest.approx(ref.high, abs=1e-12)
    assert high > low


def test_wilson_matches_the_direct_formula() -> None:
    k, n, z = 0, 60, 1.959963984540054
    assert wilson_ci(k, n)[1] == pytest.approx(z * z / (n + z * z), rel=1e-12)  # upper end at k = 0


@pytest.mark.parametrize("k,n", [(0, 60), (60, 60), (0, 5)])
def test_rate_interval_never_has_zero_width_at_the_boundary(k: int, n: int) -> None:
    ci = bootstrap_rate_ci(k, n, np.random.default_rng(0))
    assert ci.high - ci.low > 0
    assert (ci.low, ci.high) == pytest.approx(wilson_ci(k, n))


def test_wilson_refuses_bad_counts() -> None:
    with pytest.raises(ValueError):
        wilson_ci(5, 4)
    with pytest.raises(ValueError):
        wilson_ci(0, 0)
