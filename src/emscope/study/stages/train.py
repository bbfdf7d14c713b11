"""`train` (per domain job): fine-tuning on the job's dataset through the study's train backend.

`train.backend: local` (the default) LoRA-fine-tunes the subject model here and leaves a PEFT
adapter folder (see `emscope train`). `train.backend: openai` runs one fine-tuning job through
the API (see `emscope train --backend openai`): the job's record, manifest and fine-tuned model
id live in the stage's work folder (`openai/`), which a killed study keeps, so a rerun resumes
polling the same job instead of creating another. Either way the backend's config owns the key
(`key_fields()`, runtime-only fields left out); the dataset enters through the build stage's key.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from emscope.core.errors import InputError
from emscope.study.config import StudyConfig
from emscope.study.stages.base import StageContext, StageSpec
from emscope.study.stages.build import DATASET
from emscope.train.config import KEY_EXCLUDED  # light: pydantic and the model registry, no torch

if TYPE_CHECKING:
    from emscope.study.store import StageRecord

__all__ = ["SPEC", "ADAPTER", "API_OUT", "train_config", "served_model", "api_trained"]

ADAPTER = "adapter"
API_OUT = "openai"  # the openai backend's output folder inside the stage (manifest, job record)
# What the study sets itself in every job's train config: train.settings may not name them.
_STUDY_SET = ("dataset", "out", "model", "seed")


def api_trained(config: StudyConfig) -> bool:
    """Whether the study fine-tunes through an API (a served model id, no local weights)."""
    return config.train.backend != "local"


def train_config(ctx: StageContext, dataset: Path = Path(DATASET), out: Path | None = None) -> Any:
    """The job's train config from the study's backend, preset and `train.settings`, its model and seed.

    Resolved by the backend registry, so each backend refuses the settings it cannot take by
    name (the local trainer the API's, the API the LoRA ones). Paths are placeholders unless given.
    """
    from emscope.train.backends import get_backend

    assert ctx.job is not None
    config = ctx.config
    where = out if out is not None else Path(API_OUT if api_trained(config) else ADAPTER)
    cli = {**config.train.settings, "dataset": dataset, "out": where, "model": config.model, "seed": ctx.job.seed}
    if config.train.preset:
        cli["preset"] = config.train.preset
    return get_backend(config.train.backend).resolve(cli, None)[0]


def served_model(record: StageRecord | None) -> str | None:
    """The fine-tuned model id an API serves for a finished train stage (None: a local adapter, or no stage)."""
    if record is None:
        return None
    model = record.manifest.summary.get("fine_tuned_model")
    return str(model) if model else None


def _local(ctx: StageContext, work: Path) -> dict[str, Any]:
    from emscope.train import train

    result = train(train_config(ctx, ctx.record("build").path / DATASET, work / ADAPTER))
    return {"steps": result.steps, "final_loss": result.final_loss, "tokens_per_s": result.tokens_per_s}


def _printer(label: str) -> Any:
    """Job status changes and notes as progress lines: an API job can take hours, and its id matters."""
    def show(event: Any) -> None:
        if event.kind in ("status", "note"):
            print(f"  train     {label}: {event.message}", flush=True)

    return show


def _api(ctx: StageContext, work: Path) -> dict[str, Any]:
    from emscope.train.backends import get_backend

    assert ctx.job is not None
    backend = get_backend(ctx.config.train.backend)
    # A failed or cancelled job raises with the API's error and leaves nothing in work/openai;
    # a killed run leaves the job record there, and this work folder is kept for the rerun.
    result = backend.train(train_config(ctx, ctx.record("build").path / DATASET, work / API_OUT),
                           on_event=_printer(ctx.job.label))
    m = result.manifest
    cost = m.get("cost") or {}
    return {"backend": result.backend, "base_model": result.base_model, "fine_tuned_model": result.model_id,
            "job_id": m.get("job_id"), "file_id": m.get("file_id"), "how": (m.get("job") or {}).get("how"),
            "epochs": ((m.get("job") or {}).get("hyperparameters") or {}).get("n_epochs"),
            "trained_tokens": m.get("trained_tokens"), "estimated_usd": cost.get("estimated_usd"),
            "usd_per_million_tokens": cost.get("usd_per_million_tokens"), "price_source": cost.get("price_source")}


def _body(ctx: StageContext, _config: Any, work: Path) -> dict[str, Any]:
    return _api(ctx, work) if api_trained(ctx.config) else _local(ctx, work)


def _check(config: StudyConfig) -> None:
    """The backend exists; an API backend has no preset, no LoRA setting, and is sampled through the API."""
    from emscope.core.registry import closest
    from emscope.train.backends import TRAIN_BACKENDS

    name = config.train.backend
    if name not in TRAIN_BACKENDS:
        raise InputError(f"train.backend: unknown train backend '{name}'.{closest(name, list(TRAIN_BACKENDS))} "
                         f"Valid: {', '.join(TRAIN_BACKENDS)}")
    if not api_trained(config):
        return
    if config.generate.backend != name:
        raise InputError(f"train.backend is {name} but generate.backend is {config.generate.backend}: a model "
                         f"fine-tuned through the {name} API exists only there, so it must be sampled through "
                         f"it; set generate.backend: {name} (and generate.options.{name}.base_url)")
    if config.train.preset:
        raise InputError(f"train.preset is {config.train.preset!r}, a LoRA preset, but train.backend is {name}: "
                         "the fine-tuning API takes no preset; set train.preset: null (a profile may have set it)")
    if clash := sorted(set(config.train.settings) & set(_STUDY_SET)):
        raise InputError(f"train.settings: {', '.join(clash)} are set by the study (its dataset, work folder, "
                         "model and seeds); remove them")
    from emscope.train.openai_config import API_PARAMETERS, UNSUPPORTED

    if local := sorted(set(config.train.settings) & set(UNSUPPORTED)):
        raise InputError(f"train.settings: {', '.join(local)} are local LoRA settings the {name} fine-tuning API "
                         f"cannot take ({'; '.join(f'{k}: {UNSUPPORTED[k]}' for k in local)}); remove them, or "
                         f"set train.backend: local. The API takes: {', '.join(API_PARAMETERS)}")


# TrainConfig names its runtime-only fields KEY_EXCLUDED (train/config.py), OpenAITrainConfig
# OPENAI_KEY_EXCLUDED; either config's key_fields() leaves them out. The dataset enters the key
# through the build stage's key.
SPEC = StageSpec(name="train", scope="job", config_type="emscope.train.config:TrainConfig", configure=train_config,
                 body=_body, inputs=lambda ctx: {"build": ctx.keys["build"]}, setting="train.settings",
                 needs=("build",), enabled=lambda _c, job: job is not None and job.domain is not None,
                 check=_check, runtime=frozenset(KEY_EXCLUDED), input_fields=frozenset({"dataset"}))
