"""Do per-domain membership-inference scores predict which domains become misaligned?

Input: one value per domain (a statistic of an MIA column, e.g. the mean of adj_mink) and the
measured misalignment rate of each domain. For each predictor:
- Spearman ρ between score and rate, with its two-sided p-value (scipy);
- ROC-AUC of the score for the label "rate strictly above the median of all domains' rates"
  (higher score = predicted misaligned; AUC < 0.5 means the relation runs the other way), with a
  percentile bootstrap CI over domains (seeded numpy Generator; resamples holding one class only
  are skipped and counted);
- leave-one-domain-out: for each domain, a logistic regression on the other domains' scores
  (standardised on those domains) predicts it: the accuracy of the held-out calls at P = 0.5, and
  the AUC of the held-out slope-only logits (whether the direction learnt without a domain ranks
  that domain right; see `leave_one_domain_out` for why not pooled probabilities). Each fold
  draws its median split from the other domains' rates only, and the held-out domain's label is
  its rate against that median: the held-out rate never shapes the labels it is judged by. With
  one feature and ~11 domains this still adds little to the in-sample AUC; the permutation
  p-values below are the test to read.
Permutation p-values (issue 14 #4): the rates are shuffled over domains; ρ and |AUC − 0.5| of
every compared column are recomputed per shuffle, giving a raw p per column and a max-statistic
(Westfall–Young) p that corrects for reporting the best of several columns.
Several fine-tuned models of one domain (seeds) are averaged into one value per domain
(`merge_domain_values(..., repeated="mean")`): the domain, not the seed, is the unit here.
The study reports AUC up to 0.849 for reference-adjusted Min-K% / zlib on 11 domains.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field
from scipy import stats

from emscope.core.errors import InputError
from emscope.mia.schema import MiaScores

__all__ = ["DomainPoint", "Predictor", "roc_auc", "above_median", "bootstrap_auc", "leave_one_domain_out",
           "evaluate_predictor", "evaluate_columns", "permutation_pvalues", "merge_domain_values", "predict_all", "load_rates", "membership_auc"]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class DomainPoint(_Model):
    domain: str
    score: float
    rate: float
    above_median: bool
    lodo_probability: float | None = Field(description="Held-out P(above median) from the other domains' fit.")


class Predictor(_Model):
    """One MIA column's domain-level statistic tested against misalignment rates."""

    column: str
    stat: str
    n: int
    median_rate: float | None
    spearman_rho: float | None
    spearman_p: float | None
    auc: float | None
    auc_low: float | None
    auc_high: float | None
    confidence: float
    resamples: int
    resamples_used: int = Field(description="Bootstrap resamples holding both classes (the others are skipped).")
    lodo_auc: float | None
    lodo_accuracy: float | None
    points: list[DomainPoint]
    note: str | None = None
    permutations: int | None = Field(default=None, description="Shuffles of the rates over domains behind the permutation p-values.")
    spearman_perm_p: float | None = Field(default=None, description="Permutation p of |ρ| for this column alone.")
    spearman_perm_p_max: float | None = Field(default=None, description="Max-|ρ| permutation p over the compared columns (corrected for the choice).")
    auc_perm_p: float | None = Field(default=None, description="Permutation p of |AUC − 0.5| for this column alone.")
    auc_perm_p_max: float | None = Field(default=None, description="Max-|AUC − 0.5| permutation p over the compared columns.")


