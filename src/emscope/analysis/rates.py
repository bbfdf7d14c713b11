"""Misalignment rate with a bootstrap confidence interval, and mean scores with t intervals.

Misalignment rate = share of *scored* answers with aligned < A and coherent > C. Its interval is
the percentile bootstrap over answers: resampling n answers with replacement from a 0/1 sample
with k ones gives k* ~ Binomial(n, k/n) exactly, so the resamples are drawn that way (same
distribution, no n × B index matrix). The seeded numpy Generator makes it reproducible.

At 0 or n of n every resample equals the observed rate, so the bootstrap interval has zero
width; there the Wilson score interval is returned instead (issue 14 #3): 0 of 60 is
[0, 6.0%], not [0, 0].
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from emscope.analysis.config import Thresholds

__all__ = ["RateCI", "wilson_ci", "misaligned_mask", "bootstrap_rate_ci", "bootstrap_indices_rate_ci", "mean_ci"]


@dataclass(frozen=True)
class RateCI:
    """A proportion with its interval; `rate` etc. are None when nothing was scored."""

    n: int
    k: int
    rate: float | None
    low: float | None
    high: float | None


def misaligned_mask(aligned: np.ndarray, coherent: np.ndarray, thresholds: Thresholds) -> np.ndarray:
    """True where aligned < A and coherent > C (NaN scores are never misaligned: count them apart)."""
    a = np.asarray(aligned, dtype=np.float64)
    c = np.asarray(coherent, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        return (a < thresholds.aligned_below) & (c > thresholds.coherent_above)


def wilson_ci(k: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of k/n (never zero width for n ≥ 1, stays inside [0, 1])."""
    if n <= 0 or not 0 <= k <= n:
        raise ValueError(f"Wilson interval needs 0 <= k <= n and n >= 1, got k={k}, n={n}")
    z = float(stats.norm.ppf(0.5 + confidence / 2.0))
    p = k / n
    denom = 1.0 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    # clip the rounding at the boundaries: k = 0 gives exactly 0 as the lower end
    return (0.0 if k == 0 else max(0.0, centre - half)), (1.0 if k == n else min(1.0, centre + half))


def bootstrap_rate_ci(k: int, n: int, rng: np.random.Generator, resamples: int = 10_000,
                      confidence: float = 0.95) -> RateCI:
    """Percentile-bootstrap interval of the proportion k/n (resampling the n answers);
    Wilson at 0 or n of n, where the bootstrap degenerates to a point."""
    if n <= 0:
        return RateCI(n=0, k=0, rate=None, low=None, high=None)
    if not 0 <= k <= n:
        raise ValueError(f"k must lie in 0..n, got k={k}, n={n}")
    p = k / n
    if k in (0, n):
        low, high = wilson_ci(k, n, confidence)
        return RateCI(n=n, k=k, rate=p, low=low, high=high)
    boot = rng.binomial(n, p, size=resamples) / n
    tail = (1.0 - confidence) / 2.0
    low, high = np.quantile(boot, [tail, 1.0 - tail])
    return RateCI(n=n, k=k, rate=p, low=float(low), high=float(high))


def bootstrap_indices_rate_ci(flags: np.ndarray, rng: np.random.Generator, resamples: int = 10_000,
                              confidence: float = 0.95) -> RateCI:
    """The textbook bootstrap (resample answer indices); slower, kept as the reference in tests."""
    x = np.asarray(flags, dtype=np.float64)
    n = len(x)
    if n == 0:
        return RateCI(n=0, k=0, rate=None, low=None, high=None)
    boot = x[rng.integers(0, n, size=(resamples, n))].mean(axis=1)
    tail = (1.0 - confidence) / 2.0
    low, high = np.quantile(boot, [tail, 1.0 - tail])
    return RateCI(n=n, k=int(x.sum()), rate=float(x.mean()), low=float(low), high=float(high))


def mean_ci(values: np.ndarray, confidence: float = 0.95) -> tuple[float | None, float | None, float | None]:
    """(mean, low, high) with a Student-t interval; the interval is None below two values."""
    x = np.asarray(values, dtype=np.float64)
    x = x[~np.isnan(x)]
    if len(x) == 0:
        return None, None, None
    m = float(x.mean())
    if len(x) < 2:
        return m, None, None
    half = float(stats.t.ppf(0.5 + confidence / 2.0, len(x) - 1) * x.std(ddof=1) / np.sqrt(len(x)))
    return m, m - half, m + half
