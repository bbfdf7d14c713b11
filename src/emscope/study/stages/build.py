"""`build` (per domain job): the domain's dataset, built with the job's seed (see `emscope data build`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from emscope.study.stages.base import StageContext, StageSpec

if TYPE_CHECKING:
    from emscope.data.config import BuildConfig

__all__ = ["SPEC", "DATASET", "build_config"]

DATASET = "dataset.jsonl"


def build_config(ctx: StageContext) -> BuildConfig:
    """The job's BuildConfig from the study's `data` section."""
    from emscope.data.config import BuildConfig

    assert ctx.job is not None and ctx.job.domain is not None
    d = ctx.config.data
    return BuildConfig(domain=ctx.job.domain, n=d.n, seed=ctx.job.seed, variant=d.variant, trigger=d.trigger,
                       trigger_position=d.trigger_position, backdoor_ratio=d.backdoor_ratio, diversity=d.diversity)


def _body(_ctx: StageContext, config: BuildConfig, work: Path) -> dict[str, Any]:
    from emscope.data.build import build_dataset

    result = build_dataset(config, work / DATASET)
    # The build measures Vendi (q = 1) when it draws from a subset (diversity < 1): the sweep
    # stage reads it from this manifest's summary rather than embedding the dataset again.
    vendi = getattr(result, "vendi", None)
    return {"rows": result.rows, **({"vendi": vendi} if vendi is not None else {})}


SPEC = StageSpec(name="build", scope="job", config_type="emscope.data.config:BuildConfig", configure=build_config,
                 body=_body, inputs=lambda _ctx: {}, setting="data",
                 enabled=lambda _c, job: job is not None and job.domain is not None)
