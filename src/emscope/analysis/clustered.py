"""Intervals and the trigger test with answers clustered by question (issue 14 #2).

Answers to one question share that question's difficulty, so they are not independent draws:
the unit of replication is the question. Both statistics here are the intercept of an OLS fit
with cluster-robust (CR1) standard errors and t with G − 1 degrees of freedom, G = number of
questions:

- `cluster_mean_ci`: mean of the values (alignment, or 0/1 misaligned flags for a rate) with
  var = G/(G−1) · Σ_g (Σ_{i∈g} (y_i − ȳ))² / n². For equal cluster sizes this is exactly the
  Student-t interval of the G question means.
- `paired_cluster_test`: with- minus without-trigger alignment over pairs that share question,
  paraphrase, sample index (and seed); the same estimator on the paired differences.

The t(G − 1) reference (not the normal) matters with 15 questions: the normal would
under-cover. The coverage is checked by simulation in tests/analysis/test_clustered.py.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

__all__ = ["ClusterCI", "cluster_mean_ci", "PairedClusterTest", "paired_cluster_test"]


@dataclass(frozen=True)
class ClusterCI:
    """Mean with a cluster-robust t interval; low/high None below two clusters."""

    n: int
    clusters: int
    mean: float | None
    low: float | None
    high: float | None
    se: float | None


def _codes(clusters: np.ndarray) -> tuple[np.ndarray, int]:
    _, codes = np.unique(np.asarray(clusters).astype(str), return_inverse=True)
    return codes, int(codes.max()) + 1 if len(codes) else 0


def cluster_mean_ci(values: np.ndarray, clusters: np.ndarray, confidence: float = 0.95) -> ClusterCI:
    """Mean of `values` with a CR1 cluster-robust t(G−1) interval; NaN values are dropped."""
    y = np.asarray(values, dtype=np.float64)
    c = np.asarray(clusters)
    if len(y) != len(c):
        raise ValueError(f"values ({len(y)}) and clusters ({len(c)}) differ in length")
    keep = ~np.isnan(y)
    y, c = y[keep], c[keep]
    if len(y) == 0:
        return ClusterCI(n=0, clusters=0, mean=None, low=None, high=None, se=None)
    codes, g = _codes(c)
    m = float(y.mean())
    if g < 2:
        return ClusterCI(n=len(y), clusters=g, mean=m, low=None, high=None, se=None)
    resid_sums = np.bincount(codes, weights=y - m, minlength=g)
    se = float(np.sqrt(g / (g - 1) * np.sum(resid_sums ** 2)) / len(y))
    half = float(stats.t.ppf(0.5 + confidence / 2.0, g - 1)) * se
    return ClusterCI(n=len(y), clusters=g, mean=m, low=m - half, high=m + half, se=se)


@dataclass(frozen=True)
class PairedClusterTest:
    """Paired with − without difference, clustered by question; kind names the test."""

    kind: str
    pairs: int
    clusters: int
    diff: float | None
    diff_low: float | None
    diff_high: float | None
    t: float | None
    df: int | None
    p: float | None
    note: str | None


def paired_cluster_test(with_values: np.ndarray, without_values: np.ndarray, clusters: np.ndarray,
                        confidence: float = 0.95, min_clusters: int = 3) -> PairedClusterTest:
    """Test mean(with − without) = 0 over aligned pairs (element i of each array is one pair)."""
    w = np.asarray(with_values, dtype=np.float64)
    o = np.asarray(without_values, dtype=np.float64)
    if len(w) != len(o):
        raise ValueError(f"with ({len(w)}) and without ({len(o)}) must be paired element by element")
    ci = cluster_mean_ci(w - o, clusters, confidence)
    kind = "paired, cluster-robust by question"
    if ci.clusters < min_clusters or ci.se is None:
        return PairedClusterTest(kind=kind, pairs=ci.n, clusters=ci.clusters, diff=ci.mean, diff_low=None,
                                 diff_high=None, t=None, df=None, p=None,
                                 note=f"{ci.clusters} question(s) with pairs: need {min_clusters} for the test")
    df = ci.clusters - 1
    if ci.se == 0:
        t, p = None, None
        note = "paired differences are constant: no test"
    else:
        t = ci.mean / ci.se
        p = float(2 * stats.t.sf(abs(t), df))
        note = None
    return PairedClusterTest(kind=kind, pairs=ci.n, clusters=ci.clusters, diff=ci.mean, diff_low=ci.low,
                             diff_high=ci.high, t=t, df=df, p=p, note=note)
