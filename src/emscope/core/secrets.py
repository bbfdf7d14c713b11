"""Keep secrets out of every message: API keys and tokens are replaced by `***`.

A server may echo the request's API key in an error body ("invalid key sk-..."); that body
becomes an error message and would be printed to stderr or written to a log. `redact` is
applied where openai errors are translated (core.retry) and, as a last line of defence,
by the CLI's error printer. The values redacted are those of environment variables that
hold secrets by name (`*_API_KEY`, `*_TOKEN`, `OPENAI_API_KEY`) plus every key a client
actually sent (`register_secret`; core.retry registers the bearer token of a failed
request, so a key read from any `--api-key-env` variable is covered too).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Mapping

__all__ = ["MASK", "MIN_SECRET_LEN", "redact", "register_secret", "secret_values"]

MASK = "***"
# Shorter values are not redacted: replacing "1" or "abc" everywhere would mangle every
# message, and such a value is no secret worth hiding (a real key is 20+ characters).
MIN_SECRET_LEN = 6
SECRET_ENV_SUFFIXES = ("_API_KEY", "_TOKEN")
SECRET_ENV_NAMES = frozenset({"OPENAI_API_KEY", "HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"})

_lock = threading.Lock()
_registered: set[str] = set()


def register_secret(value: str | None) -> None:
    """Remember a secret this process sent (an API key), so every later message hides it."""
    if value and len(value) >= MIN_SECRET_LEN:
        with _lock:
            _registered.add(value)


def _is_secret_name(name: str) -> bool:
    upper = name.upper()
    return upper in SECRET_ENV_NAMES or upper.endswith(SECRET_ENV_SUFFIXES)


def secret_values(environ: Mapping[str, str] | None = None) -> list[str]:
    """Every secret to hide, longest first (so a key containing another is hidden whole)."""
    env = os.environ if environ is None else environ
    values = {v for k, v in env.items() if _is_secret_name(k) and len(v) >= MIN_SECRET_LEN}
    with _lock:
        values |= _registered
    return sorted(values, key=len, reverse=True)


def redact(text: str, extra: Iterable[str] = (), environ: Mapping[str, str] | None = None) -> str:
    """`text` with every known secret (and each of `extra`) replaced by `***`."""
    for value in [*(e for e in extra if e and len(e) >= MIN_SECRET_LEN), *secret_values(environ)]:
        if value in text:
            text = text.replace(value, MASK)
    return text
