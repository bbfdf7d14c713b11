"""The registry of judges and the factories that build them, by name: offline, openai, hf.

Kept apart from the contract (`judge/base.py`) as `generate/backends` does: each factory
imports its implementation only when asked for, so importing the registry loads no model code
and no judge module imports this one back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from emscope.core.registry import Registry
from emscope.judge.base import Judge

if TYPE_CHECKING:  # runtime imports stay lazy: a judge's heavy dependencies load on use
    from emscope.judge.cache import JudgeCache
    from emscope.judge.config import JudgeConfig

__all__ = ["JudgeFactory", "JUDGES", "make_judge", "open_cache"]

JudgeFactory = Callable[["JudgeConfig", "JudgeCache | None"], Judge]
JUDGES: Registry[JudgeFactory] = Registry("judge")


def _offline(config: JudgeConfig, cache: JudgeCache | None) -> Judge:
    from emscope.judge.offline.model import OfflineJudge

    return OfflineJudge(config, cache)


def _openai(config: JudgeConfig, cache: JudgeCache | None) -> Judge:
    from emscope.judge.openai_judge import OpenAIJudge

    return OpenAIJudge(config, cache)


def _hf(config: JudgeConfig, cache: JudgeCache | None) -> Judge:
    from emscope.judge.hf_judge import HFJudge

    return HFJudge(config, cache)


JUDGES.register("offline", _offline)
JUDGES.register("openai", _openai)
JUDGES.register("hf", _hf)


def open_cache(config: JudgeConfig) -> JudgeCache | None:
    """The configured cache, or None when caching is off."""
    from emscope.judge.cache import JudgeCache

    return JudgeCache(config.cache_path) if config.use_cache else None


def make_judge(config: JudgeConfig, cache: JudgeCache | None = None) -> Judge:
    """Build the configured judge (unknown names suggest the closest)."""
    return JUDGES.get(config.judge)(config, cache)
