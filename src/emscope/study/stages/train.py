"""`train` (per domain job): LoRA fine-tuning on the job's dataset (see `emscope train`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from emscope.study.stages.base import StageContext, StageSpec
from emscope.study.stages.build import DATASET
from emscope.train.config import KEY_EXCLUDED  # light: pydantic and the model registry, no torch

__all__ = ["SPEC", "ADAPTER", "train_config"]

ADAPTER = "adapter"


def train_config(ctx: StageContext, dataset: Path = Path(DATASET), out: Path = Path(ADAPTER)) -> Any:
    """The job's TrainConfig: the study's preset and `train.settings`, its model and seed (paths as given)."""
    from emscope.train import resolve_config

    assert ctx.job is not None
    config = ctx.config
    cli = {**config.train.settings, "dataset": dataset, "out": out, "model": config.model, "seed": ctx.job.seed}
    if config.train.preset:
        cli["preset"] = config.train.preset
    return resolve_config(cli)[0]


def _body(ctx: StageContext, _config: Any, work: Path) -> dict[str, Any]:
    from emscope.train import train

    result = train(train_config(ctx, ctx.record("build").path / DATASET, work / ADAPTER))
    return {"steps": result.steps, "final_loss": result.final_loss, "tokens_per_s": result.tokens_per_s}


# TrainConfig names its runtime-only fields KEY_EXCLUDED (train/config.py); its dataset enters the
# key through the build stage's key.
SPEC = StageSpec(name="train", scope="job", config_type="emscope.train.config:TrainConfig", configure=train_config,
                 body=_body, inputs=lambda ctx: {"build": ctx.keys["build"]}, setting="train.settings",
                 needs=("build",), enabled=lambda _c, job: job is not None and job.domain is not None,
                 runtime=frozenset(KEY_EXCLUDED), input_fields=frozenset({"dataset"}))
