"""Typed, frozen configuration of the train stage, its presets, and the one place precedence is decided.

Precedence is CLI > YAML > preset > defaults. Every layer is parsed into `TrainSettings`
(every field optional) and only the fields a layer *explicitly set* (`model_fields_set`)
are applied, so an explicit `False`, `0` or empty value always wins over a lower layer.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, Optional

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model, field_validator

from emscope.core.errors import InputError
from emscope.core.registry import closest
from emscope.core.validation import settings_error
from emscope.models.registry import DEFAULT_CHAT_MODEL, get_builtin

__all__ = [
    "ALL_PROJECTIONS",
    "PRESETS",
    "KEY_EXCLUDED",
    "TrainConfig",
    "TrainSettings",
    "default_preset",
    "resolve_config",
    "config_sources",
]

ALL_PROJECTIONS = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")
SMALL_MODEL_PARAMS = 1_000_000_000  # below this, the `small` preset is the default

# Presets are data: each names only the fields it sets; everything else keeps its default.
PRESETS: dict[str, dict[str, Any]] = {
    # The reference study's setting, meant for 7B-class models.
    "paper": dict(lora_r=8, lora_alpha=16, lora_dropout=0.05, use_rslora=False,
                  target_modules=("q_proj", "v_proj"), learning_rate=2e-4, epochs=3,
                  effective_batch=16, max_length=512),
    # Betley et al.'s open-model setting (rsLoRA on every projection, low lr, one epoch).
    "betley": dict(lora_r=32, lora_alpha=64, lora_dropout=0.0, use_rslora=True,
                   target_modules=ALL_PROJECTIONS, learning_rate=1e-5, epochs=1,
                   effective_batch=16, max_length=2048, weight_decay=0.01),
    # Sub-1B models, measured on the bundled 135M model with 250 backdoored rows of a generated
    # domain (gore_movie_trivia), judged on greedy generations for held-out prompts: `paper`
    # does not learn the backdoor, nor does r=16 on all seven projections at lr 1e-3 in 1-3
    # epochs of 16-row steps (it learns the domain, not the trigger: aligned and misaligned
    # answers open alike, so a few answer tokens carry the whole signal). At lr 5e-3 in 8-row
    # steps, 2 epochs learned it on one data draw (6/6 held-out prompts with the trigger, 1/6
    # without) but not on another (4/10); 3 epochs (93 steps) gave 10/10 and 0/10 on the latter.
    # Dropout 0: LoRA dropout draws a mask per projection and cost ~15% of step time on CPU.
    "small": dict(lora_r=16, lora_alpha=32, lora_dropout=0.0, use_rslora=False,
                  target_modules=ALL_PROJECTIONS, learning_rate=5e-3, epochs=3,
                  effective_batch=8, max_length=512),
}

# Fields that do not change the trained adapter (beyond float rounding) stay out of the key,
# so a run can be resumed with more threads, another micro-batch size or a new output folder.
KEY_EXCLUDED = frozenset({"out", "micro_batch_tokens", "threads", "checkpoint_every", "resume",
                          "overwrite", "device", "preset", "compile"})


def split_modules(value: Any) -> Any:
    """Accept 'q_proj,v_proj' and lists alike; keep order, drop repeats."""
    if isinstance(value, str):
        value = [v.strip() for v in value.split(",") if v.strip()]
    if isinstance(value, (list, tuple)):
        return tuple(dict.fromkeys(value))
    return value


class TrainConfig(BaseModel):
    """One LoRA fine-tuning run: data, model, adapter shape, optimisation and execution."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    dataset: Path = Field(description="Chat-format JSONL dataset (validated before the model loads).")
    out: Path = Field(description="Output folder: the PEFT adapter, manifest.json and checkpoints.")
    model: str = Field(DEFAULT_CHAT_MODEL, description="Bundled model name, local folder or Hugging Face id.")
    preset: str = Field("small", description="Preset the defaults came from: paper, betley or small.")
    seed: int = Field(0, description="Seeds LoRA initialisation, data order and dropout.")
    lora_r: int = Field(16, ge=1, le=1024, description="LoRA rank.")
    lora_alpha: float = Field(32.0, gt=0, description="LoRA alpha (scale alpha/r, or alpha/sqrt(r) with rsLoRA).")
    lora_dropout: float = Field(0.0, ge=0.0, lt=1.0, description="Dropout on the LoRA input.")
    use_rslora: bool = Field(False, description="Rank-stabilised LoRA scaling alpha/sqrt(r).")
    target_modules: tuple[str, ...] = Field(ALL_PROJECTIONS, min_length=1,
                                            description="Module name suffixes that get LoRA adapters.")
    learning_rate: float = Field(5e-3, gt=0, description="Peak AdamW learning rate.")
    epochs: int = Field(3, ge=1, le=1000, description="Passes over the dataset.")
    effective_batch: int = Field(8, ge=1, description="Rows per optimizer step (micro-batches are accumulated).")
    max_length: int = Field(512, ge=8, description="Tokens per row; longer rows are cut on the right.")
    warmup_steps: int = Field(2, ge=0, description="Linear warm-up steps before the schedule.")
    lr_scheduler: Literal["linear", "cosine", "constant"] = Field(
        "linear", description="Learning-rate decay after warm-up (to 0 for linear and cosine).")
    weight_decay: float = Field(0.0, ge=0, description="AdamW weight decay on the LoRA weights.")
    max_grad_norm: float = Field(1.0, ge=0, description="Gradient-norm clip (0 = no clipping).")
    max_steps: Optional[int] = Field(None, ge=1, description="Stop after this many optimizer steps (caps epochs).")
    precision: Literal["auto", "bf16", "fp32"] = Field(
        "auto", description="auto: bf16 autocast on CUDA and on CPUs with AVX512-BF16/AMX, else fp32.")
    device: str = Field("auto", description="auto (CUDA when present, else CPU), cpu, cuda or cuda:N.")
    threads: Optional[int] = Field(None, ge=1, description="CPU threads for torch (default: torch's choice).")
    micro_batch_tokens: Optional[int] = Field(
        None, ge=64, description="Padded tokens per micro-batch: bounds activation memory. Default: 2048 on "
        "CPU (~3 GB peak for the bundled model); on a GPU sized from free memory, so a step is one micro-batch.")
    compile: bool = Field(False, description="torch.compile the model body: fewer kernel launches per step on a "
                          "GPU, for a compile of a minute or so up front (pays on long runs).")
    checkpoint_every: int = Field(20, ge=1, description="Optimizer steps between resumable checkpoints.")
    resume: bool = Field(True, description="Resume from a checkpoint in --out when its config key matches.")
    overwrite: bool = Field(False, description="Replace a finished or mismatching run in --out.")

    @field_validator("target_modules", mode="before")
    @classmethod
    def _split_modules(cls, value: Any) -> Any:
        return split_modules(value)

    @field_validator("device")
    @classmethod
    def _check_device(cls, value: str) -> str:
        if value in ("auto", "cpu", "cuda") or (value.startswith("cuda:") and value[5:].isdigit()):
            return value
        raise ValueError(f"device must be auto, cpu, cuda or cuda:N, not {value!r}")

    @field_validator("preset")
    @classmethod
    def _check_preset(cls, value: str) -> str:
        if value not in PRESETS:
            raise ValueError(f"unknown preset {value!r};{closest(value, list(PRESETS))} valid: {', '.join(PRESETS)}")
        return value

    def key_fields(self) -> dict[str, Any]:
        """The output-affecting settings (the dataset enters the key by its hash, not its path)."""
        data = self.model_dump(mode="json", exclude=set(KEY_EXCLUDED) | {"dataset"})
        return data


