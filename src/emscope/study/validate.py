"""Check every section of a study before any stage runs.

The study file's own schema catches unknown keys of the sections, but the free-form parts
(`train.settings`, `generate.options`, `judge.settings`, `analyze.settings`, the runner's
options) are only checked by each stage's config type, which used to run after build and
training had started. So the study builds every enabled stage's config up front (each spec
in study/stages/registry.py, for every job), and turns a failure into one message naming the
study setting (the spec's `setting`) and the closest valid key.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from emscope.core.errors import InputError
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
    """Check names and runner options, then build every enabled stage's config of every job (InputError)."""
    from emscope.study.jobs import plan_jobs
    from emscope.study.runner import runner_options
    from emscope.study.stages import STAGES, StageContext, StageSpec
    from emscope.study.sweep import job_config, point_label
    from emscope.study.sweep_check import check_points_differ

    runner_options(config.runner.name, config.runner.options)  # a typo here must not wait for the jobs
    jobs = plan_jobs(config)

    def enabled(spec: StageSpec) -> bool:
        return any(spec.enabled(config, j) for j in jobs) if spec.scope == "job" else spec.enabled(config, None)

    specs = [s for s in STAGES if enabled(s)]
    for spec in specs:  # names first (judge, backend, suite, ...): cheap, and their hints are the clearest
        if spec.check is not None:
            spec.check(config)
    for spec in specs:
        # A sweep point's jobs see the config with its values set (study/sweep.py): check each.
        contexts = ([StageContext(job_config(config, j), j) for j in jobs if spec.enabled(config, j)]
                    if spec.scope == "job" else [StageContext(config)])
        for ctx in contexts:
            try:
                built(lambda: spec.configure(ctx), spec.setting, spec.config_class())
            except InputError as exc:
                if ctx.job is None or not ctx.job.point:
                    raise
                raise InputError(f"sweep point {point_label(ctx.job.point)}: {exc}") from None
    check_points_differ(config)
