"""`screen` (study-wide, with `screen.enabled`): the pre-training screen of every training set,
tested against the study's measured misalignment rates (see `emscope screen evaluate`).

Each domain's training set is screened with the study's base model before looking at any
fine-tuned model; every signal's domain mean and the combined risk are then tested against
the rates the study measured under the trigger (Spearman, ROC-AUC for above-median
misalignment, leave-one-domain-out, permutation p-values). The output is the file
`emscope screen evaluate` writes, so the report reads either the same way.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from emscope.core.errors import InputError
from emscope.study.config import StudyConfig
from emscope.study.stages.analyze import RESULTS
from emscope.study.stages.base import StageContext, StageSpec
from emscope.study.stages.build import DATASET

__all__ = ["SPEC", "screen_config"]

# The study decides these: the screened sets are its training sets, the model its base model.
_STUDY_SET = ("datasets", "model")


def screen_config(ctx: StageContext, datasets: tuple[str, ...] = (DATASET,)) -> Any:
    """The study's ScreenConfig: `screen.settings` over the study's base model and training sets."""
    from emscope.screen.config import ScreenConfig

    return ScreenConfig(**{**ctx.config.screen.settings, "model": ctx.config.model, "datasets": datasets})


def _check(config: StudyConfig) -> None:
    if clash := sorted(set(config.screen.settings) & set(_STUDY_SET)):
        raise InputError(f"screen.settings: {', '.join(clash)} are set by the study (its base model and its "
                         "build stages' training sets); remove them")
    if config.screen.enabled and config.train.backend != "local":
        raise InputError("screen.enabled needs the study's base model as a local model (its likelihood and "
                         f"activations); train.backend is '{config.train.backend}'. Screen with "
                         "`emscope screen DATASET --model LOCAL_MODEL` instead, or set screen.enabled: false")


def _body(ctx: StageContext, _config: Any, work: Path) -> dict[str, Any]:
    from emscope.screen.evaluate import evaluate_study, study_inputs

    datasets = [r.path / DATASET for r in sorted(ctx.job_records("build"), key=lambda r: r.key)]
    inputs = study_inputs(ctx.config.model, datasets, ctx.record("analyze").path / RESULTS,
                          str(ctx.store.root) if ctx.store is not None else "")
    out = evaluate_study(inputs, screen_config(ctx, tuple(inputs.datasets)), work)
    risk = next((p for p in out["predictors"] if p["column"] == "risk"), None)
    return {"domains": out["domains"], "datasets": len(datasets),
            "risk_spearman": None if risk is None else risk["spearman_rho"]}


SPEC = StageSpec(name="screen", scope="study", config_type="emscope.screen.config:ScreenConfig",
                 configure=screen_config, body=_body, setting="screen.settings", check=_check,
                 inputs=lambda ctx: {"analyze": ctx.keys["analyze"], "build": ",".join(sorted(ctx.job_keys("build")))},
                 needs=("analyze", "build"), section=("screen", "evaluate.json"),
                 enabled=lambda c, _job: c.screen.enabled)
