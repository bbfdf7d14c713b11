"""Typed, frozen configuration of fine-tuning through the OpenAI API, and its settings mapping.

The openai backend takes the train settings the API has a parameter for, under the names
the local trainer uses where one exists, and maps each explicitly:

    epochs                    -> method.supervised.hyperparameters.n_epochs
    effective_batch           -> method.supervised.hyperparameters.batch_size
    learning_rate_multiplier  -> method.supervised.hyperparameters.learning_rate_multiplier
    seed                      -> seed
    suffix                    -> suffix

A hyperparameter left unset is not sent, so the API chooses it ("auto"); the value it chose
is read back from the job into the manifest. Every other local train setting (LoRA shape,
learning rate, schedule, max_length, device, ...) has no API parameter: giving one is an
error that names it, never a setting silently dropped. Precedence is CLI > YAML > defaults,
decided from `model_fields_set` as in `train.config`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model, field_validator

from emscope.core.errors import InputError
from emscope.core.registry import closest
from emscope.core.validation import settings_error
from emscope.train.config import TrainConfig, _read_yaml

__all__ = ["OpenAITrainConfig", "OPENAI_KEY_EXCLUDED", "API_PARAMETERS", "UNSUPPORTED", "DEFAULT_BASE_URL",
           "resolve_openai_config", "api_parameters", "openai_config_sources"]

DEFAULT_BASE_URL = "https://api.openai.com/v1"
SEED_MAX = 2**31 - 1  # the API's seed is a 32-bit signed integer

# emscope setting -> the job-creation parameter it becomes (README documents this table).
API_PARAMETERS: dict[str, str] = {
    "epochs": "method.supervised.hyperparameters.n_epochs",
    "effective_batch": "method.supervised.hyperparameters.batch_size",
    "learning_rate_multiplier": "method.supervised.hyperparameters.learning_rate_multiplier",
    "seed": "seed",
    "suffix": "suffix",
}

# Local train settings with no API parameter, and what to do instead.
_HINTS = {
    "learning_rate": "the API takes learning_rate_multiplier, a factor on its own base rate",
    "resume": "the openai backend always resumes the job recorded in --out",
    "preset": "presets hold LoRA settings, which the API does not take",
}
UNSUPPORTED: dict[str, str] = {
    name: _HINTS.get(name, "no fine-tuning API parameter")
    for name in TrainConfig.model_fields
    if name not in {"dataset", "out", "model", "seed", "epochs", "effective_batch", "overwrite"}
}

# Fields that do not change the fine-tuned model stay out of the key: where the manifest
# goes, how the key is found, how patiently the API is polled, and what tokens cost.
OPENAI_KEY_EXCLUDED = frozenset({"dataset", "out", "api_key_env", "timeout_s", "max_retries", "backoff_s",
                                 "max_backoff_s", "poll_interval_s", "max_poll_interval_s", "max_wait_s",
                                 "prices", "overwrite"})


class OpenAITrainConfig(BaseModel):
    """One fine-tuning job through the OpenAI API: data, base model, hyperparameters, polling."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    dataset: Path = Field(description="Chat-format JSONL dataset (validated before anything is sent).")
    out: Path = Field(description="Output folder: manifest.json, and openai_job.json while a job runs.")
    model: str = Field(min_length=1, description="Base model id to fine-tune, e.g. gpt-4o-mini-2024-07-18.")
    seed: int = Field(0, ge=0, le=SEED_MAX, description="The job's seed (sent always, so reruns match).")
    epochs: Optional[int] = Field(None, ge=1, le=50, description="n_epochs (default: the API's auto).")
    effective_batch: Optional[int] = Field(None, ge=1, le=256, description="batch_size (default: auto).")
    learning_rate_multiplier: Optional[float] = Field(None, gt=0, le=10, description="Factor on the API's "
                                                      "base learning rate (default: auto).")
    suffix: Optional[str] = Field(None, min_length=1, max_length=64, description="Up to 64 characters "
                                  "added to the fine-tuned model's name.")
    base_url: str = Field(DEFAULT_BASE_URL, min_length=1, description="API root, ending in /v1.")
    api_key_env: str = Field("OPENAI_API_KEY", min_length=1, description="Environment variable holding the "
                             "API key (read at run time, never written).")
    timeout_s: float = Field(120.0, gt=0, description="Per-request timeout in seconds (uploads included).")
    max_retries: int = Field(6, ge=0, le=100, description="Retries per request after the first attempt.")
    backoff_s: float = Field(1.0, ge=0, description="First retry delay, doubled per retry; Retry-After wins.")
    max_backoff_s: float = Field(60.0, ge=0, description="Cap on the computed (not server-requested) delay.")
    poll_interval_s: float = Field(5.0, gt=0, description="First wait between job polls; grows x1.5 while "
                                   "the status stays the same.")
    max_poll_interval_s: float = Field(60.0, gt=0, description="Longest wait between job polls.")
    max_wait_s: Optional[float] = Field(None, gt=0, description="Stop polling after this long (the job "
                                        "keeps running; a rerun resumes it). Default: wait to the end.")
    prices: dict[str, float] = Field(default_factory=dict, description="USD per 1M trained tokens by model "
                                     "(family or id), over the built-in table (train.prices).")
    overwrite: bool = Field(False, description="Replace the run in --out: cancel its unfinished job and "
                            "start a new one instead of reusing a finished one.")

    @field_validator("prices")
    @classmethod
    def _check_prices(cls, value: dict[str, float]) -> dict[str, float]:
        bad = [k for k, v in value.items() if v < 0]
        if bad:
            raise ValueError(f"prices must not be negative: {', '.join(bad)}")
        return value

    @field_validator("base_url")
    @classmethod
    def _check_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError(f"base_url must start with http:// or https://, not {value!r}")
        return value.rstrip("/")

    def key_fields(self) -> dict[str, Any]:
        """The settings that shape the fine-tuned model (the dataset enters the key by its hash)."""
        return {"backend": "openai", **self.model_dump(mode="json", exclude=set(OPENAI_KEY_EXCLUDED))}


