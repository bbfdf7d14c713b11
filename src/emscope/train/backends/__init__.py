"""Train backends behind one contract, chosen by name: local (LoRA in this process), openai (the API).

Each factory imports its module only when a run asks for it, so `import emscope.train`
stays light: the local trainer's torch and the openai client load on use.
"""

from __future__ import annotations

from emscope.train.backends.base import TRAIN_BACKENDS, OnEvent, TrainBackend, TrainedModel, TrainEvent

__all__ = ["TRAIN_BACKENDS", "DEFAULT_BACKEND", "OnEvent", "TrainBackend", "TrainedModel", "TrainEvent",
           "get_backend"]

DEFAULT_BACKEND = "local"


def _local() -> TrainBackend:
    from emscope.train.backends.local import LocalBackend

    return LocalBackend()


def _openai() -> TrainBackend:
    from emscope.train.backends.openai import OpenAIBackend

    return OpenAIBackend()


TRAIN_BACKENDS.register("local", _local)
TRAIN_BACKENDS.register("openai", _openai)


def get_backend(name: str) -> TrainBackend:
    """The train backend called `name` (unknown names suggest the closest)."""
    return TRAIN_BACKENDS.get(name)()
