"""`steer` (study-wide, with `steer.enabled`): directions, geometry, α sweep, cross-domain matrix and
parameter paths over the first seed's adapters, judged by the study's judge (see `emscope steer`).

It needs the fine-tuned weights and activations: with `train.backend` other than local the study
skips it, saying so (`NEEDS_LOCAL`; study/pipeline.py `skipped`, `runnable`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from emscope.core.errors import InputError
from emscope.study.config import StudyConfig
from emscope.study.stages.base import JobState, StageContext, StageSpec
from emscope.study.stages.build import DATASET
from emscope.study.stages.judge import judge_config, judge_key
from emscope.study.stages.train import ADAPTER

__all__ = ["SPEC", "STEER_FILE", "steer_config", "steer_prompts", "NEEDS_LOCAL"]

STEER_FILE = "results.json"


def steer_config(config: StudyConfig) -> Any:
    """The study's SteerStageConfig (`steer.settings`)."""
    from emscope.steer.stage import SteerStageConfig

    return SteerStageConfig(**config.steer.settings)


def steer_prompts(config: StudyConfig) -> list[list[dict[str, str]]]:
    """The first paraphrase of the suite's first `steer.prompts` questions (with their system prompts)."""
    from emscope.evalsuite import load_suite

    questions = load_suite(config.generate.suite).questions
    if config.generate.questions:
        wanted = set(config.generate.questions)
        questions = tuple(q for q in questions if q.id in wanted)
    prompts = []
    for q in questions[: config.steer.prompts]:
        system = [{"role": "system", "content": q.system}] if q.system else []
        prompts.append(system + [{"role": "user", "content": q.paraphrases[0]}])
    return prompts


# Why the stage cannot run for an API-trained model (pipeline.skipped says so when it was asked for).
NEEDS_LOCAL = ("Steering reads the fine-tuned models' activations and adapter weights and adds directions to "
               "their residual stream; a model fine-tuned through an API exposes neither, so there is no steering "
               "section in the report; train with train.backend: local for it")


def _first_seed(ctx: StageContext) -> list[JobState]:
    """The domain jobs of the study's first seed (steering uses their adapters)."""
    first = ctx.config.seeds[0]
    return [j for j in ctx.jobs if j.job.domain and j.job.seed == first]


def _key(ctx: StageContext, config: Any) -> dict[str, Any]:
    return {"steer": config.key_fields(), "prompts": steer_prompts(ctx.config), "model": ctx.config.model}


def _inputs(ctx: StageContext) -> dict[str, str]:
    jobs = sorted(_first_seed(ctx), key=lambda j: str(j.job.domain))
    return {"train": ",".join(f"{j.job.domain}={j.keys['train']}" for j in jobs), "judge": judge_key(ctx.config)}


def _judge_fn(judging: Any) -> tuple[Any, str]:
    """A `rows -> judged rows` function over the study's judge, and the judge's id."""
    from emscope.judge import JudgeInput, make_judge, open_cache

    judge = make_judge(judging, open_cache(judging))

    def judge_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        out = [dict(r) for r in rows]
        for i, verdict in judge.judge([JudgeInput(r["question"], r["answer"]) for r in rows]):
            out[i].update(verdict.row_fields(judge.id))
        return out

    return judge_rows, judge.id


def _body(ctx: StageContext, config: Any, work: Path) -> dict[str, Any]:
    from emscope.steer.stage import StageInputs
    from emscope.steer.stage import run as steer_run

    jobs = {str(j.job.domain): j.records for j in _first_seed(ctx)}
    judge_fn, judge_id = _judge_fn(judge_config(ctx.config))
    inputs = StageInputs(model=ctx.config.model, adapters={d: str(r["train"].path / ADAPTER) for d, r in jobs.items()},
                         datasets={d: str(r["build"].path / DATASET) for d, r in jobs.items()},
                         prompts=steer_prompts(ctx.config))
    result = steer_run(config, inputs, work, judge_fn, judge_id)
    return {"figures": sorted(result.figures)}


def _deps(ctx: StageContext) -> tuple[Any, ...]:
    return tuple(j.records.get("train") for j in sorted(_first_seed(ctx), key=lambda j: str(j.job.domain)))


def _check(config: StudyConfig) -> None:
    """Domains named in steer.settings must be domains the study trains."""
    if not config.steer.enabled:
        return
    from emscope.steer.stage import SteerStageConfig
    from emscope.study.validate import built

    steer = built(lambda: steer_config(config), "steer.settings", SteerStageConfig)
    named = [*(steer.alpha_domains or ()), *(steer.scale_domains or ()), *(d for p in steer.mix_pairs or () for d in p)]
    if unknown := sorted(set(named) - set(config.domains)):
        raise InputError(f"steer.settings name domains the study does not train: {', '.join(unknown)} "
                         f"(its domains: {', '.join(config.domains)}); set alpha_domains, scale_domains "
                         "and mix_pairs to domains of the study")


SPEC = StageSpec(name="steer", scope="study", config_type="emscope.steer.stage:SteerStageConfig",
                 configure=lambda ctx: steer_config(ctx.config), body=_body, key=_key, inputs=_inputs,
                 setting="steer.settings", needs=("train", "build"), deps=_deps, check=_check,
                 section=("steer", None),
                 enabled=lambda c, _job: c.steer.enabled)
