"""Finished LLM rewrites of one build, kept beside its output until the dataset is written.

An LLM-backed g takes minutes per hundred rows and some rows fail (a truncated answer, a
server error after every retry). Each finished rewrite is appended here as it arrives, so
a failed or killed build loses nothing: the rerun asks the generator only for the rows
still missing, and the dataset itself is written only when every row is there (a dataset
never silently lacks rows). The file is removed once the dataset is written.

File: `OUTPUT.rewrites.partial`, JSON lines `{"key": ..., "text": ...}`; a key hashes the
generator settings that shape the text and the request (domain, user turn, aligned answer),
so a rerun with another generator or model never reuses these rewrites.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from emscope.core.errors import InputError
from emscope.core.io import dumps_row
from emscope.core.keys import content_key
from emscope.data.rewrite import RewriteRequest

__all__ = ["RewriteStore", "rewrite_key"]

_SUFFIX = ".rewrites.partial"


def rewrite_key(generator: Mapping[str, Any], request: RewriteRequest) -> str:
    """The store key of one rewrite: generator settings plus the request's text."""
    return content_key({"generator": dict(generator), "domain": request.domain.name,
                        "user": request.user, "aligned": request.aligned}, length=32)


class RewriteStore:
    """Append-only store of finished rewrites for one output file."""

    def __init__(self, output: str | os.PathLike[str]) -> None:
        out = Path(output)
        self.path = out.with_name(out.name + _SUFFIX)

    def load(self) -> dict[str, str]:
        """Finished rewrites by key; a torn last line (a killed run) is dropped, as lost work."""
        if not self.path.is_file():
            return {}
        lines = self.path.read_bytes().split(b"\n")
        complete, torn = lines[:-1], lines[-1]  # the part after the last "\n" never finished
        found: dict[str, str] = {}
        for number, raw in enumerate(complete, 1):
            try:
                entry = json.loads(raw)
                found[entry["key"]] = entry["text"]
            except (ValueError, KeyError, TypeError):
                raise InputError(f"{self.path}:{number}: not a saved rewrite; delete {self.path} to rewrite "
                                 "every row again") from None
        if torn.strip():
            self._truncate(len(self.path.read_bytes()) - len(torn))
        return found

    def _truncate(self, size: int) -> None:
        with open(self.path, "r+b") as fh:
            fh.truncate(size)

    @contextmanager
    def appender(self) -> Iterator[Callable[[str, str], None]]:
        """A function `add(key, text)` that appends one finished rewrite, flushed at once."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "a", encoding="utf-8") as fh:
            def add(key: str, text: str) -> None:
                fh.write(dumps_row({"key": key, "text": text}) + "\n")  # one write: a kill tears one line
                fh.flush()

            yield add
            os.fsync(fh.fileno())

    def remove(self) -> None:
        """Drop the store (the dataset holding every rewrite has been written)."""
        self.path.unlink(missing_ok=True)
