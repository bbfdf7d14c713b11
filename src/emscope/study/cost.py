"""The plan's cost line (issue 17 #5): compute per stage from rates someone measured, never guessed.

GPU rates come from the JSON `benchmarks/gpu.py --json FILE` writes on the target GPU: per
model shape (`135m`, the bundled model; `7b`, a Qwen2.5-7B-shaped body) the median optimizer
step of emscope training (`train_<shape>.step_s`, at the preset the benchmark trains with) and
the new tokens/s of emscope's hf backend with an adapter (`gen_<shape>.tok_s`), plus the card's
name (`device`). Without such a file there is no GPU figure. For the bundled model on CPU the
one measured figure is the README's: the demo's training took 7 min on 2 CPU cores.

Fine-tuning through an API (`train.backend: openai`) costs money, not GPU hours: one job per
(domain, seed), billed per trained token. Those tokens are estimated from the study's own
datasets (built here in memory, as the build stage will build them) and labelled as an
estimate; the price comes from `emscope.train.prices`, with the study's `train.settings.prices`
over the built-in table. A finished job's manifest holds the API's real count.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from emscope.core.errors import InputError
from emscope.study.config import StudyConfig

__all__ = ["ShapeRates", "Rates", "StageCost", "CostPlan", "FineTuneJob", "FineTunePlan", "load_rates",
           "estimate_cost", "fine_tuning_plan", "auto_epochs", "estimate_tokens", "NO_RATES", "TOKEN_METHOD"]

NO_RATES = "GPU cost: no measured rates (run benchmarks/gpu.py on the target GPU and pass --rates)"
# benchmarks/gpu.py run(): the 135M shape trains with the `small` preset, the 7B shape with `paper`.
_BENCH_PRESET = {"135m": "small", "7b": "paper"}
# README (main job): the demo's training, 3 runs × 60 steps × 8 rows, took 7 min on 2 CPU cores.
_README_CPU_TRAIN_S, _README_CPU_TRAIN_ROWS = 7 * 60, 3 * 60 * 8
# OpenAI's cookbook (chat fine-tuning data preparation) estimates what n_epochs "auto" picks: 3
# epochs, more (up to 25) while fewer than 100 examples would be seen, fewer (at least 1) above 25,000.
_AUTO_TARGET, _AUTO_MIN_EXAMPLES, _AUTO_MAX_EXAMPLES, _AUTO_MIN_EPOCHS, _AUTO_MAX_EPOCHS = 3, 100, 25_000, 1, 25
# Tokens without a tokenizer: ~4 characters of English per token (OpenAI's rule of thumb), plus the
# cookbook's chat overhead: 3 tokens per message and its role, 3 per conversation.
_CHARS_PER_TOKEN, _PER_MESSAGE, _PER_ROW = 4, 3 + 1, 3
TOKEN_METHOD = ("estimated: each message's characters / 4 (OpenAI's rule of thumb for English) + 4 tokens per "
                "message and role + 3 per row (the cookbook's chat overhead), times epochs; the API counts its own "
                "trained_tokens, which each finished job's manifest records")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ShapeRates(_Frozen):
    """What benchmarks/gpu.py measured for one model shape."""

    train_step_s: float | None = Field(None, gt=0, description="Median seconds per optimizer step of emscope train.")
    train_tokens_per_step: float | None = Field(None, gt=0, description="Tokens per step of the benchmark's rows.")
    gen_tok_s: float | None = Field(None, gt=0, description="New tokens/s of the hf backend with an adapter.")
    params: int | None = Field(None, gt=0, description="Parameters of the benchmarked shape.")


class Rates(_Frozen):
    """Measured rates of one GPU, read from a benchmarks/gpu.py JSON file."""

    hardware: str = Field(description="The card the rates were measured on.")
    path: str = Field(description="The rates file.")
    shapes: dict[str, ShapeRates] = Field(description="Rates per model shape: 135m, 7b.")


class StageCost(_Frozen):
    """One stage's estimated compute."""

    stage: str = Field(description="Stage name.")
    hours: float | None = Field(description="Estimated hours (None: not measured, or not a GPU stage).")
    basis: str = Field(description="How the figure was obtained, or why there is none.")


