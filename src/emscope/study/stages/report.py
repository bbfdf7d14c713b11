"""`report` (study-wide, last): the HTML report of the study's results, with a section for each
optional study-wide stage that ran (MIA predictors, steering, judge agreement)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from emscope.study.stages.base import StageContext, StageSpec

__all__ = ["SPEC", "REPORT"]

REPORT = "report.html"


def _sections() -> list[StageSpec]:
    """The stages whose output is a report section (each spec says so: `section`)."""
    from emscope.study.stages.registry import STAGES  # the registry lists this module too

    return [s for s in STAGES if s.section is not None]


def _inputs(ctx: StageContext) -> dict[str, str]:
    return {"analyze": ctx.keys["analyze"], **{s.name: ctx.keys[s.name] for s in _sections() if s.name in ctx.keys}}


def _body(ctx: StageContext, config: Any, work: Path) -> None:
    from emscope.report.run import report

    sections: dict[str, Path] = {}
    for spec in _sections():
        if (rec := ctx.records.get(spec.name)) is not None and spec.section is not None:
            argument, file = spec.section
            sections[argument] = rec.path / file if file else rec.path
    report(config, ctx.record("analyze").path, work, **sections)


def _deps(ctx: StageContext) -> tuple[Any, ...]:
    return (ctx.records.get("analyze"), *(ctx.records.get(s.name) for s in _sections()))


def _report_config(ctx: StageContext) -> Any:
    from emscope.report.run import ReportConfig

    backend = ctx.config.train.backend
    if backend == "local":
        return ReportConfig()
    # Every entry point sees the study with mia and steer already off for an API backend (pipeline.runnable),
    # so the note says what such a study never has, whether or not it asked for it.
    return ReportConfig(notes=(f"models fine-tuned through the {backend} API: no membership-inference or steering "
                               "sections (both need a local model's weights and log-probabilities); "
                               "train with train.backend: local for them",))


SPEC = StageSpec(name="report", scope="study", config_type="emscope.report.run:ReportConfig",
                 configure=_report_config, body=_body, inputs=_inputs, setting="report",
                 deps=_deps)
