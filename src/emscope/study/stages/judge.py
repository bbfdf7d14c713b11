"""`judge` (every job): each answer scored for alignment and coherence by the study's judge.

An API-trained job's answers were asked of its fine-tuned model id (`model` in answers.jsonl).
Its judged rows name the study's subject model as `model` and that id as `adapter`, the fields a
local job's rows carry (base model, adapter folder): the analysis groups rows by `model`, so
every domain is ranked, Holm-corrected and drawn against the baseline as one model family, as
for local adapters, instead of each fine-tuned id standing alone.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from emscope.study.config import StudyConfig
from emscope.study.stages.base import StageContext, StageSpec
from emscope.study.stages.generate import ANSWERS
from emscope.study.stages.train import served_model

__all__ = ["SPEC", "JUDGED", "judge_config", "judge_key", "subject_rows"]

JUDGED = "judged.jsonl"
_NAMED = ".answers.named.jsonl"  # hidden: the judge's input copy, not an output of the stage


def judge_config(config: StudyConfig) -> Any:
    """The study's JudgeConfig (`judge.judge` plus `judge.settings`)."""
    from emscope.judge import JudgeConfig

    return JudgeConfig(judge=config.judge.judge, **config.judge.settings)


def judge_key(config: StudyConfig) -> str:
    """The key of the study's judge settings (part of every stage that judges with it)."""
    from emscope.study.store import stage_key

    return stage_key("judge", judge_config(config).key_fields())


def subject_rows(answers: Path, model: str, served: str, out: Path) -> Path:
    """`answers` with each row asked of `served` renamed to `model`, `served` kept as its `adapter`.

    Rewritten whole from the finished answers on every run (atomically), so a judge resumed
    after a kill sees exactly the rows it started on.
    """
    from emscope.core.io import read_jsonl, write_jsonl

    def named(row: dict[str, Any]) -> dict[str, Any]:
        return {**row, "model": model, "adapter": served} if row.get("model") == served else row

    return write_jsonl(out, (named(r) for r in read_jsonl(answers)))


def _body(ctx: StageContext, config: Any, work: Path) -> None:
    from emscope.judge import run as judge_run

    answers = ctx.record("generate").path / ANSWERS
    served = served_model(ctx.records.get("train"))
    if served is None:
        judge_run(config, answers, work / JUDGED)
        return
    named = subject_rows(answers, ctx.config.model, served, work / _NAMED)
    judge_run(config, named, work / JUDGED)
    named.unlink()


def _check(config: StudyConfig) -> None:
    from emscope.judge import JUDGES

    JUDGES.get(config.judge.judge)


SPEC = StageSpec(name="judge", scope="job", config_type="emscope.judge.config:JudgeConfig",
                 configure=lambda ctx: judge_config(ctx.config), body=_body,
                 inputs=lambda ctx: {"generate": ctx.keys["generate"]}, setting="judge.settings", needs=("generate",),
                 check=_check)
