"""The `local` train backend: LoRA fine-tuning in this process (`emscope.train.run.train`).

A thin adapter over the existing trainer: the same resolver, the same run key and outputs,
so switching the CLI and the study onto the backend registry changes no cache key.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from emscope.core.errors import InputError
from emscope.train.backends.base import OnEvent, TrainedModel, TrainEvent
from emscope.train.config import TrainConfig, _read_yaml, resolve_config

__all__ = ["LocalBackend"]


def _api_only() -> set[str]:
    from emscope.train.openai_config import OpenAITrainConfig

    return set(OpenAITrainConfig.model_fields) - set(TrainConfig.model_fields)


class LocalBackend:
    """LoRA SFT on assistant tokens with the bundled trainer; returns a PEFT adapter folder."""

    name = "local"

    def resolve(self, cli: Mapping[str, Any], yaml_path: str | Path | None) -> tuple[TrainConfig, dict[str, str]]:
        """`train.config.resolve_config`, after refusing settings only an API backend takes."""
        layers = [("command-line options", dict(cli))]
        if yaml_path:
            layers.insert(0, (f"config file {yaml_path}", _read_yaml(yaml_path)))
        for source, values in layers:
            foreign = sorted(set(values) & _api_only())
            if foreign:
                raise InputError(f"{', '.join(foreign)} (from {source}) are settings of the openai train backend; "
                                 "the local LoRA trainer cannot take them: add --backend openai or remove them")
        return resolve_config(cli, yaml_path)

    def train(self, config: TrainConfig, on_event: OnEvent | None = None,
              sources: dict[str, str] | None = None) -> TrainedModel:
        """Run (or resume, or find finished) the LoRA training `config` describes."""
        from emscope.train.run import train

        emit = on_event or (lambda _e: None)
        result = train(config, sources=sources,
                       on_ready=lambda done, total: emit(TrainEvent("ready", done=done, total=total)),
                       on_step=lambda log: emit(TrainEvent("step", done=log.step, data=log)))
        return TrainedModel("local", result.key, result.out, config.model, result.out, None, result.skipped,
                            result.manifest)
