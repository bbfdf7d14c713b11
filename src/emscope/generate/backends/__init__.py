"""Generation backends behind one interface, chosen by name: hf, openai, vllm.

Each factory imports its module (and that module's heavy dependencies) only when a run
asks for it, so `import emscope.generate` stays light and vLLM stays optional.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from emscope.generate.backends.base import BACKENDS, Backend, BackendFactory, Message, SampleRequest, SampleResult

if TYPE_CHECKING:
    from emscope.generate.config import GenerateConfig

__all__ = ["BACKENDS", "Backend", "BackendFactory", "Message", "SampleRequest", "SampleResult", "make_backend"]


def _hf(config: GenerateConfig) -> Backend:
    from emscope.generate.backends.hf import HFBackend

    return HFBackend.from_config(config)


def _openai(config: GenerateConfig) -> Backend:
    from emscope.generate.backends.openai import OpenAIBackend

    return OpenAIBackend.from_config(config)


def _vllm(config: GenerateConfig) -> Backend:
    from emscope.generate.backends.vllm import VLLMBackend

    return VLLMBackend.from_config(config)


BACKENDS.register("hf", _hf)
BACKENDS.register("openai", _openai)
BACKENDS.register("vllm", _vllm)


def make_backend(config: GenerateConfig) -> Backend:
    """The backend named by `config.backend` (unknown names suggest the closest)."""
    return BACKENDS.get(config.backend)(config)
