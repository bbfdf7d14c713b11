"""`sweep` (study-wide, every point): rates per sweep point, dose-response fits, size × diversity regression.

The one study-wide stage that reads the jobs of every sweep point (`points="all"`); the other
study-wide stages read the headline point's. Its output, sweep.json, is the report's sweep
section. Vendi scores come from each build's manifest where the build measured them
(diversity < 1); with `data.diversity` swept, the datasets without one are measured here, the
way the build does (MiniLM, q = 1, a seeded sample of at most 1,000 rows).
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from emscope.study.stages.base import StageContext, StageSpec
from emscope.study.stages.build import DATASET
from emscope.study.stages.judge import JUDGED

__all__ = ["SPEC", "SWEEP", "SweepStageConfig"]

SWEEP = "sweep.json"


class SweepStageConfig(BaseModel):
    """What the sweep stage computes beyond the analysis settings (which enter its key too)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    RUNTIME_FIELDS: ClassVar[frozenset[str]] = frozenset()
    INPUT_FIELDS: ClassVar[frozenset[str]] = frozenset()

    margin: float = Field(0.10, gt=0, lt=1, description="Threshold: base-model rate plus this margin.")
    bootstrap: int = Field(1000, ge=0, description="Question-cluster bootstrap resamples of the threshold.")
    seed: int = Field(0, description="Seed of the bootstrap.")

    def key_fields(self) -> dict[str, Any]:
        """Every field."""
        return self.model_dump(mode="json")


def _configure(ctx: StageContext) -> SweepStageConfig:
    sweep = ctx.config.sweep
    if sweep is None:  # the stage is off without a sweep; its config still has to be buildable
        return SweepStageConfig()
    return SweepStageConfig(margin=sweep.margin, bootstrap=sweep.bootstrap)


def _key(ctx: StageContext, config: SweepStageConfig) -> dict[str, Any]:
    from emscope.study.stages.analyze import analyze_config

    # The rates are the analysis's: its thresholds and interval settings are part of this key.
    return {**config.key_fields(), "analyze": analyze_config(ctx.config).key_fields()}


def _inputs(ctx: StageContext) -> dict[str, str]:
    from emscope.study.sweep import point_label

    jobs = [f"{point_label(j.job.point)}|{j.job.domain or 'baseline'}|{j.job.seed}={j.keys['judge']}"
            for j in ctx.jobs if "judge" in j.keys]
    return {"judged": ",".join(sorted(jobs))}


def _measured(paths: list[Path]) -> list[float]:
    from emscope.data.build import VENDI_EMBEDDER, VENDI_SAMPLE  # the build's own settings: both measure alike
    from emscope.data.stats import stats_for_files

    # One embedder load for every dataset (the build's measure_vendi loads it per file).
    stats = stats_for_files([str(p) for p in paths], tokenizer_name=None, embedding_model=VENDI_EMBEDDER,
                            vendi_sample=VENDI_SAMPLE)
    return [float(s.vendi["q=1"]) for s in stats]


def _body(ctx: StageContext, config: SweepStageConfig, work: Path) -> dict[str, Any]:
    from emscope.core.io import atomic_write_text
    from emscope.data.domains import DOMAINS
    from emscope.study.stages.analyze import analyze_config
    from emscope.study.sweep import axis_names
    from emscope.study.sweep_results import FACTORIAL_AXES, SweepJob, sweep_results

    jobs = []
    for state in ctx.jobs:
        build = state.records.get("build")
        vendi = build.manifest.summary.get("vendi") if build is not None else None
        jobs.append(SweepJob(state.job.domain, state.job.seed, state.job.point, state.records["judge"].path / JUDGED,
                             build.path / DATASET if build is not None else None,
                             float(vendi) if vendi is not None else None))
    missing = [i for i, j in enumerate(jobs) if j.dataset is not None and j.vendi is None]
    if FACTORIAL_AXES[1] in axis_names(ctx.config) and missing:
        print(f"  sweep: measuring Vendi of {len(missing)} dataset(s) ...", flush=True)
        for i, v in zip(missing, _measured([jobs[i].dataset for i in missing if jobs[i].dataset is not None])):
            jobs[i] = replace(jobs[i], vendi=v)
    data = sweep_results(ctx.config, config, analyze_config(ctx.config), jobs,
                         {n: DOMAINS.get(n).category for n in DOMAINS})
    atomic_write_text(work / SWEEP, json.dumps(data, indent=2, default=str) + "\n")
    return {"points": len(data["points"]), "fits": len(data["fits"]),
            "reached": sum(f["status"] == "reached" for f in data["fits"])}


SPEC = StageSpec(name="sweep", scope="study", config_type="emscope.study.stages.sweep:SweepStageConfig",
                 configure=_configure, body=_body, inputs=_inputs, key=_key, setting="sweep", needs=("judge", "build"),
                 enabled=lambda c, _job: c.sweep is not None, section=("sweep", SWEEP), points="all")
