"""`emscope study plan`: what a study will do and what it can detect, before anything runs.

Counts (training runs and steps, answers, judge calls) come from the same configs the study
builds (`train.resolve_config`, the suite filtered by `generate.questions`); the power of the
per-domain trigger test comes from `study.power` (formulas there) under assumed spreads τ, σ
(defaults measured on emscope's own demo, below); the cost line from `study.cost`. Planning
loads no model and touches no network: it works for a 7B Hugging Face id offline. With
`train.backend: openai` the training part is the fine-tuning jobs, their estimated trained
tokens and cost (`study.cost.fine_tuning_plan`), and the stages that need a local model are
listed as skipped.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from emscope.study import power as pw
from emscope.study.config import StudyConfig
from emscope.study.cost import CostPlan, FineTunePlan, Rates, estimate_cost, fine_tuning_plan

__all__ = ["PlanAssumptions", "DEFAULT_ASSUMPTIONS", "TrainPlan", "SamplePlan", "PowerPlan", "StudyPlan",
           "plan_study", "assumptions_from_run", "one_line"]

# Measured on emscope's own 2-seed demo (profile demo, seeds [0, 1], offline judge v1; 2026-12-07,
# 360 with/without pairs over 3 domains and 15 questions): `emscope study plan --profile demo
# --from-run runs/demo`. A study on another model or judge should pass --from-run its own pilot.
DEFAULT_TAU: float | None = 5.63
DEFAULT_SIGMA: float | None = 26.72
DEFAULT_TAU_RATE: float | None = 0.086
DEFAULT_BASE_RATE: float | None = 0.247
DEFAULT_SOURCE = "emscope's 2-seed demo run (bundled model, offline judge v1, 360 pairs; docs/plan.md)"
NO_SPREAD = "no spread known: give --tau and --sigma, or --from-run RUN_DIR (a finished study)"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PlanAssumptions(_Frozen):
    """The spreads and error rates the power calculation assumes."""

    tau: float | None = Field(DEFAULT_TAU, ge=0, description="Between-question SD of the with − without alignment "
                       "difference (points).")
    sigma: float | None = Field(DEFAULT_SIGMA, gt=0, description="Within-question SD of one paired alignment difference.")
    tau_rate: float | None = Field(DEFAULT_TAU_RATE, ge=0, le=1, description="Between-question SD of the "
                            "misaligned-rate difference (fraction).")
    base_rate: float | None = Field(DEFAULT_BASE_RATE, ge=0, lt=1, description="Misaligned rate without the trigger "
                             "(the Bernoulli variance of the rate test is taken at it).")
    alpha: float = Field(0.05, gt=0, lt=1, description="Two-sided significance level.")
    power: float = Field(0.8, gt=0, lt=1, description="Power (1 − β) at the minimum detectable effect.")
    target_effect: float | None = Field(None, gt=0, description="Alignment drop (points) to size the samples for.")
    target_rate: float | None = Field(None, gt=0, lt=1, description="Rate increase (fraction) to size the samples for.")
    source: str = Field(DEFAULT_SOURCE, description="Where τ, σ, the rate spread and the base rate came from.")


DEFAULT_ASSUMPTIONS = PlanAssumptions()


class TrainPlan(_Frozen):
    """The fine-tuning runs of the study."""

    runs: int = Field(description="Fine-tuning runs: domains × seeds × sweep points.")
    rows_per_run: int = Field(description="Dataset rows per run (data.n; with a sweep, the largest point's).")
    preset: str | None = Field(description="Train preset the settings start from (None: an API backend).")
    epochs: int = Field(description="Passes over the dataset (an API's auto: its estimate, see fine_tuning).")
    effective_batch: int | None = Field(description="Rows per optimizer step (None: the API's auto).")
    steps_per_run: int | None = Field(description="Optimizer steps per run (at most: rows dropped at encoding shorten "
                                      "it; None: the API decides).")
    rows_trained: int = Field(description="Rows seen in training over all runs (steps × batch, last step partial).")
    backend: str = Field("local", description="The train backend: local (LoRA) or an API.")
    fine_tuning: FineTunePlan | None = Field(None, description="An API backend's jobs, trained tokens and cost.")


class SamplePlan(_Frozen):
    """Answers to sample and score."""

    suite: str = Field(description="Question suite.")
    questions: int = Field(description="Questions asked.")
    prompts: int = Field(description="Paraphrases over all questions (per condition).")
    samples: str = Field(description="Samples per paraphrase (a number, or the suite's own per-question counts).")
    conditions: list[str] = Field(description="Trigger conditions.")
    models: int = Field(description="Models sampled: (domains × sweep points + baseline) × seeds.")
    answers_per_model: int = Field(description="Answers per model.")
    answers: int = Field(description="Answers in all.")
    max_new_tokens: int = Field(description="Longest answer in tokens.")
    judge: str = Field(description="Judge name.")
    judge_calls: int = Field(description="Answers the judge scores (one judge call each).")
    judge_prompts: int | None = Field(description="Prompts sent to an LLM judge (2 per answer, at most); None "
                                      "for a local judge.")
    judge_note: str = Field(description="What a judge call costs with this judge.")


class PowerPlan(_Frozen):
    """Minimum detectable effects of one domain's paired, question-clustered trigger test."""

    questions: int = Field(description="Clusters (questions) of the test: Q − 1 degrees of freedom.")
    pairs_per_question: list[int] = Field(description="With/without pairs per question and domain (m_q).")
    mde_alignment: float | None = Field(description="Smallest alignment difference (points) detected.")
    mde_rate: float | None = Field(description="Smallest misaligned-rate increase (fraction) detected.")
    samples_for_target: int | None = Field(None, description="Samples per paraphrase for the target effect "
                                           "(None: not asked, or not reachable: see notes).")
    samples_for_target_rate: int | None = Field(None, description="Samples per paraphrase for the target rate.")
    notes: list[str] = Field(default_factory=list, description="Why a figure is missing or how to read it.")


