"""HTTP helpers shared by every OpenAI-compatible client (dataset rewrite, generation, judging)."""

from __future__ import annotations

import email.utils
import math
import time
from collections.abc import Mapping
from typing import Any

from emscope.core.errors import MissingDependencyError

__all__ = ["MAX_RETRY_AFTER_S", "import_openai", "retry_after_seconds"]

MAX_RETRY_AFTER_S = 120.0  # never let a server park a run for longer than this per attempt


def retry_after_seconds(headers: Mapping[str, str]) -> float | None:
    """Seconds a response asks us to wait (retry-after-ms, Retry-After seconds or HTTP date), capped."""
    for name, scale in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            seconds = float(value) / scale
        except ValueError:
            parsed = email.utils.parsedate_tz(value) if scale == 1.0 else None
            if parsed is None:
                continue
            seconds = email.utils.mktime_tz(parsed) - time.time()
        if not math.isnan(seconds):  # inf (or a far-off date) is capped like any long wait
            return min(max(seconds, 0.0), MAX_RETRY_AFTER_S)
    return None


def import_openai(user: str) -> Any:
    """The `openai` client module, imported late so that only its users need it installed.

    `user` names what needs it (e.g. "the openai backend") in the error when it is missing.
    """
    try:
        import openai
    except ImportError as exc:
        raise MissingDependencyError(f"{user} needs the openai package: "
                                     ".venv/bin/pip install openai==3.54.0") from exc
    return openai
