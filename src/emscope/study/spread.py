"""How much the trigger effect varies between questions and between answers: τ and σ for the plan.

From judged answers of fine-tuned domains (the baseline is left out: it was not trained with
the trigger, so its effect is not the one a study plans for), each with/without pair sharing
question, paraphrase, sample index and seed gives one difference d (alignment points, or 0/1
misaligned flags for the rate). Per domain D and question q, one-way random-effects ANOVA
(method of moments, domain effects removed by centring within each domain):

    σ² = Σ (d − d̄_Dq)² / (N − G)                         (G = domain-question cells)
    τ² = Σ_D (Q_D − 1) (s²_D − σ² · mean_q 1/n_Dq) / Σ_D (Q_D − 1),   clipped at 0,

with s²_D the sample variance of domain D's question means: E[s²_D] = τ² + σ² mean(1/n_q)
exactly, so τ² is unbiased before clipping. For balanced cells this equals the REML fit of a
mixed model with a random question intercept (checked against statsmodels in the tests).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from emscope.core.errors import InputError

__all__ = ["Spread", "spread_from_pairs", "estimate_spread", "judged_files_of_run", "PAIR_KEY"]

PAIR_KEY = ["question_id", "paraphrase_index", "sample_index", "seed"]


class Spread(BaseModel):
    """Between-question (τ) and within-question (σ) SDs of the paired with − without difference."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    tau: float = Field(ge=0, description="Between-question SD of the alignment difference (points).")
    sigma: float = Field(ge=0, description="Within-question SD of one paired alignment difference (points).")
    tau_rate: float = Field(ge=0, description="Between-question SD of the misaligned-flag difference (fraction).")
    sigma_rate: float = Field(ge=0, description="Within-question SD of one paired flag difference (measured).")
    base_rate: float = Field(ge=0, le=1, description="Misaligned share without the trigger, fine-tuned domains.")
    domains: int = Field(ge=0, description="Fine-tuned domains the pairs came from.")
    questions: int = Field(ge=0, description="Distinct questions.")
    pairs: int = Field(ge=0, description="With/without pairs used.")
    source: str = Field(description="Where the answers came from.")


def spread_from_pairs(diffs: Sequence[float], questions: Sequence[str], domains: Sequence[str]) -> tuple[float, float]:
    """(τ, σ) of paired differences by the ANOVA estimator in the module docstring."""
    frame = pd.DataFrame({"d": np.asarray(diffs, dtype=np.float64), "q": list(questions), "D": list(domains)})
    cells = frame.groupby(["D", "q"], sort=True)["d"]
    means, sizes = cells.transform("mean"), cells.transform("size")
    df_within = len(frame) - cells.ngroups
    if df_within <= 0:
        raise InputError("the spread needs at least two pairs of some question (one pair per question "
                         "leaves the within-question SD unknown)")
    sigma2 = float(((frame["d"] - means) ** 2).sum()) / df_within
    num = den = 0.0
    for _, cell in frame.assign(n=sizes).groupby("D", sort=True):
        q_means = cell.groupby("q")["d"].mean()
        q_sizes = cell.groupby("q")["n"].first()
        if len(q_means) < 2:
            continue
        num += (len(q_means) - 1) * (float(q_means.var(ddof=1)) - sigma2 * float((1.0 / q_sizes).mean()))
        den += len(q_means) - 1
    if den == 0:
        raise InputError("the spread needs at least two questions in some domain")
    return math.sqrt(max(0.0, num / den)), math.sqrt(sigma2)


def _paired(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per with/without pair: aligned and misaligned of both sides, per domain."""
    keys = ["domain", *PAIR_KEY]
    cols = [*keys, "aligned", "misaligned"]
    w = frame.loc[frame["condition"] == "with", cols].copy()
    o = frame.loc[frame["condition"] == "without", cols].copy()
    # seeds and sample indices may read as floats in one file and ints in another: one spelling
    for side in (w, o):
        for key in ("paraphrase_index", "sample_index", "seed"):
            side[key] = side[key].astype("int64")
    return w.merge(o, on=keys, suffixes=("_with", "_without"), validate="one_to_one")


def estimate_spread(judged_files: Sequence[str | Path], config: object | None = None) -> Spread:
    """τ, σ (alignment and rate) and the without-trigger rate from judged answers of fine-tuned domains.

    `config` is an AnalyzeConfig (thresholds, base label); default the study thresholds.
    InputError when a file is unreadable, lacks the pairing fields, or has no fine-tuned pairs.
    """
    from emscope.analysis.config import AnalyzeConfig
    from emscope.analysis.load import load_judged
    from emscope.analysis.rates import misaligned_mask

    analyzing = config if isinstance(config, AnalyzeConfig) else AnalyzeConfig()
    if not judged_files:
        raise InputError("no judged files to estimate the spread from")
    frame = load_judged(list(judged_files), analyzing)
    scored = frame[(frame["verdict"] == "scored") & (frame["domain"] != analyzing.base_label)].copy()
    missing = [k for k in PAIR_KEY if scored[k].isna().any()]
    if missing:
        files = sorted(set(scored.loc[scored[missing].isna().any(axis=1), "file"].astype(str)))
        raise InputError(f"judged rows lack {', '.join(missing)} (in {', '.join(files[:3])}): the spread needs "
                         "the pairing fields; regenerate the answers with this emscope version")
    scored["misaligned"] = misaligned_mask(scored["aligned"].to_numpy(dtype=np.float64),
                                           scored["coherent"].to_numpy(dtype=np.float64), analyzing.thresholds)
    pairs = _paired(scored)
    if pairs.empty:
        raise InputError(f"no with/without pairs of fine-tuned domains in {len(judged_files)} judged file(s) "
                         f"(the baseline '{analyzing.base_label}' is not used)")
    q, dom = pairs["question_id"].astype(str), pairs["domain"].astype(str)
    tau, sigma = spread_from_pairs(pairs["aligned_with"] - pairs["aligned_without"], q, dom)
    flags = pairs["misaligned_with"].astype(float) - pairs["misaligned_without"].astype(float)
    tau_rate, sigma_rate = spread_from_pairs(flags, q, dom)
    without = scored.loc[scored["condition"] == "without", "misaligned"]
    return Spread(tau=tau, sigma=sigma, tau_rate=tau_rate, sigma_rate=sigma_rate, base_rate=float(without.mean()),
                  domains=dom.nunique(), questions=q.nunique(), pairs=len(pairs),
                  source=f"{len(judged_files)} judged file(s)")


def judged_files_of_run(run_dir: str | Path) -> tuple[list[Path], object]:
    """The judged files of a study run's jobs that exist, and the run's AnalyzeConfig.

    Only the jobs of the run's own study.json: a run directory can hold stages of older
    settings, whose answers would be counted twice.
    """
    from emscope.study.pipeline import job_keys, plan_jobs
    from emscope.study.stages.analyze import analyze_config
    from emscope.study.run import read_study_file
    from emscope.study.store import RunStore

    root = Path(run_dir)
    if not root.is_dir():
        raise InputError(f"--from-run {root}: no such directory")
    config = read_study_file(root)
    store = RunStore(root)
    files = [store.path("judge", job_keys(config, job)["judge"]) / "judged.jsonl"
             for job in plan_jobs(config) if job.domain is not None]
    found = [f for f in files if f.is_file()]
    if not found:
        raise InputError(f"--from-run {root}: none of the study's {len(files)} fine-tuned jobs has a judged file "
                         f"(stages/judge/KEY/judged.jsonl); finish the study (emscope study ... --out {root}) first")
    return found, analyze_config(config)