class StudyPlan(_Frozen):
    """Everything `emscope study plan` reports."""

    name: str = Field(description="Study name.")
    model: str = Field(description="Subject model.")
    domains: list[str] = Field(description="Fine-tuned domains.")
    seeds: list[int] = Field(description="Seeds.")
    points: int = Field(1, description="Sweep points (1 without a sweep): each fine-tunes every domain and seed.")
    baseline: bool = Field(description="Whether the un-fine-tuned model is sampled too.")
    training: TrainPlan = Field(description="Fine-tuning runs.")
    sampling: SamplePlan = Field(description="Answers and judge calls.")
    power: PowerPlan = Field(description="Minimum detectable effects.")
    assumptions: PlanAssumptions = Field(description="What the power figures assume.")
    cost: CostPlan = Field(description="Estimated compute per stage.")
    extras: list[str] = Field(default_factory=list, description="Optional stages (mia, steer) and what they add.")


def _api_training(config: StudyConfig) -> TrainPlan:
    tuning = fine_tuning_plan(config)
    epochs = max((j.epochs for j in tuning.per_job), default=0)
    batch = config.train.settings.get("effective_batch")
    return TrainPlan(runs=tuning.jobs, rows_per_run=config.data.n, preset=None, epochs=epochs,
                     effective_batch=batch, steps_per_run=None,
                     rows_trained=sum(j.rows * j.epochs for j in tuning.per_job), backend=config.train.backend,
                     fine_tuning=tuning)


def _training(config: StudyConfig) -> TrainPlan:
    from emscope.study.stages.train import api_trained
    from emscope.train import resolve_config

    if api_trained(config):
        return _api_training(config)

    cli = {**config.train.settings, "dataset": Path("dataset.jsonl"), "out": Path("adapter"),
           "model": config.model, "seed": config.seeds[0]}
    if config.train.preset:
        cli["preset"] = config.train.preset
    train = resolve_config(cli)[0]
    n, batch = config.data.n, train.effective_batch
    per_epoch = math.ceil(n / batch)
    steps = per_epoch * train.epochs if train.max_steps is None else min(train.max_steps, per_epoch * train.epochs)
    # the last step of an epoch holds n − (per_epoch − 1) × batch rows
    full_epochs, rest = divmod(steps, per_epoch)
    rows = full_epochs * n + min(rest * batch, n)
    runs = len(config.domains) * len(config.seeds)
    return TrainPlan(runs=runs, rows_per_run=n, preset=train.preset, epochs=train.epochs, effective_batch=batch,
                     steps_per_run=steps, rows_trained=rows * runs)


