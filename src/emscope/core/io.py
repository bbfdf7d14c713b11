"""Atomic writes and JSONL helpers: a crash never leaves a half-written artifact behind."""

from __future__ import annotations

import json
import os
import tempfile
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from emscope.core.errors import InputError

__all__ = ["atomic_write_bytes", "current_umask", "plain_permissions", "atomic_write_text", "write_jsonl", "read_jsonl", "dumps_row", "split_jsonl",
           "expand_jsonl_paths"]


_umask_lock = threading.Lock()


def current_umask() -> int:
    """The process umask, read without changing it where the OS allows (Linux /proc)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    # Elsewhere the only way to read it is to set it: briefly, under a lock, put back at once.
    with _umask_lock:
        mask = os.umask(0o022)
        os.umask(mask)
    return mask


def plain_permissions(folder: str | os.PathLike[str]) -> None:
    """Give every file under `folder` the permissions a plain `open(path, "w")` would (0o666 less
    the umask). safetensors writes its files 0600, which made adapters and converted models
    unreadable to a group sharing a run, unlike every other artifact."""
    mode = 0o666 & ~current_umask()
    root = Path(folder)
    for path in [root] if root.is_file() else root.rglob("*"):
        if path.is_file() and not path.is_symlink():
            os.chmod(path, mode)


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write `data` to `path` via a temporary file in the same folder and an atomic rename.

    The file gets the permissions a plain `open(path, "w")` would give (0o666 less the umask):
    mkstemp creates 0600, which made these artifacts unreadable to a group sharing a run.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        os.fchmod(fd, 0o666 & ~current_umask())
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


# Characters json.dumps leaves raw (ensure_ascii=False) that str.splitlines() and many JSONL
# readers treat as line breaks. Models do emit them (U+2028 was seen in a SmolLM2 answer and
# split that row in two for a splitlines() reader), so they are written escaped; they can only
# occur inside JSON strings, where the escape means the same character.
_LINE_BREAKS = str.maketrans({"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085",
                              "\x1c": "\\u001c", "\x1d": "\\u001d", "\x1e": "\\u001e"})


def dumps_row(row: Any) -> str:
    """One JSONL line: compact, key order kept, non-ASCII kept readable (line separators escaped)."""
    return json.dumps(row, ensure_ascii=False, separators=(",", ":")).translate(_LINE_BREAKS)


def split_jsonl(text: str) -> list[str]:
    """The lines of JSONL text: split on "\n" only (not str.splitlines(), which also breaks
    at U+2028, U+0085 and others that may sit raw inside JSON strings written by other tools)."""
    lines = text.split("\n")
    return [line.removesuffix("\r") for line in (lines[:-1] if lines and lines[-1] == "" else lines)]


def write_jsonl(path: str | os.PathLike[str], rows: Iterable[Any]) -> Path:
    """Atomically write rows as JSON Lines."""
    return atomic_write_text(path, "".join(dumps_row(r) + "\n" for r in rows))


def read_jsonl(path: str | os.PathLike[str]) -> Iterator[Any]:
    """Yield the rows of a JSONL file (blank lines skipped); use data.validate for diagnostics."""
    # newline="" keeps a raw "\r" inside a string from being read as a line end.
    with open(path, encoding="utf-8", newline="") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def expand_jsonl_paths(paths: Iterable[str | os.PathLike[str]], what: str) -> list[Path]:
    """Files as given; a folder stands for the *.jsonl files directly inside it (sorted).

    `what` names the kind of file in the errors ("judged", "dataset": "no such dataset file").
    """
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(p.glob("*.jsonl"))
            if not found:
                raise InputError(f"{p}: folder holds no *.jsonl {what} files")
            out.extend(found)
        elif p.is_file():
            out.append(p)
        else:
            raise InputError(f"{p}: no such {what} file")
    return out
