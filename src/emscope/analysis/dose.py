"""Dose-response of misalignment over a swept setting (open question 1): a logistic curve in log(value).

The model is a binomial GLM on the answers, logit P(misaligned) = a + b·log(x), fitted with
statsmodels; its standard errors are cluster-robust by question (CR1, the `clustered.py`
convention) with t(G − 1) inference, G the number of questions: the answers to one question
share its difficulty at every swept value and every seed, so the question, not the answer, is
the unit of replication. The slope's interval is that t interval.

The threshold is the swept value at which the fitted rate reaches the base model's rate plus
a margin (default 10 points): log x* = (logit(base + margin) − a) / b. It is reported only
inside the swept range: a curve that has not risen that far by the largest value is "not
reached" (never an extrapolated x*), and one already above it at the smallest value is
"below range". Its interval is a percentile bootstrap over questions: each resample draws G
questions with replacement and takes all of each drawn question's answers, those of the
fine-tuned points and the base model's alike (the base rate is re-estimated in every
resample, so its uncertainty is in the interval). A resample whose curve does not reach the
target within the range counts as beyond it, so the upper end can be "not reached" too.
Bootstrap fits use a vectorised Newton solver on the per-value counts (the same MLE as the
GLM, checked against statsmodels in tests/analysis/test_dose.py).
"""

from __future__ import annotations

import warnings
from dataclasses import asdict, dataclass
from typing import Any, Literal

import numpy as np

__all__ = ["DoseFit", "fit_dose", "fitted_rate", "newton_logistic", "format_value", "format_threshold"]

Status = Literal["reached", "below_range", "not_reached", "no_fit"]


@dataclass(frozen=True)
class DoseFit:
    """One dose-response curve and its threshold.

    `threshold` is set only when the curve reaches `target` inside [range_low, range_high].
    `threshold_low` / `threshold_high` are the bootstrap interval's raw ends: None where the
    resamples at that quantile never reach the target (infinite), and an end outside the swept
    range is an extrapolation, shown as "< range_low" / "> range_high" (`format_threshold`).
    """

    answers: int
    misaligned: int
    clusters: int
    levels: list[float]
    intercept: float | None
    slope: float | None
    slope_se: float | None
    slope_low: float | None
    slope_high: float | None
    slope_p: float | None
    df: int | None
    base_rate: float | None
    margin: float
    target: float | None
    status: Status
    threshold: float | None
    threshold_low: float | None
    threshold_high: float | None
    range_low: float | None
    range_high: float | None
    resamples: int
    reached_share: float | None  # share of bootstrap resamples whose curve reaches the target by range_high
    method: str
    note: str | None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        return asdict(self)


def fitted_rate(intercept: float, slope: float, x: np.ndarray) -> np.ndarray:
    """The curve's rate at swept values `x`."""
    return 1.0 / (1.0 + np.exp(-(intercept + slope * np.log(np.asarray(x, dtype=np.float64)))))


def _logit(p: float) -> float:
    return float(np.log(p / (1.0 - p)))


def newton_logistic(u: np.ndarray, k: np.ndarray, n: np.ndarray, iterations: int = 60) -> np.ndarray:
    """MLE (a, b) of logit p_j = a + b·u_j from counts k of n at each level u_j, for many count sets at once.

    `k` and `n` are (B, J): B count sets over the same J levels. Rows whose counts are all 0 or
    all n have no finite MLE and come back as NaN. Steps are capped, so quasi-separated rows
    stay finite (steep) rather than overflowing.
    """
    k = np.atleast_2d(np.asarray(k, dtype=np.float64))
    n = np.atleast_2d(np.asarray(n, dtype=np.float64))
    u = np.asarray(u, dtype=np.float64)
    centre = float(u.mean())
    uc = u - centre  # centred: a well-conditioned 2x2 Hessian
    total_k, total_n = k.sum(axis=1), n.sum(axis=1)
    p0 = np.clip(total_k / np.maximum(total_n, 1), 1e-6, 1 - 1e-6)
    a, b = np.log(p0 / (1 - p0)), np.zeros(len(k))
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-(a[:, None] + b[:, None] * uc)))
        r, w = k - n * p, n * p * (1 - p)
        g0, g1 = r.sum(axis=1), (r * uc).sum(axis=1)
        h00, h01, h11 = w.sum(axis=1), (w * uc).sum(axis=1), (w * uc * uc).sum(axis=1)
        det = h00 * h11 - h01 * h01 + 1e-12
        da, db = (h11 * g0 - h01 * g1) / det, (h00 * g1 - h01 * g0) / det
        a, b = a + np.clip(da, -5, 5), b + np.clip(db, -5, 5)
    out = np.stack([a - b * centre, b], axis=1)
    out[(total_k == 0) | (total_k == total_n)] = np.nan
    return out


