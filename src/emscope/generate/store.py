"""The answer file as a crash-safe, resumable append log.

Each finished row is written as one line with a single `write`, flushed and fsync'd, so a
kill loses at most the rows in flight. A kill during that write can leave a last line
without its newline; on the next open that torn tail is cut off and its row regenerated.
An exclusive lock stops two runs from appending to one file at once.
"""

from __future__ import annotations

import fcntl
import json
import os
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from emscope.core.errors import InputError
from emscope.core.io import dumps_row

__all__ = ["AnswerStore", "read_rows"]


def read_rows(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """Every complete row of an answer file, in order; `file:line` errors for corrupt lines."""
    rows: list[dict[str, Any]] = []
    with open(path, "rb") as fh:
        data = fh.read()
    end = data.rfind(b"\n") + 1  # a torn last line (no newline) is not a row yet
    for number, line in enumerate(data[:end].split(b"\n")[:-1], start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError as exc:
            raise InputError(f"{path}:{number}: not a JSON row ({exc}); the file was edited or is not "
                             "an emscope answer file: fix or remove that line, or use another --out") from None
        if not isinstance(row, dict) or not isinstance(row.get("id"), str):
            raise InputError(f"{path}:{number}: row has no string 'id'; not an emscope answer file")
        rows.append(row)
    return rows


class AnswerStore:
    """Open with `with AnswerStore(path) as store:`; `recover()`, then `append(row)` per finished row."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.truncated_bytes = 0
        self._fh: IO[bytes] | None = None

    def __enter__(self) -> AnswerStore:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Unbuffered: each row reaches the file in one write call, nothing waits in a buffer.
        fh = open(self.path, "ab", buffering=0)  # noqa: SIM115 - held for the whole run, closed in __exit__
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            fh.close()
            raise InputError(f"{self.path} is being written by another emscope run; wait for it to finish "
                             "or give another --out") from None
        self._fh = fh
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._fh is not None:
            self._fh.close()  # closing releases the lock
            self._fh = None

    def recover(self) -> dict[str, dict[str, Any]]:
        """Cut off a torn last line, then return the finished rows by id (duplicates are an error)."""
        fh = self._require_open()
        size = self.path.stat().st_size
        if size:
            with open(self.path, "rb") as reader:
                reader.seek(max(0, size - (1 << 20)))
                tail = reader.read()
            if not tail.endswith(b"\n"):
                cut = tail.rfind(b"\n")
                if cut < 0 and size > len(tail):
                    raise InputError(f"{self.path}: last line is longer than 1 MiB and has no newline; "
                                     "not an emscope answer file")
                keep = size - len(tail) + cut + 1
                os.truncate(self.path, keep)
                fh.seek(0, os.SEEK_END)
                self.truncated_bytes = size - keep
        rows: dict[str, dict[str, Any]] = {}
        for number, row in enumerate(read_rows(self.path), start=1):
            if row["id"] in rows:
                raise InputError(f"{self.path}: row id {row['id']} appears twice (row {number}); the file "
                                 "was written by two runs at once or edited by hand")
            rows[row["id"]] = row
        return rows

    def append(self, row: dict[str, Any]) -> None:
        """Write one row durably: a single write of the whole line, flushed and fsync'd."""
        fh = self._require_open()
        data = memoryview((dumps_row(row) + "\n").encode("utf-8"))
        while data:  # a regular file takes it all at once; loop in case it does not
            written = fh.write(data)
            if not written:
                raise OSError(f"could not write to {self.path}")
            data = data[written:]
        os.fsync(fh.fileno())

    def _require_open(self) -> IO[bytes]:
        if self._fh is None:
            raise RuntimeError("AnswerStore used outside its `with` block")
        return self._fh
