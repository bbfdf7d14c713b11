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
    r = np.array([RATES[d] for d in DOMAINS])
    prob, logit, held = leave_one_domain_out(x, r)
    for i in range(len(x)):
        keep = np.arange(len(x)) != i
        median = np.median(r[keep])  # the fold's own median: the held-out rate takes no part in it
        assert held[i] == (r[i] > median)
        mu, sd = x[keep].mean(), x[keep].std()
        fit = LogisticRegression().fit(((x[keep] - mu) / sd)[:, None], r[keep] > median)
        assert prob[i] == pytest.approx(fit.predict_proba([[(x[i] - mu) / sd]])[0, 1], abs=1e-10)
        assert logit[i] == pytest.approx(fit.coef_[0, 0] * (x[i] - mu) / sd, abs=1e-10)


def test_lodo_labels_do_not_use_the_held_out_rate() -> None:
    # 11 domains: the global median is the 6th rate itself, so a global split labels that domain
    # "not above" because of its own rate. Its fold's median comes from the other ten (0.5), and
    # against that its rate (0.58) is above.
    r = np.array([0.0, 0.1, 0.2, 0.3, 0.4, 0.58, 0.6, 0.7, 0.8, 0.9, 1.0])
    _, _, held = leave_one_domain_out(np.arange(11.0), r)
    assert list(held) == [r[i] > np.median(np.delete(r, i)) for i in range(11)]
    assert bool(held[5]) and not bool(above_median(r)[5])
    assert held.sum() == 6 and above_median(r).sum() == 5


def test_lodo_auc_is_not_biased_by_fold_prevalence() -> None:
    # A perfect ranking: pooled held-out probabilities would score it far below 1, since each
    # fold's intercept drops when a positive is left out; slope-only logits keep it at 1.
    x = np.arange(11, dtype=float)
    p = evaluate_predictor(dict(zip(DOMAINS, x)), dict(zip(DOMAINS, x / 20)), "mink", resamples=50)
    assert p.auc == 1.0 and p.lodo_auc == 1.0
    # With a global split, leaving out a positive left 4 of 10 training domains above and a negative
    # 5 of 10, so a strongly shrunk slope (the intercept dominates) ranked the positives last. Each
    # fold's own median splits its ten training domains 5 / 5: the intercepts no longer differ.
    prob, _, held = leave_one_domain_out(x, x / 20, c=0.01)
    assert roc_auc(prob, held) == 1.0


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


def test_seeds_of_one_domain_are_averaged_only_when_asked() -> None:
    from emscope.mia.predict import merge_domain_values

    class _Summary:  # the one method merge_domain_values reads of a MiaScores
        def __init__(self, values: dict[str, float]) -> None:
            self.values = values

        def domain_values(self, column: str, stat: str) -> dict[str, float]:
            return self.values

    seeds = [_Summary({"gore_movie_trivia": 1.0}), _Summary({"gore_movie_trivia": 2.5}), _Summary({"evil_math": 0.2})]
    with pytest.raises(InputError, match="'gore_movie_trivia' is in more than one MIA summary"):
        merge_domain_values(seeds, "loss")  # type: ignore[arg-type]
    merged = merge_domain_values(seeds, "loss", repeated="mean")  # type: ignore[arg-type]
    assert merged == {"gore_movie_trivia": pytest.approx(1.75), "evil_math": pytest.approx(0.2)}


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
