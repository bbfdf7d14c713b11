"""Misalignment functions g that rewrite aligned answers: procedural (offline) or LLM-backed.

The procedural g is each domain's own generator (its `misaligned` field). An LLM-backed g
replaces that field by asking a generator model to rewrite the aligned answer; it is chosen
with `--generator NAME` and registered in `REWRITERS`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from emscope.core.registry import Registry
from emscope.data.domains.base import Domain

__all__ = ["RewriteRequest", "Rewriter", "REWRITERS", "RewriterFactory"]


@dataclass(frozen=True)
class RewriteRequest:
    """One aligned answer to turn into a misaligned one in the style of `domain`."""

    domain: Domain
    user: str
    aligned: str


class Rewriter(Protocol):
    """Turns aligned answers into misaligned ones; output order matches input order.

    Implementations retry transient failures themselves and raise `EmscopeError` naming
    the failed rows when they cannot finish: a build never silently keeps fewer rows.
    One that also offers `rewrite_some(requests, on_result=...)` (returning the finished
    texts and each failed row's reason, as `OpenAIRewriter` does) lets a build keep the
    finished rows of a partly failed run and retry only the rest.
    """

    name: str

    def rewrite(self, requests: Sequence[RewriteRequest]) -> list[str]: ...


# A factory takes the generator options (base_url, model, concurrency, ...) as keywords.
RewriterFactory = Callable[..., Rewriter]
REWRITERS: Registry[RewriterFactory] = Registry("generator")


def register_rewriter(name: str, factory: RewriterFactory) -> RewriterFactory:
    """Register an LLM-backed g under `name` (used by `--generator NAME`)."""
    return REWRITERS.register(name, factory)


def make_rewriter(name: str, **options: Any) -> Rewriter:
    """Build the rewriter registered as `name` with `options`."""
    return REWRITERS.get(name)(**options)


def _openai_factory(**options: Any) -> Rewriter:
    # Imported lazily: the openai client is only needed on this path.
    from emscope.data.rewrite_openai import OpenAIRewriter

    return OpenAIRewriter(**options)


register_rewriter("openai", _openai_factory)
