"""The dose-response fit where it could fail: no effect, a known effect, degenerate data (analysis/dose.py).

Data are simulated the way a sweep produces them: G questions with their own difficulty (a
random intercept, so answers to one question are correlated at every swept value), the same
questions asked of the base model, several answers per question at each value.
"""

from __future__ import annotations

import numpy as np
import pytest

from emscope.analysis.dose import fit_dose, fitted_rate, format_threshold, newton_logistic
from emscope.analysis.dose_factorial import fit_interaction

LEVELS = (40, 80, 160, 320)


def _simulate(rng: np.random.Generator, a: float, b: float, base: float, questions: int = 15, per: int = 8,
              sd: float = 0.5) -> tuple[np.ndarray, ...]:
    effect = rng.normal(0.0, sd, questions)
    x = np.repeat(LEVELS, questions * per).astype(float)
    q = np.tile(np.repeat(np.arange(questions), per), len(LEVELS))
    y = rng.random(len(x)) < 1 / (1 + np.exp(-(a + b * np.log(x) + effect[q])))
    base_q = np.repeat(np.arange(questions), per * 2)
    base_y = rng.random(len(base_q)) < 1 / (1 + np.exp(-(np.log(base / (1 - base)) + effect[base_q])))
    return x, y.astype(float), q.astype(str), base_y.astype(float), base_q.astype(str)


def test_no_dose_effect_gives_a_slope_interval_containing_zero_and_mostly_not_reached() -> None:
    rng = np.random.default_rng(11)
    covered, not_reached, runs = 0, 0, 200
    for _ in range(runs):
        fit = fit_dose(*_simulate(rng, np.log(0.2 / 0.8), 0.0, base=0.2), resamples=0, rng=rng)
        covered += fit.slope_low <= 0.0 <= fit.slope_high
        not_reached += fit.status == "not_reached"
    # 95% intervals, clustered by question with t(G-1): coverage of the true 0 near 95%.
    assert covered / runs >= 0.90, covered / runs
    # The rate is the base rate everywhere: reaching base + 10 points inside the range is rare.
    assert not_reached / runs >= 0.85, not_reached / runs


def test_a_known_logistic_effect_is_recovered_within_its_interval() -> None:
    rng = np.random.default_rng(12)
    a, b, runs = -6.0, 1.0, 200
    covered, slopes = 0, []
    for _ in range(runs):
        fit = fit_dose(*_simulate(rng, a, b, base=0.2), resamples=0, rng=rng)
        covered += fit.slope_low <= b <= fit.slope_high
        slopes.append(fit.slope)
    assert covered / runs >= 0.90, covered / runs
    # The question effects attenuate the marginal slope a little; the fit must stay near the truth.
    assert abs(float(np.mean(slopes)) - b) < 0.15, np.mean(slopes)


def test_threshold_interval_covers_the_true_crossing() -> None:
    rng = np.random.default_rng(13)
    a, b, base, margin = -6.0, 1.0, 0.2, 0.10
    # Where the curve without question effects reaches base + margin; with sd = 0.2 the marginal
    # curve is close to it.
    truth = float(np.exp((np.log((base + margin) / (1 - base - margin)) - a) / b))
    assert LEVELS[0] < truth < LEVELS[-1]
    covered, reached, runs = 0, 0, 40
    for _ in range(runs):
        fit = fit_dose(*_simulate(rng, a, b, base=base, sd=0.2), margin=margin, resamples=400, rng=rng)
        reached += fit.status == "reached"
        low = fit.threshold_low if fit.threshold_low is not None else np.inf
        high = fit.threshold_high if fit.threshold_high is not None else np.inf
        covered += low <= truth <= high
    assert reached / runs >= 0.9 and covered / runs >= 0.85, (reached, covered)


def test_the_bootstrap_solver_is_the_glm_s_maximum_likelihood() -> None:
    rng = np.random.default_rng(14)
    x, y, q, base_y, base_q = _simulate(rng, -5.0, 0.7, base=0.2)
    fit = fit_dose(x, y, q, base_y, base_q, resamples=0)
    levels = np.array(LEVELS, dtype=float)
    index = np.searchsorted(levels, x)
    k, n = np.bincount(index, weights=y), np.bincount(index).astype(float)
    (a, b), = newton_logistic(np.log(levels), k, n)
    assert a == pytest.approx(fit.intercept, abs=1e-6) and b == pytest.approx(fit.slope, abs=1e-6)
    assert fit.df == 14  # question-clustered: G - 1 degrees of freedom
    assert fitted_rate(a, b, np.array([80.0]))[0] == pytest.approx(1 / (1 + np.exp(-(a + b * np.log(80)))))


