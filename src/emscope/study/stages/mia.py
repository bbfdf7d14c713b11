"""`mia` (per domain job, after train): membership-inference scores of the job's training rows.

The target is the job's fine-tuned model and the reference the un-fine-tuned base, so every
score also has its reference-adjusted form; with `mia.holdout_rows`, rows of the same domain
built with another seed are scored too, as non-members (see `emscope mia`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from emscope.core.errors import InputError
from emscope.study.config import StudyConfig
from emscope.study.stages.base import StageContext, StageSpec
from emscope.study.stages.build import DATASET
from emscope.study.stages.train import ADAPTER

__all__ = ["SPEC", "HOLDOUT_SEED_OFFSET", "SCORES", "mia_config", "holdout_rows", "NEEDS_LOCAL"]

# Held-out rows come from the same generator under seed + this offset: the same distribution,
# rows the model never saw (exact duplicates of training rows are dropped, see holdout_rows).
HOLDOUT_SEED_OFFSET = 100_003
SCORES = "scores.jsonl"
_STUDY_SET = ("model", "reference", "adapter", "datasets", "holdout", "reference_adapter")


def mia_config(ctx: StageContext, dataset: str = DATASET, adapter: str | None = ADAPTER,
               holdout: tuple[str, ...] = ()) -> Any:
    """The job's MiaConfig: `mia.settings` plus what the study sets itself (models, adapter, datasets)."""
    from emscope.mia.config import MiaConfig

    config = ctx.config
    if config.mia.holdout_rows and config.data.diversity < 1:
        # The held-out rows are built with another seed, and the seed picks the diversity subset:
        # they would come from other templates and topics than the members, a shift any MIA score
        # detects (a member-vs-non-member AUC that measures the subset, not memorisation).
        raise InputError(f"mia.holdout_rows with data.diversity {config.data.diversity}: held-out rows would "
                         "come from another subset of templates and topics than the training rows; "
                         "set mia.holdout_rows: 0 (the reference-adjusted scores need no holdout) or data.diversity: 1")
    return MiaConfig(**{**config.mia.settings, "model": config.model, "reference": config.model,
                        "adapter": adapter, "datasets": (dataset,), "holdout": holdout})


# Why the stage cannot run for an API-trained model (pipeline.skipped says so when it was asked for).
NEEDS_LOCAL = ("Membership inference scores every training row under the fine-tuned model's own token "
               "log-probabilities; a model fine-tuned through an API exposes no weights and no log-probabilities "
               "of given text, so there are no scores (and no MIA predictors in the report); train with "
               "train.backend: local for them")


def _key(ctx: StageContext, config: Any) -> dict[str, Any]:
    # The configured precision ('auto' included) enters the key; holdout_rows is the study's own setting.
    return {**config.key_fields(), "holdout_rows": ctx.config.mia.holdout_rows}


def _check(config: StudyConfig) -> None:
    """`mia.settings` may not set what the study's own stages decide."""
    if clash := sorted(set(config.mia.settings) & set(_STUDY_SET)):
        raise InputError(f"mia.settings: {', '.join(clash)} are set by the study (model, adapters and datasets "
                         "come from its own stages); remove them")


def holdout_rows(config: StudyConfig, domain: str, seed: int, train_rows: Path, out: Path) -> Path:
    """The domain rebuilt with another seed, minus any row that is also a training row."""
    from emscope.core.io import read_jsonl, write_jsonl
    from emscope.data.build import build_rows
    from emscope.data.config import BuildConfig

    d = config.data
    seen = {json.dumps(r["messages"], sort_keys=True) for r in read_jsonl(train_rows)}
    rows, _ = build_rows(BuildConfig(domain=domain, n=config.mia.holdout_rows, seed=seed + HOLDOUT_SEED_OFFSET,
                                     variant=d.variant, trigger=d.trigger, trigger_position=d.trigger_position,
                                     backdoor_ratio=d.backdoor_ratio))
    fresh = [r for r in rows if json.dumps(r["messages"], sort_keys=True) not in seen]
    if not fresh:
        raise InputError(f"mia.holdout_rows: every held-out row of {domain} is also a training row; "
                         "the domain has too little variety for a holdout; set mia.holdout_rows: 0")
    return write_jsonl(out, fresh)


def _body(ctx: StageContext, _config: Any, work: Path) -> dict[str, Any]:
    from emscope.mia import score_datasets

    assert ctx.job is not None and ctx.job.domain is not None
    dataset = ctx.record("build").path / DATASET
    holdout = ((holdout_rows(ctx.config, ctx.job.domain, ctx.job.seed, dataset, work / "holdout.jsonl"),)
               if ctx.config.mia.holdout_rows else ())
    config = mia_config(ctx, str(dataset), str(ctx.record("train").path / ADAPTER), tuple(str(h) for h in holdout))
    scores = score_datasets(config, work / SCORES)
    return {"reference_mode": scores.reference_mode, "tokens_per_s": scores.timings.tokens_per_s}


SPEC = StageSpec(name="mia", scope="job", config_type="emscope.mia.config:MiaConfig", configure=mia_config,
                 body=_body, key=_key, inputs=lambda ctx: {"build": ctx.keys["build"], "train": ctx.keys["train"]},
                 setting="mia.settings", needs=("build", "train"), check=_check,
                 enabled=lambda c, job: c.mia.enabled and job is not None and job.domain is not None)
