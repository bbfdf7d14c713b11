"""Provenance recorded in every train manifest (any backend): git commit + dirty flag, versions."""

from __future__ import annotations

import platform
import subprocess
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from emscope import __version__

__all__ = ["git_state", "package_versions"]


def git_state() -> dict[str, Any]:
    """The commit of the emscope checkout and whether it has uncommitted changes (None outside git)."""
    root = Path(__file__).resolve().parents[3]
    try:
        commit = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True,
                                text=True, timeout=10, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain"], capture_output=True,
                               text=True, timeout=10, check=True).stdout.strip() != ""
        return {"commit": commit, "dirty": dirty}
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}


def package_versions(names: Iterable[str]) -> dict[str, str | None]:
    """Python, emscope and each named package's installed version (None when absent)."""
    import importlib.metadata as md

    found: dict[str, str | None] = {"python": platform.python_version(), "emscope": __version__}
    for name in names:
        try:
            found[name] = md.version(name)
        except md.PackageNotFoundError:
            found[name] = None
    return found