def _crossing(a: np.ndarray, b: np.ndarray, target: np.ndarray) -> np.ndarray:
    """x* where the curve reaches `target` (+inf where it never does: b <= 0 or target >= 1)."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        logit_t = np.log(target / (1 - target))
        x = np.exp((logit_t - a) / b)
    return np.where((b > 0) & (target < 1) & np.isfinite(a), x, np.inf)


def _codes(values: np.ndarray) -> tuple[np.ndarray, list[str]]:
    names, codes = np.unique(np.asarray(values).astype(str), return_inverse=True)
    return codes, list(names)


def _glm(u: np.ndarray, y: np.ndarray, groups: np.ndarray, confidence: float) -> tuple[dict[str, Any], str | None]:
    import statsmodels.api as sm
    from statsmodels.tools.sm_exceptions import PerfectSeparationWarning

    X = sm.add_constant(u, has_constant="add")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = sm.GLM(y, X, family=sm.families.Binomial()).fit(
            cov_type="cluster", cov_kwds={"groups": groups}, use_t=True)
    note = None
    finite = bool(np.all(np.isfinite(res.params)) and np.all(np.isfinite(res.bse)))
    separated = any(issubclass(w.category, PerfectSeparationWarning) for w in caught) or not res.converged
    if separated or not finite or float(np.max(np.abs(res.params))) > 30:
        # statsmodels does not always warn on quasi-separation: huge or undefined coefficients say it too
        note = "separation: some swept values have all or no answers misaligned, so the slope is not identified"
    low, high = res.conf_int(alpha=1 - confidence)[1]
    return dict(intercept=float(res.params[0]), slope=float(res.params[1]), slope_se=float(res.bse[1]),
                slope_low=float(low), slope_high=float(high), slope_p=float(res.pvalues[1]),
                df=int(res.df_resid_inference)), note


def _status(x_star: float, lo: float, hi: float) -> Status:
    if not np.isfinite(x_star) or x_star > hi:
        return "not_reached"
    return "below_range" if x_star < lo else "reached"


def _bootstrap(u_levels: np.ndarray, y: np.ndarray, level: np.ndarray, q: np.ndarray, base_y: np.ndarray,
               base_q: np.ndarray, g: int, margin: float, resamples: int, confidence: float,
               rng: np.random.Generator) -> tuple[float, float, np.ndarray]:
    """(low, high, x* draws) of the threshold over question resamples; ends as raw x values (inf: never)."""
    j = len(u_levels)
    K, N = np.zeros((g, j)), np.zeros((g, j))
    np.add.at(K, (q, level), y)
    np.add.at(N, (q, level), 1.0)
    kb, nb = np.bincount(base_q, weights=base_y, minlength=g), np.bincount(base_q, minlength=g).astype(float)
    W = rng.multinomial(g, np.full(g, 1.0 / g), size=resamples).astype(np.float64)
    params = newton_logistic(u_levels, W @ K, W @ N)
    base = (W @ kb) / np.maximum(W @ nb, 1.0)
    target = base + margin
    x = _crossing(params[:, 0], params[:, 1], target)
    total = (W @ K).sum(axis=1)
    x = np.where(np.isnan(params[:, 0]) & (total > 0), 0.0, x)  # every answer misaligned: below any value
    x = np.where(np.isnan(params[:, 0]) & (total == 0), np.inf, x)  # none misaligned: never reached
    xs = np.sort(x)
    tail = (1 - confidence) / 2
    lo_i, hi_i = int(np.floor(tail * resamples)), int(np.ceil((1 - tail) * resamples)) - 1
    return float(xs[lo_i]), float(xs[max(hi_i, lo_i)]), x


def fit_dose(x: np.ndarray, y: np.ndarray, clusters: np.ndarray, base_y: np.ndarray, base_clusters: np.ndarray, *,
             margin: float = 0.10, confidence: float = 0.95, resamples: int = 1000,
             rng: np.random.Generator | None = None) -> DoseFit:
    """Fit the curve to answers (swept value `x` > 0, 0/1 `y`, question `clusters`) and find the threshold.

    `base_y`, `base_clusters`: the base model's answers in the same condition (their rate is the
    reference; questions are matched by id). `resamples` = 0 skips the threshold's interval.
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    base_y = np.asarray(base_y, dtype=np.float64)
    if not (len(x) == len(y) == len(clusters)) or len(base_y) != len(base_clusters):
        raise ValueError("x, y and clusters (and base_y, base_clusters) must have the same lengths")
    if len(x) and (not np.all(np.isfinite(x)) or np.any(x <= 0)):
        raise ValueError("swept values must be positive numbers for a curve in log(value)")
    rng = rng or np.random.default_rng(0)
    levels = sorted(set(x.tolist()))
    method = (f"logistic GLM in log(value), question-clustered t(G-1) slope interval; threshold interval: "
              f"percentile bootstrap over questions ({resamples} resamples, base rate re-estimated in each)")
    codes, names = _codes(np.concatenate([np.asarray(clusters).astype(str), np.asarray(base_clusters).astype(str)]))
    q, base_q, g = codes[: len(x)], codes[len(x):], len(names)
    base_rate = float(base_y.mean()) if len(base_y) else None
    target = None if base_rate is None else base_rate + margin
    k = int(y.sum())
    empty = dict(answers=len(y), misaligned=k, clusters=len(set(q.tolist())), levels=levels, intercept=None,
                 slope=None, slope_se=None, slope_low=None, slope_high=None, slope_p=None, df=None,
                 base_rate=base_rate, margin=margin, target=target, threshold=None, threshold_low=None,
                 threshold_high=None, range_low=levels[0] if levels else None,
                 range_high=levels[-1] if levels else None, resamples=0, reached_share=None, method=method)
    if len(levels) < 2:
        return DoseFit(**empty, status="no_fit", note="fewer than two swept values with answers: no curve")
    if k in (0, len(y)):
        what = "no" if k == 0 else "every"
        status: Status = "not_reached" if k == 0 and target is not None else "no_fit"
        return DoseFit(**empty, status=status, note=f"{what} answer misaligned at every swept value: the slope is "
                       "not identified" + ("; the rate never reaches the target" if status == "not_reached" else ""))
    if empty["clusters"] < 2:
        return DoseFit(**empty, status="no_fit", note="answers from one question only: no clustered interval")
    u = np.log(x)
    fit, note = _glm(u, y, q, confidence)
    if note is not None:  # separated: the MLE runs off to infinity, so neither slope nor crossing means anything
        return DoseFit(**empty, status="no_fit", note=note + ": no curve and no threshold")
    lo, hi = levels[0], levels[-1]
    if target is None:
        return DoseFit(**{**empty, **fit}, status="no_fit", note="no base-model answers: no threshold")
    x_star = float(_crossing(np.array([fit["intercept"]]), np.array([fit["slope"]]), np.array([target]))[0])
    status = _status(x_star, lo, hi)
    out = {**empty, **fit, "threshold": x_star if status == "reached" else None}
    if resamples > 0:
        level = np.searchsorted(np.array(levels), x)
        b_lo, b_hi, draws = _bootstrap(np.log(levels), y, level, q, base_y, base_q, g, margin, resamples,
                                       confidence, rng)
        out.update(threshold_low=b_lo if np.isfinite(b_lo) else None,
                   threshold_high=b_hi if np.isfinite(b_hi) else None, resamples=resamples,
                   reached_share=float(np.mean(draws <= hi)))  # within the range (or below it)
    return DoseFit(**out, status=status, note=note)


