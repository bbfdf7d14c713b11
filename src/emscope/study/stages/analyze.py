"""`analyze` (study-wide, after every judge): `emscope analyze` over every judged file of the study."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from emscope.study.config import StudyConfig
from emscope.study.stages.base import StageContext, StageSpec
from emscope.study.stages.build import DATASET
from emscope.study.stages.judge import JUDGED
from emscope.study.stages.stats import STATS

__all__ = ["SPEC", "RESULTS", "analyze_config"]

RESULTS = "results.json"


def analyze_config(config: StudyConfig) -> Any:
    """The study's AnalyzeConfig: the threshold preset plus `analyze.settings`."""
    from emscope.analysis.config import AnalyzeConfig, thresholds_from

    return AnalyzeConfig(thresholds=thresholds_from(config.analyze.thresholds),
                         thresholds_preset=config.analyze.thresholds, **config.analyze.settings)


def _inputs(ctx: StageContext) -> dict[str, str]:
    return {"judged": ",".join(sorted(ctx.job_keys("judge"))), "stats": ctx.keys.get("stats", "none")}


def _relative_paths(results: Any, folder: Path) -> Any:
    """Results whose file paths are relative to `folder` (the analyze stage), not to where the study ran."""
    def rel(path: str) -> str:
        return os.path.relpath(Path(path).resolve(), folder.resolve())

    return results.model_copy(update={
        "inputs": [i.model_copy(update={"path": rel(i.path)}) for i in results.inputs],
        "dataset_stats": rel(results.dataset_stats) if results.dataset_stats else None,
        "train_data": [rel(p) for p in results.train_data]})


def _body(ctx: StageContext, config: Any, work: Path) -> None:
    from emscope.analysis.run import AnalyzeInputs, analyze, write_results
    from emscope.data.domains import DOMAINS

    assert ctx.store is not None
    stats = ctx.records.get("stats")
    inputs = AnalyzeInputs(judged=[str(r.path / JUDGED) for r in ctx.job_records("judge")],
                           dataset_stats=str(stats.path / STATS) if stats else None,
                           train_data=[str(r.path / DATASET) for r in ctx.job_records("build")],
                           categories={n: DOMAINS.get(n).category for n in DOMAINS})
    final = ctx.store.path("analyze", ctx.key)
    write_results(_relative_paths(analyze(config, inputs), final), work)


SPEC = StageSpec(name="analyze", scope="study", config_type="emscope.analysis.config:AnalyzeConfig",
                 configure=lambda ctx: analyze_config(ctx.config), body=_body, inputs=_inputs,
                 setting="analyze.settings", needs=("judge", "stats"))