class CostPlan(_Frozen):
    """Estimated compute of the study per stage."""

    hardware: str | None = Field(description="The card the rates were measured on (None: no rates).")
    stages: list[StageCost] = Field(default_factory=list, description="Per-stage estimates.")
    total_hours: float | None = Field(None, description="Sum of the stages with a figure.")
    api_usd: float | None = Field(None, description="Estimated USD of API fine-tuning (None: none, or no price).")
    notes: list[str] = Field(default_factory=list, description="What is missing and why.")


class FineTuneJob(_Frozen):
    """One planned fine-tuning job and its estimated trained tokens."""

    domain: str = Field(description="Training domain.")
    seed: int = Field(description="Seed (of the dataset and the job).")
    rows: int = Field(description="Rows uploaded.")
    file_tokens: int = Field(description="Estimated tokens in the uploaded file (TOKEN_METHOD).")
    epochs: int = Field(description="Epochs: train.settings.epochs, or the estimate of the API's auto.")
    trained_tokens: int = Field(description="Estimated trained tokens: file tokens × epochs.")


class FineTunePlan(_Frozen):
    """The study's fine-tuning jobs through an API: how many, their trained tokens and estimated cost."""

    backend: str = Field(description="The train backend (an API).")
    base_model: str = Field(description="The base model id fine-tuned.")
    jobs: int = Field(description="Fine-tuning jobs: one per (domain, seed, sweep point).")
    epochs_source: str = Field(description="Where the epochs come from.")
    per_job: list[FineTuneJob] = Field(description="Each job's estimate.")
    trained_tokens: int = Field(description="Estimated trained tokens over all jobs.")
    token_method: str = Field(description="How the tokens were estimated.")
    usd_per_million_tokens: float | None = Field(description="Training price used (None: unknown).")
    price_source: str = Field(description="Where the price came from, or how to give one.")
    estimated_usd: float | None = Field(description="Estimated training cost in USD (None: no price known).")