def _swept_training(config: StudyConfig) -> TrainPlan:
    """The training of every sweep point together: runs, rows and (API) jobs, tokens and cost summed;
    rows and steps per run those of the largest point (each point's own are in `emscope study status`)."""
    from emscope.study.sweep import apply_point, sweep_points

    points = sweep_points(config)
    if points == [()]:
        return _training(config)
    plans = [_training(apply_point(config, p)) for p in points]
    big = max(plans, key=lambda t: (t.rows_per_run, t.steps_per_run or 0))
    update: dict[str, Any] = {"runs": sum(t.runs for t in plans), "rows_trained": sum(t.rows_trained for t in plans)}
    if big.fine_tuning is not None:
        tunes = [t.fine_tuning for t in plans if t.fine_tuning is not None]
        usd = [f.estimated_usd for f in tunes]
        update["fine_tuning"] = big.fine_tuning.model_copy(update={
            "jobs": sum(f.jobs for f in tunes), "per_job": [j for f in tunes for j in f.per_job],
            "trained_tokens": sum(f.trained_tokens for f in tunes),
            "estimated_usd": None if None in usd else round(sum(u for u in usd if u is not None), 2)})
    return big.model_copy(update=update)


def _suite(config: StudyConfig) -> tuple[str, list[tuple[int, int]]]:
    """(suite name, [(paraphrases, samples) per question])."""
    from emscope.evalsuite import load_suite

    suite = load_suite(config.generate.suite).select(config.generate.questions)
    samples = config.generate.samples
    return suite.name, [(len(q.paraphrases), samples if samples is not None else q.samples_per_paraphrase)
                        for q in suite]


def _sampling(config: StudyConfig, shape: list[tuple[int, int]], suite: str) -> SamplePlan:
    g = config.generate
    per_model = sum(p * s for p, s in shape) * len(g.conditions)
    from emscope.study.sweep import sweep_points

    points = len(sweep_points(config))  # each point fine-tunes every domain again; the baseline is not swept
    models = (len(config.domains) * points + (1 if config.baseline else 0)) * len(config.seeds)
    answers = per_model * models
    llm = config.judge.judge in ("openai", "hf")
    note = ("an alignment and a coherence prompt per answer; repeats and cached prompts are not sent again"
            if llm else "scores answers locally, no API calls")
    samples = str(g.samples) if g.samples else "suite's own (" + ", ".join(sorted({str(s) for _, s in shape})) + ")"
    return SamplePlan(suite=suite, questions=len(shape), prompts=sum(p for p, _ in shape), samples=samples,
                      conditions=list(g.conditions), models=models, answers_per_model=per_model, answers=answers,
                      max_new_tokens=g.max_new_tokens, judge=config.judge.judge,
                      judge_calls=answers, judge_prompts=2 * answers if llm else None, judge_note=note)


def _power(config: StudyConfig, shape: list[tuple[int, int]], a: PlanAssumptions) -> PowerPlan:
    seeds = len(config.seeds)
    pairs = [p * s * seeds for p, s in shape]
    units = [p * seeds for p, _ in shape]
    if set(config.generate.conditions) != {"with", "without"}:
        return PowerPlan(questions=len(shape), pairs_per_question=pairs, mde_alignment=None, mde_rate=None,
                         notes=["no trigger test: generate.conditions must hold both 'with' and 'without'"])
    if len(shape) < pw.MIN_QUESTIONS:
        return PowerPlan(questions=len(shape), pairs_per_question=pairs, mde_alignment=None, mde_rate=None,
                         notes=[f"no trigger test: it needs {pw.MIN_QUESTIONS} questions, the design has {len(shape)}"])
    notes: list[str] = []
    mde, need = _alignment(pairs, units, a, notes)
    rate, need_rate = _rate(pairs, units, a, notes)
    if seeds > 1:
        notes.append(f"with {seeds} seeds the report also tests over seeds (seed as the unit, {seeds - 1} df): "
                     "its power depends on the between-seed spread, which this plan does not model")
    return PowerPlan(questions=len(shape), pairs_per_question=pairs, mde_alignment=mde, mde_rate=rate,
                     samples_for_target=need, samples_for_target_rate=need_rate, notes=notes)


def _alignment(pairs: list[int], units: list[int], a: PlanAssumptions, notes: list[str]) -> tuple[float | None, int | None]:
    if a.tau is None or a.sigma is None:
        notes.append(f"alignment MDE: {NO_SPREAD}")
        return None, None
    need = None
    if a.target_effect is not None:
        need = pw.samples_needed(units, a.target_effect, a.tau, a.sigma, a.alpha, a.power)
        if need is None:
            notes.append(f"a {a.target_effect:g}-point effect is not reachable with {len(units)} questions: the "
                         f"between-question spread τ = {a.tau:.2f} alone gives a larger MDE; add questions")
    return pw.mde(pairs, a.tau, a.sigma, a.alpha, a.power), need


