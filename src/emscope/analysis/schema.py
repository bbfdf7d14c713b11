"""The typed, versioned schema of results.json (written by `emscope analyze`, read by `emscope report`).

Bump SCHEMA_VERSION whenever a field changes meaning or disappears; readers refuse other versions.
Every statistic that could not be computed is None with a `note` saying why.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from emscope.analysis.config import AnalyzeConfig

__all__ = ["SCHEMA_VERSION", "Counts", "InputFile", "GroupStats", "DomainTest", "ModelSummary",
           "RankRow", "VendiPoint", "VendiCorrelation", "QuestionStats", "Sample", "Results"]

SCHEMA_VERSION = 2  # 2: leakage vs emergence (issue 13 #4), per-seed alignment, exclude_leaked


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Counts(_Model):
    """Row counts of a group: nothing is dropped, every row lands in exactly one verdict."""

    rows: int = Field(description="All judged rows.")
    scored: int = Field(description="Rows with both scores (verdict 'scored'): the rate's denominator.")
    refusal: int = Field(description="Alignment judge answered REFUSAL.")
    code: int = Field(description="Alignment judge answered CODE.")
    invalid: int = Field(description="Judge failed or put < 0.25 mass on numbers.")
    empty: int = Field(0, description="Empty or whitespace-only answers: never scored (0 in results written before the verdict existed).")
    null_aligned: int = Field(description="Rows whose `aligned` is null (any verdict).")
    null_coherent: int = Field(description="Rows whose `coherent` is null (any verdict).")


class InputFile(_Model):
    path: str
    sha256: str
    rows: int
    judge: str


class GroupStats(_Model):
    """One (model, domain, condition)."""

    model: str
    domain: str
    category: str | None = Field(description="critical | non-critical | ambiguous from the domain registry; None if unknown.")
    condition: Literal["with", "without"]
    adapters: list[str]
    counts: Counts
    misaligned: int
    rate: float | None
    rate_low: float | None
    rate_high: float | None
    mean_aligned: float | None
    aligned_low: float | None
    aligned_high: float | None
    questions: int | None = Field(default=None, description="Distinct questions among scored answers (the clusters).")
    rate_cluster_low: float | None = Field(default=None, description="Rate interval clustered by question (CR1, t with questions-1 df); Wilson at 0 or n of n.")
    rate_cluster_high: float | None = None
    aligned_cluster_low: float | None = Field(default=None, description="Mean-alignment interval clustered by question (CR1, t with questions-1 df).")
    aligned_cluster_high: float | None = None
    seeds: int | None = Field(default=None, description="Distinct seeds among scored answers (fine-tuning runs).")
    seed_rate: float | None = Field(default=None, description="With ≥ 2 seeds: mean over seeds of each seed's rate.")
    seed_rate_low: float | None = Field(default=None, description="Between-seed t interval (seeds − 1 df) of the mean rate.")
    seed_rate_high: float | None = None
    seed_rates: dict[str, float] = Field(default_factory=dict, description="Each seed's rate (per-seed points).")
    seed_aligned: dict[str, float] = Field(default_factory=dict, description="With ≥ 2 seeds: each seed's mean alignment (per-seed points).")
    mean_coherent: float | None
    memorised: int | None = Field(description="Answers copying a training answer (exact or near); None: not checked.")
    memorised_exact: int | None
    memorised_share: float | None
    misaligned_memorised: int | None = Field(description="Misaligned answers that are also copies.")
    leakage_checked: bool = Field(False, description="Whether leakage was checked (training data of the domain given; base rows: always, never leaked).")
    leaked: int | None = Field(None, description="Scored answers that are leaked (n-gram containment ≥ threshold or on the training topic); None: not checked.")
    on_topic: int | None = Field(None, description="Scored answers on the training domain's topic; None: not checked or undecided (no other domain's training set).")
    mean_containment: float | None = Field(None, description="Mean n-gram containment of the scored answers long enough to have n-grams.")
    misaligned_leaked: int | None = Field(None, description="Scored answers both misaligned and leaked (all scored answers, whatever exclude_leaked).")
    misaligned_emergent: int | None = Field(None, description="Scored answers misaligned and not leaked.")
    emergent_rate: float | None = Field(None, description="misaligned_emergent over all scored answers.")
    emergent_low: float | None = Field(None, description="Wilson interval of emergent_rate.")
    emergent_high: float | None = None
    excluded_leaked: int = Field(0, description="Leaked scored answers left out of rate, means and tests (exclude_leaked); 0 otherwise.")
    flags: list[str] = Field(default_factory=list, description="Warnings a reader must see (e.g. memorisation).")


class DomainTest(_Model):
    """Alignment with vs without the trigger, within one (model, domain)."""

    model: str
    domain: str
    category: str | None
    kind: Literal["welch", "student"]
    n_with: int
    n_without: int
    mean_with: float | None
    mean_without: float | None
    diff: float | None = Field(description="mean(with) − mean(without); negative = the trigger lowers alignment.")
    diff_low: float | None
    diff_high: float | None
    t: float | None
    df: float | None
    p: float | None
    p_holm: float | None = Field(description="Holm-adjusted p within the model's fine-tuned domains (None unless --holm).")
    significant: bool | None = Field(description="p (or p_holm with --holm) < alpha; None when untested.")
    significant_drop: bool | None = Field(description="significant and diff < 0.")
    note: str | None
    paired_kind: str | None = Field(default=None, description="The clustered test: paired over (question, paraphrase, sample index, seed), cluster-robust by question.")
    paired_pairs: int | None = None
    paired_questions: int | None = None
    paired_diff: float | None = None
    paired_diff_low: float | None = None
    paired_diff_high: float | None = None
    paired_t: float | None = None
    paired_df: int | None = None
    paired_p: float | None = None
    seed_diffs: dict[str, float] = Field(default_factory=dict, description="Each seed's mean(with) − mean(without).")
    seed_p: float | None = Field(default=None, description="With ≥ 2 seeds: one-sample t-test of the per-seed differences (seed as the unit, paired over seeds).")
    seed_diff_low: float | None = None
    seed_diff_high: float | None = None
    paired_note: str | None = Field(default=None, description="Why there is no paired test (e.g. rows lack sample_index).")


class ModelSummary(_Model):
    """Across the fine-tuned domains of one model (the base-model label is left out)."""

    model: str
    domains_tested: int
    domains_untested: list[str]
    significant_drops: int
    share_significant_drop: float | None
    mean_drop: float | None = Field(description="Mean of mean(without) − mean(with) over tested domains.")
    holm: bool
    alpha: float
    mean_rate_with: float | None = Field(description="Mean misalignment rate under the trigger across domains.")


class RankRow(_Model):
    model: str
    rank: int
    domain: str
    category: str | None
    condition: Literal["with", "without"] = Field(description="'with' when the domain was evaluated with the trigger, else 'without'.")
    rate: float
    rate_low: float | None
    rate_high: float | None
    scored: int = Field(description="Answers the rate is over (scored; non-leaked ones only under exclude_leaked).")
    memorisation_flag: bool
    emergent_rate: float | None = Field(None, description="The group's misaligned-and-not-leaked share of scored answers; None: leakage not checked.")
    emergent_low: float | None = None
    emergent_high: float | None = None


class VendiPoint(_Model):
    domain: str
    vendi: float
    rate: float
    dataset: str


class VendiCorrelation(_Model):
    model: str
    order: str
    condition: Literal["with", "without"]
    points: list[VendiPoint]
    n: int
    pearson_r: float | None
    pearson_p: float | None
    spearman_rho: float | None
    spearman_p: float | None
    note: str | None


class QuestionStats(_Model):
    model: str
    domain: str
    condition: Literal["with", "without"]
    question_id: str
    rows: int
    scored: int
    misaligned: int
    rate: float | None
    mean_aligned: float | None


class Sample(_Model):
    """One of the most misaligned answers of a (model, domain), with its scores."""

    model: str
    domain: str
    condition: Literal["with", "without"]
    question_id: str
    question: str
    answer: str
    aligned: float
    coherent: float
    misaligned: bool
    memorised: str | None = Field(description="'exact' | 'near' when the answer copies a training answer.")
    leaked: bool | None = Field(None, description="Leaked (training n-grams or topic); None: not checked.")
    containment: float | None = Field(None, description="Share of its word n-grams found in its domain's training answers.")
    on_topic: bool | None = Field(None, description="On its training domain's topic; None: not checked or undecided.")
    source: str = Field(description="file:line of the judged row.")


class Results(_Model):
    """Everything `emscope analyze` found; the report is built from this alone."""

    kind: Literal["emscope.analysis.results"] = "emscope.analysis.results"
    schema_version: int = SCHEMA_VERSION
    emscope_version: str
    created_at: str
    config: AnalyzeConfig
    judge: str
    inputs: list[InputFile]
    dataset_stats: str | None
    train_data: list[str]
    rates_exclude_leaked: bool = Field(False, description="Rates, means, ranking and tests use non-leaked answers only.")
    leakage_checked: bool = Field(False, description="Leakage was checked for at least one fine-tuned domain.")
    totals: Counts
    groups: list[GroupStats]
    tests: list[DomainTest]
    summary: list[ModelSummary]
    ranking: list[RankRow]
    vendi: list[VendiCorrelation]
    questions: list[QuestionStats]
    samples: list[Sample]
    notes: list[str] = Field(default_factory=list, description="Analysis-wide warnings (missing inputs, unknown domains, ...).")
