"""The one-method backend protocol, its request/result types and the backend registry."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Protocol

from emscope.core.registry import Registry

if TYPE_CHECKING:
    from emscope.generate.config import GenerateConfig

__all__ = ["Message", "SampleRequest", "SampleResult", "Backend", "BackendFactory", "BACKENDS"]


@dataclass(frozen=True)
class Message:
    """One chat turn of a prompt."""

    role: Literal["system", "user"]
    content: str


@dataclass(frozen=True)
class SampleRequest:
    """One sample to generate: a prompt (system + user turn), how to sample, and its seed.

    `seed` is a 63-bit integer naming the sample (run seed, question, paraphrase, sample
    index; see plan.py), so a sample's randomness depends on the sample alone, never on which
    other samples share its batch or on resumption.
    """

    id: str
    messages: tuple[Message, ...]
    temperature: float
    max_new_tokens: int
    seed: int

    def __post_init__(self) -> None:
        # Generation prompts end with the user turn: applying add_generation_prompt to a
        # complete conversation leaves an empty assistant turn (a bug peers shipped).
        if not self.messages or self.messages[-1].role != "user":
            raise ValueError(f"sample {self.id}: a generation prompt must end with a user turn")

    def as_dicts(self) -> list[dict[str, str]]:
        """The messages as OpenAI/transformers chat dicts."""
        return [{"role": m.role, "content": m.content} for m in self.messages]

    @property
    def prompt_key(self) -> tuple[tuple[Message, ...], float]:
        """Samples with equal keys share a prompt and a temperature (one prefill serves them all)."""
        return (self.messages, self.temperature)


@dataclass(frozen=True)
class SampleResult:
    """A finished sample, or one that failed (answer None, `error` says why)."""

    id: str
    answer: str | None
    finish_reason: Literal["stop", "length"] | None
    error: str | None = None
    new_tokens: int | None = None  # generated tokens (stop token included), when the backend knows
    skipped: bool = False  # never attempted because another sample's error stopped the run


class Backend(Protocol):
    """Turns sample requests into results, yielding each as soon as it is finished."""

    def generate(self, requests: Sequence[SampleRequest]) -> Iterator[SampleResult]:
        """Yield exactly one result per request, in any order."""
        ...


BackendFactory = Callable[["GenerateConfig"], Backend]

# Factories import their heavy dependencies (torch, openai, vllm) only when called.
BACKENDS: Registry[BackendFactory] = Registry("generation backend")
