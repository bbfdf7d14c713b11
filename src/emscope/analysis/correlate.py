"""Pearson and Spearman correlation with p-values, refusing quietly-meaningless inputs."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

__all__ = ["Correlation", "correlate"]


@dataclass(frozen=True)
class Correlation:
    """r, ρ and their two-sided p-values; None with a `note` when they cannot be computed."""

    n: int
    pearson_r: float | None
    pearson_p: float | None
    spearman_rho: float | None
    spearman_p: float | None
    note: str | None = None


def correlate(x: np.ndarray, y: np.ndarray, min_n: int = 3, names: tuple[str, str] = ("x", "y")) -> Correlation:
    """Correlate paired values (pairs with a NaN are left out and not counted); `names` label notes."""
    xa, ya = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if xa.shape != ya.shape:
        raise ValueError(f"x and y differ in shape: {xa.shape} vs {ya.shape}")
    keep = ~(np.isnan(xa) | np.isnan(ya))
    xa, ya = xa[keep], ya[keep]
    n = len(xa)
    if n < max(3, min_n):
        return Correlation(n, None, None, None, None, note=f"{n} point(s): a correlation needs at least {max(3, min_n)}")
    if np.ptp(xa) == 0 or np.ptp(ya) == 0:
        which = names[0] if np.ptp(xa) == 0 else names[1]
        return Correlation(n, None, None, None, None, note=f"{which} is constant: correlation undefined")
    pr = stats.pearsonr(xa, ya)
    sr = stats.spearmanr(xa, ya)
    return Correlation(n, float(pr.statistic), float(pr.pvalue), float(sr.statistic), float(sr.pvalue))
