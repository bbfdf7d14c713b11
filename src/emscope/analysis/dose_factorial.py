"""Size × diversity (open question 3): logistic regression rate ~ log n × Vendi with its interaction.

logit P(misaligned) = b0 + b1·(log n − mean) + b2·(V − mean) + b3·(log n − mean)(V − mean), a
binomial GLM on the answers with question-clustered (CR1) standard errors and t(G − 1)
intervals, as in `dose.py`. Both predictors are centred on their answer-weighted means, so b1
and b2 are the effects of size and diversity at the average of the other, and b3 says whether
the effect of size changes with diversity (the interaction the open question asks about).
V is the Vendi score of the dataset each answer's model was trained on (one per domain, seed
and point), so the seeds' small differences in Vendi at one diversity setting are used too.
"""

from __future__ import annotations

import warnings
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

__all__ = ["Term", "InteractionFit", "fit_interaction"]


@dataclass(frozen=True)
class Term:
    """One coefficient (log-odds scale) with its clustered t interval."""

    name: str
    coef: float
    se: float
    low: float
    high: float
    p: float


@dataclass(frozen=True)
class InteractionFit:
    """The fit, or why there is none (`terms` empty, `note` saying why)."""

    answers: int
    misaligned: int
    clusters: int
    df: int | None
    names: tuple[str, str]
    centres: tuple[float, float] | None
    terms: list[Term] = field(default_factory=list)
    note: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        return asdict(self)


def fit_interaction(y: np.ndarray, x1: np.ndarray, x2: np.ndarray, clusters: np.ndarray,
                    names: tuple[str, str] = ("log n", "Vendi"), confidence: float = 0.95) -> InteractionFit:
    """Fit logit P(y) ~ x1 * x2 (both centred), clustered by `clusters` (question ids)."""
    import statsmodels.api as sm
    from statsmodels.tools.sm_exceptions import PerfectSeparationWarning

    y = np.asarray(y, dtype=np.float64)
    a, b = np.asarray(x1, dtype=np.float64), np.asarray(x2, dtype=np.float64)
    if not (len(y) == len(a) == len(b) == len(clusters)):
        raise ValueError("y, x1, x2 and clusters must have the same length")
    _, groups = np.unique(np.asarray(clusters).astype(str), return_inverse=True)
    g, k = int(groups.max()) + 1 if len(groups) else 0, int(y.sum())
    base = dict(answers=len(y), misaligned=k, clusters=g, names=names)
    if len(set(a.tolist())) < 2 or len(set(b.tolist())) < 2:
        return InteractionFit(**base, df=None, centres=None, note="each predictor needs at least two distinct values")
    if k in (0, len(y)):
        return InteractionFit(**base, df=None, centres=None,
                              note=f"{'no' if k == 0 else 'every'} answer misaligned: nothing to regress")
    if g < 3:
        return InteractionFit(**base, df=None, centres=None, note="fewer than three questions: no clustered interval")
    ca, cb = float(a.mean()), float(b.mean())
    ac, bc = a - ca, b - cb
    X = np.column_stack([np.ones(len(y)), ac, bc, ac * bc])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = sm.GLM(y, X, family=sm.families.Binomial()).fit(cov_type="cluster", cov_kwds={"groups": groups},
                                                               use_t=True)
    note = None
    finite = bool(np.all(np.isfinite(res.params)) and np.all(np.isfinite(res.bse)))
    separated = any(issubclass(w.category, PerfectSeparationWarning) for w in caught) or not res.converged
    if separated or not finite or float(np.max(np.abs(res.params))) > 30:
        # statsmodels does not always warn on quasi-separation: huge or undefined coefficients say it too
        note = ("not identified: some cells have all or no answers misaligned (separation); more answers per "
                "cell are needed for coefficients")
    if note is not None:  # coefficients running off to infinity are not estimates: none are reported
        return InteractionFit(**base, df=int(res.df_resid_inference), centres=(ca, cb), note=note)
    ci = res.conf_int(alpha=1 - confidence)
    labels = ["intercept", names[0], names[1], f"{names[0]} × {names[1]}"]
    terms = [Term(labels[i], float(res.params[i]), float(res.bse[i]), float(ci[i][0]), float(ci[i][1]),
                  float(res.pvalues[i])) for i in range(4)]
    return InteractionFit(**base, df=int(res.df_resid_inference), centres=(ca, cb), terms=terms)