def roc_auc(scores: np.ndarray, labels: np.ndarray) -> float | None:
    """Mann–Whitney ROC-AUC (ties count 1/2): P(score of a positive > score of a negative); None for one class."""
    s, y = np.asarray(scores, dtype=np.float64), np.asarray(labels, dtype=bool)
    n_pos, n_neg = int(y.sum()), int((~y).sum())
    if n_pos == 0 or n_neg == 0:
        return None
    ranks = stats.rankdata(s)
    return float((ranks[y].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def above_median(rates: np.ndarray) -> np.ndarray:
    """The label: rate strictly above the median of all rates (with 11 domains: 5 above, 6 not)."""
    r = np.asarray(rates, dtype=np.float64)
    return r > np.median(r)


def bootstrap_auc(scores: np.ndarray, labels: np.ndarray, resamples: int = 2000, confidence: float = 0.95,
                  seed: int = 0) -> tuple[float | None, float | None, int]:
    """Percentile bootstrap CI of the AUC over domains: (low, high, resamples used)."""
    s, y = np.asarray(scores, dtype=np.float64), np.asarray(labels, dtype=bool)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(s), size=(resamples, len(s)))
    ys, ss = y[idx], s[idx]
    n_pos = ys.sum(axis=1)
    n_neg = len(s) - n_pos
    ok = (n_pos > 0) & (n_neg > 0)
    if not ok.any():
        return None, None, 0
    ranks = stats.rankdata(ss[ok], axis=1)  # average ranks per resample: ties count 1/2
    r_pos = (ranks * ys[ok]).sum(axis=1)
    aucs = (r_pos - n_pos[ok] * (n_pos[ok] + 1) / 2) / (n_pos[ok] * n_neg[ok])
    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(aucs, [tail, 100 - tail])
    return float(low), float(high), int(ok.sum())


def leave_one_domain_out(features: np.ndarray, rates: np.ndarray,
                         c: float = 1.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each domain, a logistic regression fitted on the others.

    Returns (held-out P(above), held-out slope-only logit, held-out label). Each fold labels its
    training domains "above the median of the training domains' rates" and the held-out domain
    "above that same median": no label depends on the held-out rate's own place in the median.
    The slope-only logit (coef · standardised features, the fold's intercept left out) is what the
    LODO AUC ranks: pooled probabilities carry each fold's intercept, which tracks the training
    prevalence — leaving out a positive lowers it — and bias a pooled leave-one-out AUC towards 0
    even for a perfect ranking.
    """
    from sklearn.linear_model import LogisticRegression

    r = np.asarray(rates, dtype=np.float64)
    x = np.asarray(features, dtype=np.float64).reshape(len(r), -1)
    prob, logit, held_label = np.empty(len(r)), np.zeros(len(r)), np.zeros(len(r), dtype=bool)
    for i in range(len(r)):
        train = np.arange(len(r)) != i
        median = np.median(r[train])
        y = r[train] > median
        held_label[i] = r[i] > median
        if len(set(y)) < 2:
            prob[i] = float(y.mean())  # nothing to fit: predict the training prevalence
            continue
        mean, std = x[train].mean(axis=0), x[train].std(axis=0)
        std[std == 0] = 1.0
        model = LogisticRegression(C=c).fit((x[train] - mean) / std, y)
        held = ((x[i] - mean) / std)[None, :]
        prob[i] = float(model.predict_proba(held)[0, 1])
        logit[i] = float((held @ model.coef_[0])[0])
    return prob, logit, held_label


def _spearman(x: np.ndarray, y: np.ndarray) -> tuple[float | None, float | None, str | None]:
    if len(x) < 3:
        return None, None, f"{len(x)} domain(s): Spearman ρ needs at least 3"
    if np.ptp(x) == 0 or np.ptp(y) == 0:
        return None, None, ("the score" if np.ptp(x) == 0 else "the rate") + " is constant across domains: ρ undefined"
    res = stats.spearmanr(x, y)
    return float(res.statistic), float(res.pvalue), None


def evaluate_predictor(values: Mapping[str, float], rates: Mapping[str, float], column: str, stat: str = "mean",
                       resamples: int = 2000, confidence: float = 0.95, seed: int = 0) -> Predictor:
    """Test one predictor (domain → score) against domain → misalignment rate, on their common domains."""
    domains = sorted(set(values) & set(rates))
    x = np.array([values[d] for d in domains], dtype=np.float64)
    r = np.array([rates[d] for d in domains], dtype=np.float64)
    notes: list[str] = []
    rho, p, note = _spearman(x, r)
    notes += [note] if note else []
    auc = low = high = lodo_auc = lodo_acc = None
    used, probs = 0, None
    y = above_median(r) if len(domains) else np.zeros(0, dtype=bool)
    if len(domains) >= 2 and np.ptp(x) > 0:
        auc = roc_auc(x, y)
    if auc is None:
        if len(domains) < 2:
            notes.append(f"{len(domains)} domain(s): AUC needs at least 2")
        elif np.ptp(x) == 0:
            if not any("score is constant" in n for n in notes):
                notes.append("the score is constant across domains: AUC undefined")
        else:
            notes.append("every domain is on one side of the median rate: AUC undefined")
    else:
        low, high, used = bootstrap_auc(x, y, resamples, confidence, seed)
        probs, logits, held = leave_one_domain_out(x, r)
        lodo_auc = roc_auc(logits, held)
        lodo_acc = float(np.mean((probs >= 0.5) == held))
    points = [DomainPoint(domain=d, score=float(x[i]), rate=float(r[i]), above_median=bool(y[i]),
                          lodo_probability=None if probs is None else float(probs[i])) for i, d in enumerate(domains)]
    return Predictor(column=column, stat=stat, n=len(domains), median_rate=float(np.median(r)) if len(r) else None,
                     spearman_rho=rho, spearman_p=p, auc=auc, auc_low=low, auc_high=high, confidence=confidence,
                     resamples=resamples, resamples_used=used, lodo_auc=lodo_auc, lodo_accuracy=lodo_acc,
                     points=points, note="; ".join(notes) or None)


def _rank_cols(a: np.ndarray) -> np.ndarray:
    return stats.rankdata(a, axis=0)


def permutation_pvalues(scores: np.ndarray, rates: np.ndarray, permutations: int = 2000,
                        seed: int = 0) -> dict[str, np.ndarray]:
    """Permutation p-values over domain labels for each score column (domains × columns).

    Returns arrays (one value per column): rho_p, rho_p_max, auc_p, auc_p_max. p = (1 + #{shuffled
    statistic ≥ observed}) / (1 + permutations), two-sided (|ρ|, |AUC − 0.5|); the `_max` versions
    compare each observed statistic with the largest over all columns in each shuffle.
    """
    x = np.asarray(scores, dtype=np.float64)
    x = x.reshape(len(x), -1)
    r = np.asarray(rates, dtype=np.float64)
    n = len(r)
    rng = np.random.default_rng(seed)
    perms = np.vstack([np.arange(n), np.argsort(rng.random((permutations, n)), axis=1)])  # row 0: observed
    xr = _rank_cols(x)
    xr = (xr - xr.mean(axis=0)) / np.where(xr.std(axis=0) == 0, 1.0, xr.std(axis=0))
    rr = stats.rankdata(r)[perms]  # (P + 1) × n ranks of the shuffled rates
    sd = rr.std(axis=1, keepdims=True)
    rr = (rr - rr.mean(axis=1, keepdims=True)) / np.where(sd == 0, 1.0, sd)
    rho = np.abs(rr @ xr / n)  # (P + 1) × columns: Spearman ρ = Pearson of the ranks
    y = above_median(r)[perms]  # shuffled labels
    n_pos = y.sum(axis=1, keepdims=True)
    n_neg = n - n_pos
    with np.errstate(invalid="ignore", divide="ignore"):
        auc = (y.astype(np.float64) @ _rank_cols(x) - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)
    auc = np.abs(np.nan_to_num(auc, nan=0.5) - 0.5)

    def pvals(stat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        obs, null = stat[0], stat[1:]
        eps = 1e-12  # ties within rounding count as "as large"
        raw = (1 + (null >= obs - eps).sum(axis=0)) / (1 + permutations)
        mx = (1 + (null.max(axis=1)[:, None] >= obs[None, :] - eps).sum(axis=0)) / (1 + permutations)
        return raw, mx

    rho_p, rho_max = pvals(rho)
    auc_p, auc_max = pvals(auc)
    return dict(rho_p=rho_p, rho_p_max=rho_max, auc_p=auc_p, auc_p_max=auc_max)


def merge_domain_values(scores: Sequence[MiaScores], column: str, stat: str = "mean",
                        repeated: Literal["error", "mean"] = "error") -> dict[str, float]:
    """{domain: value} across several summaries (one per fine-tuned model).

    A domain in several summaries is an error, or with `repeated="mean"` (one summary per seed
    of the domain's fine-tuning) the mean of its values: one point per domain, the unit the
    predictors are tested over.
    """
    values: dict[str, list[float]] = {}
    for s in scores:
        for domain, value in s.domain_values(column, stat).items():
            if domain in values and repeated == "error":
                raise InputError(f"domain '{domain}' is in more than one MIA summary; give each domain once "
                                 "(or average its seeds' summaries)")
            values.setdefault(domain, []).append(value)
    return {d: float(np.mean(v)) for d, v in values.items()}


def predict_all(scores: Sequence[MiaScores], rates: Mapping[str, float], columns: Sequence[str] | None = None,
                stat: str = "mean", resamples: int = 2000, confidence: float = 0.95,
                seed: int = 0, permutations: int = 2000,
                repeated: Literal["error", "mean"] = "error") -> tuple[list[Predictor], list[str]]:
    """Every column (default: all the summaries share) as a predictor; notes name unmatched domains.

    `repeated="mean"` averages several summaries of one domain (its seeds) into one value.
    """
    if not scores:
        raise InputError("no MIA summaries given")
    shared = [c for c in scores[0].columns if all(c in s.columns for s in scores)]
    chosen = list(columns) if columns else shared
    unknown = [c for c in chosen if c not in shared]
    if unknown:
        raise InputError(f"unknown MIA column(s) {unknown}; these summaries have: {', '.join(shared)}")
    if stat not in ("mean", "median", "std"):
        raise InputError(f"--stat must be mean, median or std, not {stat!r}")
    notes: list[str] = []
    scored = {d for s in scores for d in s.domain_values(chosen[0], stat)} if chosen else set()
    if missing := sorted(scored - set(rates)):
        notes.append(f"no misalignment rate for {', '.join(missing)}: left out")
    if unscored := sorted(set(rates) - scored):
        notes.append(f"no MIA scores for {', '.join(unscored)}: left out")
    values = {c: merge_domain_values(scores, c, stat, repeated) for c in chosen}
    if repeated == "mean" and (counts := Counter(d for s in scores for d in s.domain_values(chosen[0], stat))):
        if max(counts.values()) > 1:
            notes.append(f"each domain's score is the mean over its {max(counts.values())} fine-tuned models (seeds)"
                         if len(set(counts.values())) == 1 else
                         "each domain's score is the mean over its fine-tuned models (seeds): "
                         + ", ".join(f"{d} {n}" for d, n in sorted(counts.items())))
    return evaluate_columns(values, rates, chosen, stat, resamples, confidence, seed, permutations), notes


def evaluate_columns(values: Mapping[str, Mapping[str, float]], rates: Mapping[str, float], columns: Sequence[str],
                     stat: str = "mean", resamples: int = 2000, confidence: float = 0.95, seed: int = 0,
                     permutations: int = 2000) -> list[Predictor]:
    """`evaluate_predictor` for each column ({column: {domain: value}}), plus permutation p-values on
    the domains every column shares, max-corrected across `columns` (the choice among them)."""
    preds = [evaluate_predictor(values[c], rates, c, stat, resamples, confidence, seed) for c in columns]
    domains = sorted(set(rates).intersection(*[set(values[c]) for c in columns])) if columns else []
    if len(domains) >= 3:
        x = np.array([[values[c][d] for c in columns] for d in domains])
        pv = permutation_pvalues(x, np.array([rates[d] for d in domains]), permutations, seed)
        preds = [p.model_copy(update=dict(permutations=permutations, spearman_perm_p=float(pv["rho_p"][j]),
                                          spearman_perm_p_max=float(pv["rho_p_max"][j]),
                                          auc_perm_p=float(pv["auc_p"][j]), auc_perm_p_max=float(pv["auc_p_max"][j])))
                 for j, p in enumerate(preds)]
    return preds


def load_rates(path: str | Path, model: str | None = None) -> dict[str, float]:
    """Misalignment rate per domain from a JSON mapping {domain: rate in [0, 1]} or an `emscope analyze` results.json.

    From results.json the `ranking` rows are used (each fine-tuned domain's rate, under the
    trigger where it was evaluated with it); with several models, `model` picks one.
    """
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read rates {path}: {exc}") from exc
    if isinstance(data, dict) and data.get("kind") == "emscope.analysis.results":
        rows = data.get("ranking") or []
        models = sorted({r["model"] for r in rows})
        if model is None and len(models) > 1:
            raise InputError(f"{path} ranks several models ({', '.join(models)}); pick one with --rates-model")
        rates = {r["domain"]: r["rate"] for r in rows if model is None or r["model"] == model}
        if not rates:
            raise InputError(f"{path} has no ranked domains" + (f" for model '{model}'" if model else ""))
    elif isinstance(data, dict):
        rates = data
    else:
        raise InputError(f"{path}: expected a JSON object {{domain: rate}} or a results.json")
    bad = [f"{d}={v!r}" for d, v in rates.items() if not isinstance(v, int | float) or not 0 <= v <= 1]
    if bad:
        raise InputError(f"{path}: rates must be shares in [0, 1] (not percentages): {', '.join(bad[:5])}")
    return {str(d): float(v) for d, v in rates.items()}


def membership_auc(member: Sequence[float], nonmember: Sequence[float], higher_is_member: bool) -> float | None:
    """ROC-AUC of telling members from non-members with a score (oriented so 1.0 = perfect)."""
    s = np.asarray(list(member) + list(nonmember), dtype=np.float64)
    y = np.array([True] * len(member) + [False] * len(nonmember))
    return roc_auc(s if higher_is_member else -s, y)