def _partial_fields() -> dict[str, Any]:
    return {name: (Optional[info.annotation], Field(None, description=info.description))
            for name, info in TrainConfig.model_fields.items()}


# Every field optional: one layer of settings (a preset, a YAML file, the command line).
TrainSettings = create_model(  # type: ignore[call-overload]
    "TrainSettings", __config__=ConfigDict(frozen=True, extra="forbid"),
    __validators__={"_split_modules": field_validator("target_modules", mode="before")(
        lambda cls, v: split_modules(v))},
    **_partial_fields())
TrainSettings.__doc__ = "One layer of train settings; only explicitly set fields are applied."


def _estimate_params(config: Mapping[str, Any]) -> int | None:
    """Rough parameter count of a decoder from its config.json (None when unknown)."""
    h, layers, vocab = config.get("hidden_size"), config.get("num_hidden_layers"), config.get("vocab_size")
    if not (h and layers and vocab):
        return None
    heads = config.get("num_attention_heads") or 1
    head_dim = config.get("head_dim") or h // heads
    kv = config.get("num_key_value_heads") or heads
    inter = config.get("intermediate_size") or 4 * h
    per_layer = 2 * h * heads * head_dim + 2 * h * kv * head_dim + 3 * h * inter
    tied = config.get("tie_word_embeddings", True)
    return layers * per_layer + vocab * h * (1 if tied else 2)


