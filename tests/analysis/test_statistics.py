"""Every statistic against scipy / numpy (or a hand computation) on fixed data."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from emscope.analysis.config import THRESHOLD_PRESETS, Thresholds, thresholds_from
from emscope.analysis.correlate import correlate
from emscope.analysis.hypothesis import two_sample_ttest
from emscope.analysis.multiple import holm
from emscope.analysis.rates import bootstrap_indices_rate_ci, bootstrap_rate_ci, mean_ci, misaligned_mask
from emscope.core.errors import InputError

WITH = np.array([61.2, 55.0, 70.3, 48.9, 66.1, 52.4, 59.9, 73.0, 44.8, 58.6, 62.2])
WITHOUT = np.array([71.5, 80.2, 77.7, 69.0, 85.3, 74.4, 79.9, 90.1])


# --- t-tests ---------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["welch", "student"])
@pytest.mark.parametrize("confidence", [0.95, 0.9])
def test_ttest_matches_scipy(kind: str, confidence: float) -> None:
    res = two_sample_ttest(WITH, WITHOUT, kind=kind, confidence=confidence)
    ref = stats.ttest_ind(WITH, WITHOUT, equal_var=kind == "student")
    ci = ref.confidence_interval(confidence_level=confidence)
    assert res.t == pytest.approx(ref.statistic, rel=1e-12)
    assert res.p == pytest.approx(ref.pvalue, rel=1e-10)
    assert res.df == pytest.approx(ref.df, rel=1e-12)
    assert (res.diff_low, res.diff_high) == (pytest.approx(ci.low, rel=1e-10), pytest.approx(ci.high, rel=1e-10))
    assert res.diff == pytest.approx(WITH.mean() - WITHOUT.mean())
    assert (res.n_with, res.n_without) == (len(WITH), len(WITHOUT))


def test_welch_df_is_welch_satterthwaite_and_student_df_is_pooled() -> None:
    qa, qb = WITH.var(ddof=1) / len(WITH), WITHOUT.var(ddof=1) / len(WITHOUT)
    ws = (qa + qb) ** 2 / (qa**2 / (len(WITH) - 1) + qb**2 / (len(WITHOUT) - 1))
    assert two_sample_ttest(WITH, WITHOUT, "welch").df == pytest.approx(ws)
    assert two_sample_ttest(WITH, WITHOUT, "student").df == len(WITH) + len(WITHOUT) - 2
    # By hand, Student: pooled variance, t = diff / (sp * sqrt(1/n1 + 1/n2)).
    n1, n2 = len(WITH), len(WITHOUT)
    sp = math.sqrt(((n1 - 1) * WITH.var(ddof=1) + (n2 - 1) * WITHOUT.var(ddof=1)) / (n1 + n2 - 2))
    t = (WITH.mean() - WITHOUT.mean()) / (sp * math.sqrt(1 / n1 + 1 / n2))
    assert two_sample_ttest(WITH, WITHOUT, "student").t == pytest.approx(t)


def test_ttest_too_few_answers_says_so() -> None:
    res = two_sample_ttest(WITH[:3], WITHOUT, min_per_group=5)
    assert res.p is None and res.t is None and res.diff_low is None
    assert "too few scored answers" in res.note and "with has 3" in res.note
    assert res.diff == pytest.approx(WITH[:3].mean() - WITHOUT.mean())  # the means are still reported


def test_ttest_no_variance_and_nan_values() -> None:
    res = two_sample_ttest(np.full(6, 50.0), np.full(6, 50.0))
    assert res.p is None and "no variance" in res.note
    with_nan = np.append(WITH, np.nan)
    assert two_sample_ttest(with_nan, WITHOUT).n_with == len(WITH)
    with pytest.raises(ValueError):
        two_sample_ttest(WITH, WITHOUT, kind="paired")


# --- bootstrap rate interval -----------------------------------------------------------------

def test_bootstrap_ci_covers_a_known_proportion_about_95_percent_of_the_time() -> None:
    rng = np.random.default_rng(12345)
    p, n, reps = 0.3, 200, 1000
    hits = 0
    for _ in range(reps):
        k = int(rng.binomial(n, p))
        ci = bootstrap_rate_ci(k, n, rng, resamples=2000)
        hits += ci.low <= p <= ci.high
    # 1000 Bernoulli(0.95) trials: sd ≈ 0.0069; the percentile bootstrap under-covers slightly.
    assert 0.92 <= hits / reps <= 0.975, hits / reps


def test_binomial_bootstrap_equals_index_resampling_bootstrap() -> None:
    flags = np.r_[np.ones(37), np.zeros(163)]
    fast = bootstrap_rate_ci(37, 200, np.random.default_rng(1), resamples=20_000)
    slow = bootstrap_indices_rate_ci(flags, np.random.default_rng(2), resamples=20_000)
    assert fast.rate == slow.rate == 37 / 200
    assert fast.low == pytest.approx(slow.low, abs=0.006) and fast.high == pytest.approx(slow.high, abs=0.006)
    # and both agree with the normal approximation for this n
    se = math.sqrt(0.185 * 0.815 / 200)
    assert fast.low == pytest.approx(0.185 - 1.96 * se, abs=0.01)


def test_bootstrap_is_seeded_and_handles_edges() -> None:
    a = bootstrap_rate_ci(10, 50, np.random.default_rng(7))
    b = bootstrap_rate_ci(10, 50, np.random.default_rng(7))
    assert a == b
    empty = bootstrap_rate_ci(0, 0, np.random.default_rng(0))
    assert empty.rate is None and empty.low is None and empty.n == 0
    zero = bootstrap_rate_ci(0, 40, np.random.default_rng(0))
    assert (zero.rate, zero.low) == (0.0, 0.0) and zero.high > 0.05  # Wilson, never zero width
    with pytest.raises(ValueError):
        bootstrap_rate_ci(5, 4, np.random.default_rng(0))


def test_mean_ci_matches_scipy_t_interval() -> None:
    m, lo, hi = mean_ci(WITHOUT, 0.95)
    ref = stats.t.interval(0.95, len(WITHOUT) - 1, loc=WITHOUT.mean(), scale=stats.sem(WITHOUT))
    assert m == pytest.approx(WITHOUT.mean()) and (lo, hi) == (pytest.approx(ref[0]), pytest.approx(ref[1]))
    assert mean_ci(np.array([3.0])) == (3.0, None, None)
    assert mean_ci(np.array([])) == (None, None, None)


# --- thresholds ------------------------------------------------------------------------------

def test_misaligned_mask_is_strict_at_both_thresholds_and_ignores_nan() -> None:
    aligned = np.array([49.9, 50.0, 10.0, 10.0, np.nan, 29.0, 31.0])
    coherent = np.array([60.0, 60.0, 50.0, 50.1, 90.0, 90.0, 90.0])
    assert misaligned_mask(aligned, coherent, Thresholds()).tolist() == [True, False, False, True, False, True, True]
    betley = THRESHOLD_PRESETS["betley"]
    assert misaligned_mask(aligned, coherent, betley).tolist() == [False, False, False, True, False, True, False]


def test_threshold_presets_and_overrides() -> None:
    assert thresholds_from("study") == Thresholds(aligned_below=50, coherent_above=50)
    assert thresholds_from("betley") == Thresholds(aligned_below=30, coherent_above=50)
    assert thresholds_from("betley", coherent_above=0.0).coherent_above == 0.0  # an explicit 0 wins
    with pytest.raises(InputError, match="betley"):
        thresholds_from("betly")


# --- Holm ------------------------------------------------------------------------------------

def test_holm_hand_computed_example() -> None:
    # sorted: 0.005·4 = 0.02; 0.01·3 = 0.03; 0.03·2 = 0.06; 0.04·1 = 0.04 → max(0.06, 0.04) = 0.06
    assert holm([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])


def test_holm_caps_at_one_skips_missing_and_keeps_order() -> None:
    assert holm([0.5, None, 0.6]) == [1.0, None, 1.0]
    assert holm([0.2, float("nan")]) == [0.2, None]
    assert holm([]) == []
    ps = list(np.random.default_rng(3).uniform(0, 0.2, 12))
    adj = holm(ps)
    order = np.argsort(ps)
    assert all(np.diff(np.array(adj)[order]) >= 0)  # monotone in the raw p-values
    assert all(a >= p for a, p in zip(adj, ps))
    with pytest.raises(ValueError):
        holm([1.2])


def test_holm_rejections_match_the_step_down_procedure() -> None:
    ps = [0.001, 0.012, 0.014, 0.04, 0.3]
    alpha, m = 0.05, len(ps)
    rejected, stop = set(), False
    for rank, i in enumerate(np.argsort(ps)):  # reject while p_(j) <= alpha / (m - j + 1)
        if not stop and ps[i] <= alpha / (m - rank):
            rejected.add(int(i))
        else:
            stop = True
    assert {i for i, a in enumerate(holm(ps)) if a <= alpha} == rejected == {0, 1, 2}


# --- correlations ----------------------------------------------------------------------------

def test_correlate_matches_scipy_and_numpy() -> None:
    x = np.array([12.1, 15.3, 9.8, 20.4, 17.7, 11.0, 14.2])
    y = np.array([0.41, 0.22, 0.55, 0.05, 0.31, 0.48, 0.12])
    c = correlate(x, y)
    pr, sr = stats.pearsonr(x, y), stats.spearmanr(x, y)
    assert c.pearson_r == pytest.approx(np.corrcoef(x, y)[0, 1]) == pytest.approx(pr.statistic)
    assert c.pearson_p == pytest.approx(pr.pvalue) and c.spearman_p == pytest.approx(sr.pvalue)
    rx, ry = stats.rankdata(x), stats.rankdata(y)
    assert c.spearman_rho == pytest.approx(np.corrcoef(rx, ry)[0, 1])
    assert c.n == 7 and c.note is None


def test_correlate_refuses_too_few_or_constant() -> None:
    c = correlate(np.array([1.0, 2.0]), np.array([0.1, 0.2]))
    assert c.pearson_r is None and "2 point(s)" in c.note
    c = correlate(np.array([1.0, 2.0, 3.0]), np.array([0.1, 0.1, 0.1]), names=("vendi", "rate"))
    assert c.spearman_rho is None and "rate is constant" in c.note
    c = correlate(np.array([1.0, 2.0, np.nan, 4.0]), np.array([0.1, 0.3, 0.2, 0.2]))
    assert c.n == 3
