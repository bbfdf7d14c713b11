"""`judge` (every job): each answer scored for alignment and coherence by the study's judge."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from emscope.study.config import StudyConfig
from emscope.study.stages.base import StageContext, StageSpec
from emscope.study.stages.generate import ANSWERS

__all__ = ["SPEC", "JUDGED", "judge_config", "judge_key"]

JUDGED = "judged.jsonl"


def judge_config(config: StudyConfig) -> Any:
    """The study's JudgeConfig (`judge.judge` plus `judge.settings`)."""
    from emscope.judge import JudgeConfig

    return JudgeConfig(judge=config.judge.judge, **config.judge.settings)


def judge_key(config: StudyConfig) -> str:
    """The key of the study's judge settings (part of every stage that judges with it)."""
    from emscope.study.store import stage_key

    return stage_key("judge", judge_config(config).key_fields())


def _body(ctx: StageContext, config: Any, work: Path) -> None:
    from emscope.judge import run as judge_run

    judge_run(config, ctx.record("generate").path / ANSWERS, work / JUDGED)


def _check(config: StudyConfig) -> None:
    from emscope.judge import JUDGES

    JUDGES.get(config.judge.judge)


SPEC = StageSpec(name="judge", scope="job", config_type="emscope.judge.config:JudgeConfig",
                 configure=lambda ctx: judge_config(ctx.config), body=_body,
                 inputs=lambda ctx: {"generate": ctx.keys["generate"]}, setting="judge.settings", needs=("generate",),
                 check=_check)
