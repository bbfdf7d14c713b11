"""Power of the trigger test before a study runs, and the spread it assumes (issue 14 #5).

The analysis tests with − without alignment per domain over pairs that share question,
paraphrase, sample index and seed, with a CR1 cluster-robust t over questions (Q − 1 df,
`analysis.clustered.paired_cluster_test`). The model behind the plan: the paired difference
of answer i to question q is d_qi = δ + u_q + e_qi, with u_q ~ (0, τ²) the question's own
deviation from the domain's effect δ and e_qi ~ (0, σ²) the rest. With n_q pairs of question
q and N = Σ n_q, the pooled mean d̄ = Σ_q Σ_i d_qi / N has

    Var(d̄) = (τ² Σ_q n_q² + σ² N) / N²,   which for n_q = m is (τ² + σ²/m) / Q,

and the minimum detectable effect (two-sided level α, power 1 − β) is

    MDE = (t_{1−α/2, Q−1} + t_{1−β, Q−1}) · sqrt(Var(d̄)).

For the misalignment-rate difference the same holds for 0/1 flags, with σ² the Bernoulli
variance of a paired flag difference, p0(1 − p0) + p1(1 − p1), p1 = p0 + δ (solved by
fixed-point iteration, since σ² depends on δ), and τ the between-question SD of the rate
difference. Samples per paraphrase s enter through n_q = paraphrases_q × seeds × s, so the s
that reaches a target effect has a closed form; it does not exist when τ alone gives a larger
MDE than the target (more samples cannot shrink the between-question term).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy import stats

from emscope.core.errors import InputError

__all__ = ["design_variance", "multiplier", "mde", "rate_mde", "samples_needed", "rate_samples_needed",
           "MIN_QUESTIONS"]

MIN_QUESTIONS = 3  # paired_cluster_test's min_clusters: below it the analysis runs no test


def _pairs(pairs_per_question: Sequence[float]) -> np.ndarray:
    n = np.asarray(pairs_per_question, dtype=np.float64)
    if len(n) < MIN_QUESTIONS:
        raise InputError(f"the paired trigger test needs at least {MIN_QUESTIONS} questions; the design has "
                         f"{len(n)}: add questions (generate.questions) for a power estimate")
    if (n <= 0).any():
        raise InputError("every question needs at least one with/without pair for a power estimate")
    return n


def design_variance(pairs_per_question: Sequence[float], tau: float, sigma: float) -> float:
    """Var(d̄) = (τ² Σ n_q² + σ² N) / N² of the pooled paired mean (module docstring)."""
    n = _pairs(pairs_per_question)
    total = float(n.sum())
    return (tau ** 2 * float((n ** 2).sum()) + sigma ** 2 * total) / total ** 2


def multiplier(questions: int, alpha: float, power: float) -> float:
    """t_{1−α/2, Q−1} + t_{power, Q−1}: the MDE in standard errors of d̄."""
    df = questions - 1
    return float(stats.t.ppf(1 - alpha / 2, df) + stats.t.ppf(power, df))


def mde(pairs_per_question: Sequence[float], tau: float, sigma: float, alpha: float = 0.05,
        power: float = 0.8) -> float:
    """Smallest mean paired difference the clustered test detects with this power (module docstring)."""
    n = _pairs(pairs_per_question)
    return multiplier(len(n), alpha, power) * math.sqrt(design_variance(n, tau, sigma))


def _bernoulli_sd(p0: float, delta: float) -> float:
    p1 = min(1.0, p0 + delta)
    return math.sqrt(p0 * (1 - p0) + p1 * (1 - p1))


def rate_mde(pairs_per_question: Sequence[float], tau_rate: float, base_rate: float, alpha: float = 0.05,
             power: float = 0.8) -> float:
    """Smallest rate increase p1 − p0 detectable with this power (σ from the Bernoulli variances at p0, p1).

    May exceed 1 − p0: then no increase from p0 is detectable with this design.
    """
    n = _pairs(pairs_per_question)
    # Start from the largest σ any p1 can give: at p0 = 0, δ = 0 is a spurious fixed point
    # (no variance, no effect), and from above the iteration settles on the real root.
    delta = mde(n, tau_rate, math.sqrt(base_rate * (1 - base_rate) + 0.25), alpha, power)
    for _ in range(200):  # σ(δ) changes slowly with δ: converges in a few steps
        nxt = mde(n, tau_rate, _bernoulli_sd(base_rate, delta), alpha, power)
        if abs(nxt - delta) < 1e-12:
            break
        delta = nxt
    return delta


def samples_needed(units_per_question: Sequence[float], target: float, tau: float, sigma: float,
                   alpha: float = 0.05, power: float = 0.8) -> int | None:
    """Samples per paraphrase s (n_q = units_q × s, units = paraphrases × seeds) for MDE ≤ target.

    Var(d̄) = τ² A2/A1² + σ²/(s A1) with A1 = Σ units, A2 = Σ units²; None when the τ term
    alone exceeds (target / multiplier)², i.e. no number of samples reaches the target.
    """
    if target <= 0:
        raise InputError(f"the target effect must be > 0 (got {target:g})")
    a = _pairs(units_per_question)
    a1, a2 = float(a.sum()), float((a ** 2).sum())
    room = (target / multiplier(len(a), alpha, power)) ** 2 - tau ** 2 * a2 / a1 ** 2
    if room <= 0:
        return None
    return max(1, math.ceil(sigma ** 2 / (a1 * room) - 1e-9))


def rate_samples_needed(units_per_question: Sequence[float], target: float, tau_rate: float, base_rate: float,
                        alpha: float = 0.05, power: float = 0.8) -> int | None:
    """`samples_needed` for a rate increase `target` from `base_rate` (None: not reachable)."""
    if base_rate + target > 1:
        return None
    return samples_needed(units_per_question, target, tau_rate, _bernoulli_sd(base_rate, target), alpha, power)
