"""Typed, frozen configuration of the membership-inference stage, and its precedence rules.

Precedence (CONVENTIONS 3): CLI > YAML > defaults. `resolve_config` takes the YAML mapping and
only the CLI values the user actually typed (the CLI detects them with click's parameter source,
never by truthiness, so an explicit `--no-last-turn-only` beats `last_turn_only: true` in YAML).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from emscope.core.errors import InputError
from emscope.core.validation import settings_error

__all__ = ["MiaConfig", "resolve_config", "load_yaml_section"]


class MiaConfig(BaseModel):
    """What to score, with which models, and how."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    # Out of the key: batch sizes and the device change speed, not scores.
    RUNTIME_FIELDS: ClassVar[frozenset[str]] = frozenset({"batch_tokens", "max_batch_rows", "device"})
    # Out of the key as paths: the datasets and adapters enter it by content (run.py) or, in a
    # study, through their build and train stages' keys.
    INPUT_FIELDS: ClassVar[frozenset[str]] = frozenset({"adapter", "reference_adapter", "datasets", "holdout"})

    model: str = Field("smollm2-135m-instruct", description="Target model: bundled name, Hugging Face id or local folder.")
    adapter: str | None = Field(None, description="LoRA adapter folder applied to the target (the fine-tuned model).")
    reference: str | None = Field(None, description="Reference model (the un-fine-tuned base); adds ref_* and adj_* = target − reference scores.")
    reference_adapter: str | None = Field(None, description="LoRA adapter applied to the reference model (needs `reference`).")
    datasets: tuple[str, ...] = Field(description="Chat JSONL files or folders of them (*.jsonl); scored rows. With `holdout`, these are the members (training rows).")
    holdout: tuple[str, ...] = Field((), description="Held-out chat JSONL files (non-members, e.g. the same domain built with another seed); enables member-vs-non-member AUCs.")
    k: float = Field(0.2, gt=0.0, le=1.0, description="Min-K% / Min-K%++ fraction of lowest-scoring tokens averaged (0.2 = 20%).")
    max_length: int = Field(2048, ge=8, description="Tokens per conversation; longer ones are cut at the end and flagged `truncated`.")
    last_turn_only: bool = Field(False, description="Score only the final assistant turn (default: every assistant turn).")
    precision: Literal["auto", "bf16", "fp32"] = Field("auto", description="Model body precision: auto = bf16 where the hardware runs it fast (CUDA, AVX512-BF16/AMX CPUs). Log-softmax is always float32.")
    batch_tokens: int | None = Field(None, ge=16, description="Padded tokens per forward batch (speed/memory only; scores change by float noise at most). Default: 1024 on CPU (cache-sized batches measured fastest), 16384 on CUDA.")
    max_batch_rows: int = Field(64, ge=1, description="Rows per forward batch at most.")
    device: str | None = Field(None, description="torch device; default cuda when available, else cpu.")

    @model_validator(mode="after")
    def _consistent(self) -> MiaConfig:
        if self.reference_adapter and not self.reference:
            raise ValueError("reference_adapter needs reference (the base model the reference adapter belongs to)")
        if not self.datasets:
            raise ValueError("datasets: give at least one dataset file")
        overlap = set(self.datasets) & set(self.holdout)
        if overlap:
            raise ValueError(f"a file cannot be both a dataset (member) and a holdout (non-member): {sorted(overlap)}")
        return self

    @property
    def has_reference(self) -> bool:
        """Whether reference-adjusted scores are computed."""
        return self.reference is not None

    def key_fields(self, precision: str | None = None) -> dict[str, Any]:
        """Output-affecting settings; `precision`, when given, is the resolved one ('bf16' | 'fp32').

        Without it the configured precision (e.g. 'auto') enters the key: what a study keys on
        before it knows the machine.
        """
        fields = self.model_dump(mode="json", exclude=set(self.RUNTIME_FIELDS) | set(self.INPUT_FIELDS))
        return {**fields, "precision": precision or self.precision}


def load_yaml_section(path: str | Path, section: str = "mia") -> dict[str, Any]:
    """The `mia:` mapping of a YAML file (or the whole file when it has no such section)."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"cannot read config {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise InputError(f"{path}: a config file must be a mapping, got {type(data).__name__}")
    inner = data.get(section, data)
    if not isinstance(inner, dict):
        raise InputError(f"{path}: '{section}' must be a mapping")
    return dict(inner)


def resolve_config(yaml_values: Mapping[str, Any] | None, cli_values: Mapping[str, Any]) -> MiaConfig:
    """CLI (explicitly given values only) over YAML over defaults; errors name the setting."""
    merged: dict[str, Any] = dict(yaml_values or {})
    merged.update(cli_values)
    for key in ("datasets", "holdout"):
        if isinstance(merged.get(key), str):
            merged[key] = (merged[key],)
    try:
        return MiaConfig(**merged)
    except ValidationError as exc:
        raise settings_error(exc, "mia settings", fields_at=lambda loc: MiaConfig.model_fields) from exc