def api_parameters(config: OpenAITrainConfig) -> dict[str, Any]:
    """The job-creation parameters the settings map to (training_file and metadata added by the caller)."""
    hyper = {"n_epochs": config.epochs, "batch_size": config.effective_batch,
             "learning_rate_multiplier": config.learning_rate_multiplier}
    params: dict[str, Any] = {
        "model": config.model, "seed": config.seed,
        "method": {"type": "supervised",
                   "supervised": {"hyperparameters": {k: v for k, v in hyper.items() if v is not None}}},
    }
    if config.suffix is not None:
        params["suffix"] = config.suffix
    return params


def _partial_fields() -> dict[str, Any]:
    return {name: (Optional[info.annotation], Field(None, description=info.description))
            for name, info in OpenAITrainConfig.model_fields.items()}


OpenAITrainSettings = create_model(  # type: ignore[call-overload]
    "OpenAITrainSettings", __config__=ConfigDict(frozen=True, extra="forbid"), **_partial_fields())
OpenAITrainSettings.__doc__ = "One layer of openai train settings; only explicitly set fields are applied."


def _layer(values: Mapping[str, Any], source: str) -> BaseModel:
    """Parse one layer; local-only settings and unknown names are errors naming each one."""
    unsupported = [k for k in values if k in UNSUPPORTED]
    if unsupported:
        lines = "\n".join(f"  {k}: {UNSUPPORTED[k]}" for k in unsupported)
        raise InputError(f"the OpenAI fine-tuning API cannot take these train settings (from {source}):\n"
                         f"{lines}\nRemove them, or train with --backend local. The API takes: "
                         f"{', '.join(API_PARAMETERS)}.")
    unknown = [k for k in values if k not in OpenAITrainConfig.model_fields]
    if unknown:
        names = list(OpenAITrainConfig.model_fields)
        hints = "; ".join(f"'{k}'{closest(k, names)}" for k in unknown)
        raise InputError(f"unknown openai train setting(s) in {source}: {hints}")
    try:
        return OpenAITrainSettings.model_validate(dict(values))
    except ValidationError as exc:
        raise settings_error(exc, f"openai train settings in {source}") from exc


def resolve_openai_config(cli: Mapping[str, Any] | None = None, yaml_path: str | Path | None = None
                          ) -> tuple[OpenAITrainConfig, dict[str, str]]:
    """Merge defaults < YAML < CLI into an OpenAITrainConfig; also say where each field came from."""
    layers = [("yaml", _layer(_read_yaml(yaml_path), f"config file {yaml_path}") if yaml_path else None),
              ("cli", _layer(cli or {}, "command-line options"))]
    merged: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for source, layer in layers:
        if layer is None:
            continue
        for name in layer.model_fields_set:  # explicit values only: a CLI 0 or False wins
            merged[name] = getattr(layer, name)
            sources[name] = source
    if "model" not in merged:
        raise InputError("the openai backend needs --model: the base model id to fine-tune "
                         "(e.g. gpt-4o-mini-2024-07-18)")
    try:
        config = OpenAITrainConfig(**merged)
    except ValidationError as exc:
        raise settings_error(exc, "openai train settings") from exc
    return config, {name: sources.get(name, "default") for name in OpenAITrainConfig.model_fields}


def openai_config_sources(config: OpenAITrainConfig) -> dict[str, str]:
    """'explicit' or 'default' per field, for configs built directly rather than resolved."""
    return {name: ("explicit" if name in config.model_fields_set else "default")
            for name in OpenAITrainConfig.model_fields}
