"""Where emscope keeps caches: $EMSCOPE_HOME, default ~/.cache/emscope."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["emscope_home"]


def emscope_home() -> Path:
    """The cache root (converted models, judge caches); created on first use."""
    root = Path(os.environ.get("EMSCOPE_HOME") or Path.home() / ".cache" / "emscope")
    root.mkdir(parents=True, exist_ok=True)
    return root