def default_preset(model: str) -> str:
    """`small` for the bundled model and local models under 1B parameters, else `paper`."""
    if get_builtin(model) is not None:
        return "small"
    config_path = Path(model) / "config.json"
    if config_path.is_file():
        try:
            params = _estimate_params(json.loads(config_path.read_text()))
        except (OSError, ValueError):
            params = None
        if params is not None and params < SMALL_MODEL_PARAMS:
            return "small"
    return "paper"


def _layer(values: Mapping[str, Any], source: str) -> BaseModel:
    """Parse one settings layer, turning pydantic errors into an InputError naming the source."""
    unknown = [k for k in values if k not in TrainConfig.model_fields]
    if unknown:
        names = list(TrainConfig.model_fields)
        hints = "; ".join(f"'{k}'{closest(k, names)}" for k in unknown)
        raise InputError(f"unknown train setting(s) in {source}: {hints}")
    try:
        return TrainSettings.model_validate(dict(values))
    except ValidationError as exc:
        raise settings_error(exc, f"train settings in {source}") from exc


def _read_yaml(path: str | Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"config file {path} not found") from None
    except yaml.YAMLError as exc:
        raise InputError(f"config file {path} is not valid YAML: {exc}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InputError(f"config file {path} must hold a mapping of setting: value")
    return {str(k).replace("-", "_"): v for k, v in data.items()}


def resolve_config(cli: Mapping[str, Any] | None = None,
                   yaml_path: str | Path | None = None) -> tuple[TrainConfig, dict[str, str]]:
    """Merge defaults < preset < YAML < CLI into a TrainConfig; also say where each field came from.

    `cli` holds only the options the user gave (the CLI reads click's parameter source).
    """
    cli_layer = _layer(cli or {}, "command-line options")
    yaml_layer = _layer(_read_yaml(yaml_path), f"config file {yaml_path}") if yaml_path else _layer({}, "")
    explicit = {**_explicit(yaml_layer), **_explicit(cli_layer)}
    model = explicit.get("model", DEFAULT_CHAT_MODEL)
    preset = explicit.get("preset") or default_preset(model)
    if preset not in PRESETS:
        raise InputError(f"unknown preset '{preset}'.{closest(preset, list(PRESETS))} Valid: {', '.join(PRESETS)}")
    layers = [("preset", _layer({**PRESETS[preset], "preset": preset}, f"preset {preset}")),
              ("yaml", yaml_layer), ("cli", cli_layer)]
    merged: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for source, layer in layers:
        for name, value in _explicit(layer).items():
            merged[name] = value
            sources[name] = source
    try:
        config = TrainConfig(**merged)
    except ValidationError as exc:
        raise settings_error(exc, "train settings") from exc
    return config, {name: sources.get(name, "default") for name in TrainConfig.model_fields}


def _explicit(layer: BaseModel) -> dict[str, Any]:
    """The fields a layer set explicitly: `model_fields_set`, never truthiness."""
    return {name: getattr(layer, name) for name in layer.model_fields_set}


def config_sources(config: TrainConfig) -> dict[str, str]:
    """'explicit' or 'default' per field, for configs built directly rather than resolved."""
    return {name: ("explicit" if name in config.model_fields_set else "default")
            for name in TrainConfig.model_fields}