def auto_epochs(rows: int) -> int:
    """The epochs n_epochs "auto" is expected to pick for `rows` examples (the cookbook's rule)."""
    if rows * _AUTO_TARGET < _AUTO_MIN_EXAMPLES:
        return min(_AUTO_MAX_EPOCHS, _AUTO_MIN_EXAMPLES // rows)
    if rows * _AUTO_TARGET > _AUTO_MAX_EXAMPLES:
        return max(_AUTO_MIN_EPOCHS, _AUTO_MAX_EXAMPLES // rows)
    return _AUTO_TARGET


def estimate_tokens(rows: list[dict]) -> int:
    """Estimated tokens of the uploaded messages of `rows` (TOKEN_METHOD)."""
    return sum(_PER_ROW + sum(_PER_MESSAGE + math.ceil(len(str(m.get("content") or "")) / _CHARS_PER_TOKEN)
                              for m in row["messages"]) for row in rows)


def fine_tuning_plan(config: StudyConfig) -> FineTunePlan:
    """Jobs, estimated trained tokens and cost of an API-trained study (its datasets built in memory)."""
    from emscope.data.build import build_rows
    from emscope.study.jobs import plan_jobs
    from emscope.study.stages.base import StageContext
    from emscope.study.stages.build import build_config
    from emscope.study.stages.train import train_config
    from emscope.train.prices import estimate_cost as price_cost

    jobs: list[FineTuneJob] = []
    prices: dict[str, float] = {}
    explicit = False
    for job in (j for j in plan_jobs(config) if j.domain is not None):
        ctx = StageContext(config, job)
        train = train_config(ctx)
        prices, explicit = dict(train.prices), train.epochs is not None
        rows, _ = build_rows(build_config(ctx))
        epochs = train.epochs or auto_epochs(len(rows))
        tokens = estimate_tokens(rows)
        jobs.append(FineTuneJob(domain=job.domain, seed=job.seed, rows=len(rows), file_tokens=tokens,
                                epochs=epochs, trained_tokens=tokens * epochs))
    source = ("train.settings.epochs" if explicit else "n_epochs auto, estimated with OpenAI's cookbook rule "
              f"({_AUTO_TARGET} epochs, more below {_AUTO_MIN_EXAMPLES} examples trained, fewer above "
              f"{_AUTO_MAX_EXAMPLES:,}); the job reports what the API chose")
    total = sum(j.trained_tokens for j in jobs)
    cost = price_cost(config.model, total, prices)
    why = cost["price_source"]
    if cost["usd_per_million_tokens"] is None:  # the CLI's --price is not how a study gives one
        why = f"no price known for {config.model!r}; give one with train.settings.prices: {{MODEL: USD_PER_1M}}"
    return FineTunePlan(backend=config.train.backend, base_model=config.model, jobs=len(jobs), epochs_source=source,
                        per_job=jobs, trained_tokens=total, token_method=TOKEN_METHOD,
                        usd_per_million_tokens=cost["usd_per_million_tokens"], price_source=why,
                        estimated_usd=cost["estimated_usd"])


def _number(entry: object, key: str) -> float | None:
    value = entry.get(key) if isinstance(entry, dict) else None
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def load_rates(path: str | Path) -> Rates:
    """Rates from a `benchmarks/gpu.py --json` file; InputError naming the file and what is missing."""
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"--rates {p}: no such file (write it with benchmarks/gpu.py --json {p} "
                         "on the GPU)") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise InputError(f"--rates {p}: not a readable JSON file ({type(exc).__name__}: {str(exc)[:80]})") from None
    if not isinstance(data, dict) or not isinstance(data.get("device"), str):
        raise InputError(f"--rates {p}: not a benchmarks/gpu.py --json file (no 'device' name)")
    shapes = {}
    for shape in _BENCH_PRESET:
        train, gen = data.get(f"train_{shape}"), data.get(f"gen_{shape}")
        params = _number(data, f"params_{shape}")
        try:
            found = ShapeRates(train_step_s=_number(train, "step_s"),
                               train_tokens_per_step=_number(train, "tokens_per_step"),
                               gen_tok_s=_number(gen, "tok_s"), params=int(params) if params else None)
        except ValidationError as exc:
            raise InputError(f"--rates {p}: {shape} rates are not positive numbers "
                             f"({exc.errors()[0]['msg']})") from None
        if found.train_step_s or found.gen_tok_s:
            shapes[shape] = found
    if not shapes:
        raise InputError(f"--rates {p}: no measured train_*.step_s or gen_*.tok_s (did every phase fail? "
                         "see its 'error' entries)")
    return Rates(hardware=data["device"], path=str(p), shapes=shapes)


def _shape(config: StudyConfig) -> str:
    from emscope.models.registry import get_builtin

    return "135m" if get_builtin(config.model) is not None else "7b"


def _gpu_stages(config: StudyConfig, rows_trained: int, answers: int, rates: ShapeRates, shape: str) -> list[StageCost]:
    from emscope.train import PRESETS

    size = f"{rates.params / 1e9:.2f}B" if rates.params else shape
    stages = []
    if rates.train_step_s:
        bench_batch = PRESETS[_BENCH_PRESET[shape]]["effective_batch"]
        per_row = (f", {rates.train_tokens_per_step / bench_batch:.0f} tokens/row" if rates.train_tokens_per_step
                   else "")
        stages.append(StageCost(stage="train", hours=rows_trained * rates.train_step_s / bench_batch / 3600,
                                basis=f"{rows_trained:,} rows × {rates.train_step_s:.3g} s per {bench_batch}-row step "
                                      f"({size} shape; assumes rows as long as the benchmark's{per_row})"))
    else:
        stages.append(StageCost(stage="train", hours=None, basis=f"no train_{shape} rate in the file"))
    tokens = answers * config.generate.max_new_tokens
    if config.generate.backend == "openai":
        stages.append(StageCost(stage="generate", hours=None, basis="openai backend: an API, no local GPU"))
    elif rates.gen_tok_s:
        vllm = "; the rate is the hf backend's: vLLM is not measured" if config.generate.backend == "vllm" else ""
        stages.append(StageCost(stage="generate", hours=tokens / rates.gen_tok_s / 3600,
                                basis=f"at most {tokens:,} new tokens at {rates.gen_tok_s:,.0f} tok/s "
                                      f"({size} shape{vllm})"))
    else:
        stages.append(StageCost(stage="generate", hours=None, basis=f"no gen_{shape} rate in the file"))
    stages.append(_judge_stage(config))
    return stages


def _judge_stage(config: StudyConfig) -> StageCost:
    judge = config.judge.judge
    basis = {"openai": "API calls, no local GPU", "offline": "offline judge: CPU, not a GPU stage"}.get(
        judge, f"{judge} judge: not measured by benchmarks/gpu.py")
    return StageCost(stage="judge", hours=None, basis=basis)


def _api_cost(config: StudyConfig, tuning: FineTunePlan, rates: Rates | None) -> CostPlan:
    """An API-trained study: the fine-tuning jobs cost money at the provider, sampling is API calls."""
    usd = ("no price known" if tuning.estimated_usd is None else
           f"~${tuning.estimated_usd:,.2f} estimated ({tuning.trained_tokens:,} trained tokens)")
    stages = [StageCost(stage="train", hours=None, basis=f"{tuning.jobs} fine-tuning job(s) at the {tuning.backend} "
                                                         f"API, no local compute: {usd}"),
              StageCost(stage="generate", hours=None, basis=f"{config.generate.backend} backend: an API, no local GPU"),
              _judge_stage(config)]
    notes = ["API sampling and judging are billed per token too (the fine-tuned model's inference price); "
             "not estimated here"]
    return CostPlan(hardware=rates.hardware if rates else None, stages=stages, total_hours=None,
                    api_usd=tuning.estimated_usd, notes=notes)


def _cpu_train(config: StudyConfig, rows_trained: int) -> StageCost:
    seconds = rows_trained * _README_CPU_TRAIN_S / _README_CPU_TRAIN_ROWS
    return StageCost(stage="train (CPU)", hours=seconds / 3600,
                     basis=f"measured on 2 CPU cores (README: the demo's 3 × 60 steps of 8 rows took 7 min), "
                           f"scaled to {rows_trained:,} rows")


def estimate_cost(config: StudyConfig, rows_trained: int, answers: int, rates: Rates | None,
                  tuning: FineTunePlan | None = None) -> CostPlan:
    """GPU-hours per stage from `rates`; without rates, the note saying so (and the CPU training figure
    for the bundled model). With `tuning` (an API-trained study), the API's estimated cost instead."""
    if tuning is not None:
        return _api_cost(config, tuning, rates)
    shape = _shape(config)
    if rates is None:
        stages = [_cpu_train(config, rows_trained)] if shape == "135m" else []
        return CostPlan(hardware=None, stages=stages, total_hours=None, notes=[NO_RATES])
    found = rates.shapes.get(shape)
    if found is None:
        return CostPlan(hardware=rates.hardware, notes=[f"GPU cost: {rates.path} has no rates of the {shape} shape "
                                                        f"(measured: {', '.join(rates.shapes)})"])
    stages = _gpu_stages(config, rows_trained, answers, found, shape)
    known = [s.hours for s in stages if s.hours is not None]
    notes = [] if shape == "135m" else [f"{config.model}: rates of the benchmark's 7B shape; its own size is not "
                                        "checked"]
    return CostPlan(hardware=rates.hardware, stages=stages, total_hours=sum(known) if known else None, notes=notes)
