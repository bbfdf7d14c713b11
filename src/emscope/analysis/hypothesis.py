"""Two-sample t-test of alignment with vs without the trigger, with the interval of the difference.

Welch (default): se² = s₁²/n₁ + s₂²/n₂, df by Welch–Satterthwaite. Student: pooled variance,
df = n₁ + n₂ − 2. The difference is mean(with) − mean(without), so a *drop* under the trigger is
a negative difference; `drop` = −difference. scipy computes t and p; the interval is computed
here (and checked against scipy's `confidence_interval()` in the tests).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

__all__ = ["TTest", "two_sample_ttest"]


@dataclass(frozen=True)
class TTest:
    """Result of one test; statistic fields are None when the test could not be run (`note` says why)."""

    kind: str
    n_with: int
    n_without: int
    mean_with: float | None
    mean_without: float | None
    diff: float | None  # mean(with) − mean(without)
    diff_low: float | None
    diff_high: float | None
    t: float | None
    df: float | None
    p: float | None
    note: str | None = None


def _se_df(a: np.ndarray, b: np.ndarray, equal_var: bool) -> tuple[float, float]:
    na, nb = len(a), len(b)
    va, vb = a.var(ddof=1), b.var(ddof=1)
    if equal_var:
        df = na + nb - 2
        pooled = ((na - 1) * va + (nb - 1) * vb) / df
        return float(np.sqrt(pooled * (1.0 / na + 1.0 / nb))), float(df)
    qa, qb = va / na, vb / nb
    se2 = qa + qb
    df = se2**2 / (qa**2 / (na - 1) + qb**2 / (nb - 1)) if se2 > 0 else float("nan")
    return float(np.sqrt(se2)), float(df)


def two_sample_ttest(with_trigger: np.ndarray, without_trigger: np.ndarray, kind: str = "welch",
                     confidence: float = 0.95, min_per_group: int = 2) -> TTest:
    """Two-sided test of equal means; fewer than `min_per_group` values on a side → a note, no test."""
    if kind not in ("welch", "student"):
        raise ValueError(f"kind must be 'welch' or 'student', got {kind!r}")
    a = np.asarray(with_trigger, dtype=np.float64)
    b = np.asarray(without_trigger, dtype=np.float64)
    a, b = a[~np.isnan(a)], b[~np.isnan(b)]
    ma = float(a.mean()) if len(a) else None
    mb = float(b.mean()) if len(b) else None
    diff = ma - mb if ma is not None and mb is not None else None
    base = dict(kind=kind, n_with=len(a), n_without=len(b), mean_with=ma, mean_without=mb, diff=diff)
    need = max(2, min_per_group)
    if len(a) < need or len(b) < need:
        missing = [f"{name} has {len(x)}" for name, x in (("with", a), ("without", b)) if len(x) < need]
        return TTest(**base, diff_low=None, diff_high=None, t=None, df=None, p=None,
                     note=f"too few scored answers for a t-test (need {need} per condition; {', '.join(missing)})")
    se, df = _se_df(a, b, kind == "student")
    if not se > 0:
        return TTest(**base, diff_low=None, diff_high=None, t=None, df=None, p=None,
                     note="no variance in either condition: t is undefined")
    res = stats.ttest_ind(a, b, equal_var=kind == "student")
    half = float(stats.t.ppf(0.5 + confidence / 2.0, df) * se)
    return TTest(**base, diff_low=diff - half, diff_high=diff + half, t=float(res.statistic), df=df,
                 p=float(res.pvalue))
