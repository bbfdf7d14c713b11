"""The study's stages, in the order they run: adding a stage is one module and one line here.

Per-job stages run in list order for every job (each where its `enabled` holds); study-wide
stages then run in list order over every job's outputs. Totals, `study status`, progress,
up-front validation and the report's sections are all read from this list.
"""

from __future__ import annotations

from emscope.core.errors import InputError
from emscope.core.registry import closest
from emscope.study.stages import analyze, audit, build, generate, judge, mia, predict, report, screen, stats, steer, train
from emscope.study.stages import sweep
from emscope.study.stages.base import StageSpec

__all__ = ["STAGES", "get_stage", "job_stages", "study_stages"]


def _ordered(*specs: StageSpec) -> tuple[StageSpec, ...]:
    """The specs as given, refusing a name twice and a per-job stage after a study-wide one."""
    names = [s.name for s in specs]
    if twice := sorted({n for n in names if names.count(n) > 1}):
        raise ValueError(f"study stage(s) {', '.join(twice)} registered twice")
    scopes = [s.scope for s in specs]
    if "study" in scopes and "job" in scopes[scopes.index("study"):]:
        raise ValueError("per-job study stages must come before the study-wide ones")
    return specs


STAGES: tuple[StageSpec, ...] = _ordered(
    build.SPEC,
    train.SPEC,
    mia.SPEC,
    generate.SPEC,
    judge.SPEC,
    stats.SPEC,
    analyze.SPEC,
    audit.SPEC,
    predict.SPEC,
    steer.SPEC,
    screen.SPEC,
    sweep.SPEC,
    report.SPEC,
)


def get_stage(name: str) -> StageSpec:
    """The stage called `name` (an InputError naming the closest otherwise)."""
    for spec in STAGES:
        if spec.name == name:
            return spec
    names = [s.name for s in STAGES]
    raise InputError(f"unknown study stage '{name}'.{closest(name, names)} Valid: {', '.join(names)}")


def job_stages() -> tuple[StageSpec, ...]:
    """The per-job stages, in order."""
    return tuple(s for s in STAGES if s.scope == "job")


def study_stages() -> tuple[StageSpec, ...]:
    """The study-wide stages, in order."""
    return tuple(s for s in STAGES if s.scope == "study")
