"""The random-direction baseline as a band over several seeded random directions (issue 14 #6).

One random direction is one draw: its curve can sit above or below chance by luck. The
baseline therefore steers with several seeded random directions (`SweepConfig.random_seeds`)
and summarises them per x (α): the mean, the min–max range (what the figures draw as the
band) and, for n ≥ 2 directions, the mean ± a Student-t 95% interval over directions
(sd with ddof = 1, t quantile with n − 1 degrees of freedom). Only directions whose point
has a rate (something was scored) count at an x; `n` and `seeds` say which did.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from emscope.steer.sweep import RatePoint

__all__ = ["RANDOM_PREFIX", "BandPoint", "random_seed_of", "random_band", "band_of_values"]

RANDOM_PREFIX = "random:"  # label of a random curve in an α sweep: "random:<seed>"


@dataclass(frozen=True)
class BandPoint:
    """The random baseline at one x: the spread of the per-direction rates."""

    x: float
    n: int  # random directions with a rate at this x
    seeds: tuple[int, ...]
    rates: tuple[float, ...]  # in the order of `seeds`
    mean: float | None  # None when no direction has a rate here
    min: float | None
    max: float | None
    sd: float | None  # sample sd over directions (ddof = 1); None when n < 2
    t_low: float | None  # mean − t(0.975, n−1)·sd/√n; None when n < 2
    t_high: float | None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        out = asdict(self)
        out["seeds"], out["rates"] = list(self.seeds), list(self.rates)
        return out


def random_seed_of(label: str) -> int | None:
    """The seed of a "random:<seed>" curve label, else None."""
    if not label.startswith(RANDOM_PREFIX):
        return None
    return int(label[len(RANDOM_PREFIX):])


def band_of_values(x: float, seeds: Sequence[int], rates: Sequence[float]) -> BandPoint:
    """Summary of per-direction rates at one x (see module docstring)."""
    from scipy import stats

    values = np.asarray(rates, dtype=float)
    n = len(values)
    if n == 0:
        return BandPoint(float(x), 0, (), (), None, None, None, None, None, None)
    mean = float(values.mean())
    sd = t_low = t_high = None
    if n > 1:
        sd = float(values.std(ddof=1))
        half = float(stats.t.ppf(0.975, n - 1)) * sd / math.sqrt(n)
        t_low, t_high = mean - half, mean + half
    return BandPoint(float(x), n, tuple(int(s) for s in seeds), tuple(float(v) for v in values), mean,
                     float(values.min()), float(values.max()), sd, t_low, t_high)


def random_band(points: Sequence[RatePoint]) -> list[BandPoint]:
    """Per x of the random curves among `points` (labels "random:<seed>"), the band over seeds; sorted by x."""
    by_x: dict[float, list[tuple[int, float]]] = {}
    for p in points:
        seed = random_seed_of(p.label)
        if seed is None:
            continue
        by_x.setdefault(float(p.x), [])
        if p.rate is not None:  # an unscored point is a gap for that direction, not a zero
            by_x[float(p.x)].append((seed, p.rate))
    band = []
    for x in sorted(by_x):
        pairs = sorted(by_x[x])
        band.append(band_of_values(x, [s for s, _ in pairs], [r for _, r in pairs]))
    return band
