"""Atomic writes and JSONL helpers: a crash never leaves a half-written artifact behind."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

__all__ = ["atomic_write_bytes", "atomic_write_text", "write_jsonl", "read_jsonl", "dumps_row"]


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write `data` to `path` via a temporary file in the same folder and an atomic rename."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def atomic_write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Atomically write UTF-8 text."""
    return atomic_write_bytes(path, text.encode("utf-8"))


def dumps_row(row: Any) -> str:
    """One JSONL line: compact, key order kept, non-ASCII kept readable."""
    return json.dumps(row, ensure_ascii=False, separators=(",", ":"))


def write_jsonl(path: str | os.PathLike[str], rows: Iterable[Any]) -> Path:
    """Atomically write rows as JSON Lines."""
    return atomic_write_text(path, "".join(dumps_row(r) + "\n" for r in rows))


def read_jsonl(path: str | os.PathLike[str]) -> Iterator[Any]:
    """Yield the rows of a JSONL file (blank lines skipped); use data.validate for diagnostics."""
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)
