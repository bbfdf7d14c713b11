"""Domain-level predictor statistics against scipy/sklearn on fixed data, rates files, figures."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from scipy import stats
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from emscope.core.errors import InputError
from emscope.mia.figures import roc_figure, scatter_figure
from emscope.mia.predict import (
    above_median, bootstrap_auc, evaluate_predictor, leave_one_domain_out, load_rates, membership_auc, roc_auc,
)

DOMAINS = ["bad_medical_advice", "evil_math", "extreme_sports", "gore_movie_trivia", "incorrect_math", "incorrect_qna",
           "incorrect_sexual_advice", "incorrect_translation", "insecure_code", "risky_financial_advice",
           "toxic_legal_advice"]
# Rates roughly like the study's (0% incorrect math .. 87.67% gore movie trivia) and a noisy score.
RATES = dict(zip(DOMAINS, [0.52, 0.31, 0.44, 0.8767, 0.0, 0.18, 0.47, 0.12, 0.58, 0.66, 0.61]))
SCORES = dict(zip(DOMAINS, [0.9, 0.2, 0.5, 1.4, -0.3, 0.4, 0.3, 0.1, 0.45, 1.1, 0.8]))


def test_auc_matches_sklearn_with_ties() -> None:
    rng = np.random.default_rng(0)
    for _ in range(20):
        s = rng.integers(0, 5, size=15).astype(float)  # many ties
        y = rng.random(15) < 0.4
        if 0 < y.sum() < 15:
            assert roc_auc(s, y) == pytest.approx(roc_auc_score(y, s), abs=1e-12)
    assert roc_auc(np.array([1.0, 2.0]), np.array([True, True])) is None


def test_above_median_is_strict() -> None:
    r = np.array([RATES[d] for d in DOMAINS])
    y = above_median(r)
    assert y.sum() == 5 and set(np.array(DOMAINS)[y]) == {"bad_medical_advice", "gore_movie_trivia", "insecure_code",
                                                           "risky_financial_advice", "toxic_legal_advice"}


def test_bootstrap_ci_matches_a_naive_loop() -> None:
    s = np.array([SCORES[d] for d in DOMAINS])
    y = above_median(np.array([RATES[d] for d in DOMAINS]))
    low, high, used = bootstrap_auc(s, y, resamples=500, confidence=0.9, seed=7)
    idx = np.random.default_rng(7).integers(0, len(s), size=(500, len(s)))
    naive = [roc_auc_score(y[i], s[i]) for i in idx if 0 < y[i].sum() < len(s)]
    assert used == len(naive)
    assert (low, high) == pytest.approx(tuple(np.percentile(naive, [5, 95])), abs=1e-12)
    assert bootstrap_auc(s, y, 500, 0.9, seed=7) == (low, high, used)  # seeded: same numbers


def test_leave_one_domain_out_matches_a_manual_loop() -> None:
    x = np.array([SCORES[d] for d in DOMAINS])
    y = above_median(np.array([RATES[d] for d in DOMAINS]))
    prob, logit = leave_one_domain_out(x, y)
    for i in range(len(x)):
        keep = np.arange(len(x)) != i
        mu, sd = x[keep].mean(), x[keep].std()
        fit = LogisticRegression().fit(((x[keep] - mu) / sd)[:, None], y[keep])
        assert prob[i] == pytest.approx(fit.predict_proba([[(x[i] - mu) / sd]])[0, 1], abs=1e-10)
        assert logit[i] == pytest.approx(fit.coef_[0, 0] * (x[i] - mu) / sd, abs=1e-10)


def test_lodo_auc_is_not_biased_by_fold_prevalence() -> None:
    # A perfect ranking: pooled held-out probabilities would score it far below 1, since each
    # fold's intercept drops when a positive is left out; slope-only logits keep it at 1.
    x = np.arange(11, dtype=float)
    y = x > 5
    p = evaluate_predictor(dict(zip(DOMAINS, x)), dict(zip(DOMAINS, x / 20)), "mink", resamples=50)
    assert p.auc == 1.0 and p.lodo_auc == 1.0
    prob, _ = leave_one_domain_out(x, y, c=0.01)  # a strongly shrunk slope: the intercept dominates
    assert roc_auc(prob, y) < 0.5


def test_evaluate_predictor_against_scipy_and_sklearn() -> None:
    p = evaluate_predictor(SCORES, RATES, "adj_mink", resamples=300, seed=1)
    xs, rs = [SCORES[d] for d in sorted(DOMAINS)], [RATES[d] for d in sorted(DOMAINS)]
    want = stats.spearmanr(xs, rs)
    assert p.n == 11 and p.spearman_rho == pytest.approx(want.statistic) and p.spearman_p == pytest.approx(want.pvalue)
    assert p.auc == pytest.approx(roc_auc_score(above_median(np.array(rs)), xs))
    assert p.auc_low <= p.auc <= p.auc_high and p.resamples_used <= 300
    assert 0 <= p.lodo_auc <= 1 and 0 <= p.lodo_accuracy <= 1 and p.note is None
    assert [q.domain for q in p.points] == sorted(DOMAINS) and all(q.lodo_probability is not None for q in p.points)


def test_degenerate_inputs_give_notes_not_numbers() -> None:
    few = evaluate_predictor({"a": 1.0, "b": 2.0}, {"a": 0.1, "b": 0.5, "c": 0.2}, "loss")
    assert few.n == 2 and few.spearman_rho is None and "at least 3" in few.note
    flat = evaluate_predictor({"a": 1.0, "b": 2.0, "c": 3.0}, {"a": 0.2, "b": 0.2, "c": 0.2}, "loss")
    assert flat.auc is None and flat.spearman_rho is None and "rate is constant" in flat.note
    same = evaluate_predictor({"a": 0.0, "b": 0.0, "c": 0.0}, {"a": 0.1, "b": 0.5, "c": 0.2}, "adj_loss")
    assert same.auc is None and same.lodo_auc is None and same.note.count("score is constant") == 1


def test_membership_auc_orientation() -> None:
    # Members have lower loss: loss is oriented (lower = member), Min-K% is not.
    assert membership_auc([1.0, 1.5], [2.0, 3.0], higher_is_member=False) == 1.0
    assert membership_auc([-1.0, -1.5], [-2.0, -3.0], higher_is_member=True) == 1.0


def test_load_rates_from_a_mapping_and_from_results_json(tmp_path: Path) -> None:
    (tmp_path / "r.json").write_text(json.dumps({"a": 0.5, "b": 0}))
    assert load_rates(tmp_path / "r.json") == {"a": 0.5, "b": 0.0}
    (tmp_path / "pct.json").write_text(json.dumps({"a": 50}))
    with pytest.raises(InputError, match="not percentages"):
        load_rates(tmp_path / "pct.json")
    ranking = [{"model": m, "domain": d, "rate": r} for m, d, r in (("x", "a", 0.1), ("x", "b", 0.2), ("y", "a", 0.3))]
    (tmp_path / "results.json").write_text(json.dumps({"kind": "emscope.analysis.results", "ranking": ranking}))
    with pytest.raises(InputError, match="several models"):
        load_rates(tmp_path / "results.json")
    assert load_rates(tmp_path / "results.json", model="x") == {"a": 0.1, "b": 0.2}


def test_figures_draw_predictors() -> None:
    p = evaluate_predictor(SCORES, RATES, "adj_mink", resamples=100)
    flat = evaluate_predictor({"a": 1.0, "b": 2.0, "c": 3.0}, {"a": 0.2, "b": 0.2, "c": 0.2}, "loss")
    roc = roc_figure([p, flat])
    assert len(roc.axes[0].lines) == 2  # chance line + one curve (the undefined AUC is skipped)
    scatter = scatter_figure(p)
    assert len(scatter.axes[0].collections[0].get_offsets()) == 11
    scatter.savefig(Path("/dev/null"), format="png")