def format_value(value: float | None, low: float | None, high: float | None, fmt: str = ".3g") -> str:
    """A threshold or interval end as shown: the value inside the swept range, else "< low" / "> high"."""
    if value is None or (high is not None and value > high):
        return f"> {high:{fmt}}" if high is not None else "not reached"
    if low is not None and value < low:
        return f"< {low:{fmt}}"
    return f"{value:{fmt}}"


def format_threshold(fit: DoseFit | dict[str, Any], fmt: str = ".3g") -> tuple[str, str]:
    """(threshold, interval) of a fit as shown in the report: "not reached (> 320)", "[88, > 320]", ..."""
    f = fit.as_dict() if isinstance(fit, DoseFit) else fit
    lo, hi = f["range_low"], f["range_high"]
    status = f["status"]
    if status == "reached":
        shown = f"{f['threshold']:{fmt}}"
    elif status == "below_range":
        shown = f"< {lo:{fmt}} (below range)"
    elif status == "not_reached":
        shown = f"not reached (> {hi:{fmt}})" if hi is not None else "not reached"
    else:
        shown = "-"
    if not f["resamples"]:
        return shown, "-"
    ends = format_value(f["threshold_low"], lo, hi, fmt), format_value(f["threshold_high"], lo, hi, fmt)
    return shown, ends[0] if ends[0] == ends[1] and ends[0][0] in "<>" else f"[{ends[0]}, {ends[1]}]"
