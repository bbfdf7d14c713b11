"""The train backend contract: how a backend resolves its settings and trains, and what it returns.

A backend turns layered settings (CLI > YAML > defaults) into its own frozen config and
trains from it. What it returns, `TrainedModel`, says how later stages reach the model: a
PEFT adapter folder on the base model (local) or a served model id (an API's fine-tuned
model). Progress arrives as `TrainEvent`s through one callback, so the CLI and the study
can show it without knowing the backend.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

from pydantic import BaseModel

from emscope.core.registry import Registry

__all__ = ["TrainEvent", "TrainedModel", "TrainBackend", "OnEvent", "TRAIN_BACKENDS"]


@dataclass(frozen=True)
class TrainEvent:
    """One progress report.

    kind: `ready` (a local run is about to step; `done`/`total` steps), `step` (a local optimizer
    step; `data` is its StepLog), `status` (an API job's status changed; `message` names it),
    `event` (a message the API logged for the job), `note` (anything the user should read:
    a duplicate-row warning, a reused or resumed job).
    """

    kind: Literal["ready", "step", "status", "event", "note"]
    message: str = ""
    done: int = 0
    total: int = 0
    data: Any = None


OnEvent = Callable[[TrainEvent], None]


@dataclass(frozen=True)
class TrainedModel:
    """A finished (or found-finished) training run and how to use its model.

    Exactly one of `adapter` (a PEFT folder to load on `base_model`) and `model_id` (a model
    an API serves, used as `generate --backend openai --model MODEL_ID`) is set.
    """

    backend: str
    key: str
    out: Path
    base_model: str
    adapter: Path | None
    model_id: str | None
    skipped: bool  # True when `out` (or the provider) already held this finished run
    manifest: dict[str, Any]


class TrainBackend(Protocol):
    """Resolves settings into a frozen config, and trains from such a config."""

    name: str

    def resolve(self, cli: Mapping[str, Any], yaml_path: str | Path | None
                ) -> tuple[BaseModel, dict[str, str]]:
        """The backend's config from the settings the user gave, and each field's source."""
        ...

    def train(self, config: Any, on_event: OnEvent | None = None,
              sources: dict[str, str] | None = None) -> TrainedModel:
        """Train (or resume, or reuse) the run `config` describes; never start a second copy of it."""
        ...


# Factories import their implementation (torch for local, openai for openai) only when called.
TRAIN_BACKENDS: Registry[Callable[[], TrainBackend]] = Registry("train backend")
