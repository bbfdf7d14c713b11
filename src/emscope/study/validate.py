"""Check every section of a study before any stage runs.

The study file's own schema catches unknown keys of the sections, but the free-form parts
(`train.settings`, `generate.options`, `judge.settings`, `analyze.settings`, the runner's
options) are only checked by each stage's config type, which used to run after build and
training had started. So the study builds every stage's config up front, for every job, and
turns a failure into one message naming the study setting and the closest valid key.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from emscope.core.validation import settings_error
from emscope.study.config import StudyConfig, model_at

__all__ = ["validate_study", "built", "fields_in"]

T = TypeVar("T")


def fields_in(root: type[BaseModel]) -> Callable[[tuple[Any, ...]], list[str] | None]:
    """`fields_at` for settings_error: the field names valid where `loc` points inside `root`."""
    def fields_at(loc: tuple[Any, ...]) -> list[str] | None:
        model = model_at(loc, root)
        return list(model.model_fields) if model is not None else None

    return fields_at


def built(make: Callable[[], T], what: str, model: type[BaseModel]) -> T:
    """`make()`, with a pydantic error turned into an InputError about `what` (a study setting)."""
    try:
        return make()
    except ValidationError as exc:
        raise settings_error(exc, f"{what} in the study config", fields_at=fields_in(model)) from None


def validate_study(config: StudyConfig) -> None:
    """Build every stage's config of every job, and check names, files and runner options (InputError)."""
    from emscope.analysis.config import AnalyzeConfig
    from emscope.data.config import BuildConfig
    from emscope.evalsuite import load_suite
    from emscope.generate.backends import BACKENDS
    from emscope.generate.config import GenerateConfig
    from emscope.judge import JUDGES, JudgeConfig
    from emscope.study.audit import check_audit
    from emscope.study.extras import check_sections
    from emscope.study.pipeline import (
        _build_config,
        _generate_config,
        _train_config,
        analyze_config,
        judge_config,
        plan_jobs,
    )
    from emscope.study.runner import runner_options

    runner_options(config.runner.name, config.runner.options)  # a typo here must not wait for the jobs
    JUDGES.get(config.judge.judge)
    BACKENDS.get(config.generate.backend)
    load_suite(config.generate.suite).select(config.generate.questions)
    built(lambda: judge_config(config), "judge.settings", JudgeConfig)
    built(lambda: analyze_config(config), "analyze.settings", AnalyzeConfig)
    for job in plan_jobs(config):
        if job.domain is not None:
            built(lambda: _build_config(config, job), "data", BuildConfig)
            # resolve_config reports its own errors as "invalid train settings" with the key named
            _train_config(config, Path("dataset.jsonl"), Path("adapter"), job.seed)
        adapter = Path("adapter") if job.domain else None
        built(lambda: _generate_config(config, job, adapter, Path("answers.jsonl")), "generate.options",
              GenerateConfig)
    check_sections(config)
    check_audit(config)