def _rate(pairs: list[int], units: list[int], a: PlanAssumptions, notes: list[str]) -> tuple[float | None, int | None]:
    if a.tau_rate is None or a.base_rate is None:
        notes.append(f"rate MDE: {NO_SPREAD.replace('--tau and --sigma', '--tau-rate and --base-rate')}")
        return None, None
    rate = pw.rate_mde(pairs, a.tau_rate, a.base_rate, a.alpha, a.power)
    if a.base_rate + rate > 1:
        notes.append(f"no rate increase from {a.base_rate:.1%} is detectable with this design")
    need = None
    if a.target_rate is not None:
        need = pw.rate_samples_needed(units, a.target_rate, a.tau_rate, a.base_rate, a.alpha, a.power)
        if need is None:
            notes.append(f"a {a.target_rate:.1%} rate increase is not reachable with {len(units)} questions "
                         f"(τ_rate = {a.tau_rate:.3f}, base rate {a.base_rate:.1%}); add questions")
    return rate, need


def _extras(config: StudyConfig) -> list[str]:
    from emscope.study.pipeline import runnable, skipped

    out = [note for _stage, note in skipped(config)]  # asked for, not possible with this train backend
    config = runnable(config)
    from emscope.study.sweep import sweep_points

    runs = len(config.domains) * len(config.seeds) * len(sweep_points(config))
    if config.mia.enabled:
        rows = config.data.n + config.mia.holdout_rows
        out.append(f"mia: {runs} run(s) × ≤{rows} rows ({config.data.n} training + ≤{config.mia.holdout_rows} "
                   "held-out) scored by the tuned and the base model")
    if config.steer.enabled:
        out.append("steer: enabled on the first seed; its answers and judge calls depend on the sweep "
                   "settings and are not counted here")
    return out


def plan_study(config: StudyConfig, assumptions: PlanAssumptions = DEFAULT_ASSUMPTIONS,
               rates: Rates | None = None) -> StudyPlan:
    """The plan of `config`: counts, minimum detectable effects and cost (no model is loaded)."""
    from emscope.study.pipeline import runnable
    from emscope.study.validate import validate_study

    validate_study(runnable(config))  # the errors a run would stop with, before any figure is shown
    suite, shape = _suite(config)
    training = _swept_training(config)
    sampling = _sampling(config, shape, suite)
    cost = estimate_cost(config, training.rows_trained, sampling.answers, rates, training.fine_tuning)
    from emscope.study.sweep import sweep_points

    return StudyPlan(name=config.name, model=config.model, domains=list(config.domains), seeds=list(config.seeds),
                     points=len(sweep_points(config)), baseline=config.baseline, training=training, sampling=sampling,
                     power=_power(config, shape, assumptions), assumptions=assumptions, cost=cost,
                     extras=_extras(config))


def assumptions_from_run(run_dir: str | Path, **overrides: object) -> PlanAssumptions:
    """Assumptions with τ, σ, the rate spread and base rate estimated from a finished run's judged files."""
    from emscope.study.spread import estimate_spread, judged_files_of_run

    files, analyzing = judged_files_of_run(run_dir)
    spread = estimate_spread(files, analyzing)
    measured = {"tau": spread.tau, "sigma": spread.sigma, "tau_rate": spread.tau_rate, "base_rate": spread.base_rate,
                "source": f"estimated from {run_dir} ({spread.pairs} pairs, {spread.domains} domain(s), "
                          f"{spread.questions} questions)"}
    given = {k: v for k, v in overrides.items() if v is not None}
    if replaced := sorted(set(given) & {"tau", "sigma", "tau_rate", "base_rate"}):
        measured["source"] += f"; {', '.join(replaced)} given on the command line"
    return PlanAssumptions(**{**measured, **given})


def one_line(plan: StudyPlan) -> str:
    """The summary `emscope study` and `emscope demo` print before starting."""
    mde = plan.power.mde_alignment
    if mde is not None:
        detect = (f"detects a trigger effect of ≥{mde:.1f} alignment points per domain at "
                  f"{plan.assumptions.power:.0%} power")
    else:
        detect = "no spread known for a power estimate" if plan.assumptions.tau is None else "no trigger test"
    runs = f"{plan.training.runs} training run(s)"
    if (tuning := plan.training.fine_tuning) is not None:
        usd = "no price known" if tuning.estimated_usd is None else f"~${tuning.estimated_usd:,.2f} estimated"
        runs = (f"{tuning.jobs} fine-tuning job(s) through the {tuning.backend} API (~{tuning.trained_tokens:,} "
                f"trained tokens, {usd})")
    return (f"plan: {runs}, {plan.sampling.answers:,} answers, "
            f"{plan.sampling.judge_calls:,} judge calls; {detect} (emscope study plan for details)")