def test_degenerate_data_say_why_instead_of_fitting() -> None:
    rng = np.random.default_rng(15)
    x, y, q, base_y, base_q = _simulate(rng, -5.0, 0.7, base=0.2)
    none = fit_dose(x, np.zeros_like(y), q, base_y, base_q)
    assert none.status == "not_reached" and none.slope is None and "no answer misaligned" in none.note
    one_level = fit_dose(np.full_like(x, 80.0), y, q, base_y, base_q)
    assert one_level.status == "no_fit" and "two swept values" in one_level.note
    no_base = fit_dose(x, y, q, np.array([]), np.array([]), resamples=0)
    assert no_base.status == "no_fit" and no_base.slope is not None
    with pytest.raises(ValueError, match="positive"):
        fit_dose(np.where(x == 40, 0.0, x), y, q, base_y, base_q)


def test_threshold_display_never_extrapolates() -> None:
    rng = np.random.default_rng(16)
    flat = fit_dose(*_simulate(rng, np.log(0.2 / 0.8), 0.0, base=0.2), resamples=200, rng=rng)
    if flat.status == "not_reached":
        assert format_threshold(flat)[0] == "not reached (> 320)"
    steep = fit_dose(*_simulate(rng, -4.0, 1.0, base=0.05), resamples=200, rng=rng)  # high already at n = 40
    assert steep.status == "below_range" and format_threshold(steep)[0] == "< 40 (below range)"
    assert format_threshold(steep)[1] == "< 40"  # both ends below the range: said once


def test_interaction_regression_recovers_a_planted_interaction_and_finds_none_when_absent() -> None:
    rng = np.random.default_rng(17)
    questions, per, runs = 15, 6, 60
    cells = [(n, v) for n in LEVELS for v in (5.0, 10.0, 20.0)]
    rows = [(np.log(n), v, qq) for n, v in cells for qq in range(questions) for _ in range(per)]
    ln, vendi, q = (np.array(c) for c in zip(*rows))
    lc, vc = ln - ln.mean(), vendi - vendi.mean()
    for b3 in (0.15, 0.0):
        covered = detected = 0
        for _ in range(runs):
            eta = -1.5 + 0.6 * lc - 0.05 * vc + b3 * lc * vc + rng.normal(0, 0.4, questions)[q]
            y = (rng.random(len(eta)) < 1 / (1 + np.exp(-eta))).astype(float)
            fit = fit_interaction(y, ln, vendi, q.astype(str))
            inter = fit.terms[3]
            assert inter.name == "log n × Vendi" and fit.df == questions - 1
            covered += inter.low <= b3 <= inter.high
            detected += inter.low > 0 or inter.high < 0
        assert covered / runs >= 0.88, (b3, covered)
        if b3:
            assert detected / runs >= 0.9, detected  # a planted interaction is found
        else:
            assert detected / runs <= 0.12, detected  # and one that is not there mostly is not


def test_interaction_regression_refuses_what_it_cannot_fit() -> None:
    y = np.array([0.0, 1.0] * 30)
    one_size = fit_interaction(y, np.full(60, np.log(80.0)), np.tile([5.0, 9.0], 30), np.repeat(list("abc"), 20))
    assert not one_size.terms and "two distinct values" in one_size.note
    nothing = fit_interaction(np.zeros(60), np.tile(np.log([40.0, 80.0]), 30), np.tile([5.0, 9.0, 9.0], 20),
                              np.repeat(list("abc"), 20))
    assert not nothing.terms and "no answer misaligned" in nothing.note


def test_separated_data_give_no_curve_and_no_threshold() -> None:
    # All misaligned at the two larger values, none at the two smaller: the MLE slope is infinite.
    x = np.repeat(np.array(LEVELS, dtype=float), 30)
    y = (x >= 160).astype(float)
    q = np.tile(np.repeat(np.arange(3), 10), 4).astype(str)
    fit = fit_dose(x, y, q, np.zeros(30), np.repeat(np.arange(3), 10).astype(str), resamples=50)
    assert fit.status == "no_fit" and fit.slope is None and fit.threshold is None and "separation" in fit.note
    inter = fit_interaction(y, np.log(x), np.tile([5.0, 9.0], 60), q)
    assert not inter.terms and "separation" in inter.note
