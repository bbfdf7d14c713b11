"""The judge cache: SQLite, keyed by (judge id, sha256 of the exact prompt).

What is stored is the judge's raw outcome for one prompt (an LLM judge's token
distribution, the offline judge's scores), never a failure: a 429 today must not become a
permanent 'invalid'. Re-aggregating cached distributions costs no model or API call.

Safe under threads (one connection behind a lock: SQLite serialises writers anyway) and
across processes (WAL mode, so readers never block the writer, plus a busy timeout).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from emscope.core.errors import InputError
from emscope.core.paths import emscope_home

__all__ = ["JudgeCache", "prompt_hash", "default_cache_path"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS judge_cache (
    judge TEXT NOT NULL,
    prompt_hash TEXT NOT NULL,
    value TEXT NOT NULL,
    created REAL NOT NULL,
    PRIMARY KEY (judge, prompt_hash)
) WITHOUT ROWID
"""
_CHUNK = 500  # keeps IN (...) lists under SQLite's variable limit


def prompt_hash(prompt: str) -> str:
    """sha256 hex of the exact prompt text (UTF-8)."""
    return hashlib.sha256(prompt.encode("utf-8")).hexdigest()


def default_cache_path() -> Path:
    """`$EMSCOPE_HOME/judge_cache.sqlite`."""
    return emscope_home() / "judge_cache.sqlite"


class JudgeCache:
    """A persistent map (judge id, prompt hash) -> JSON value."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_cache_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        try:
            self._db = sqlite3.connect(self.path, timeout=30.0, check_same_thread=False,
                                       isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL survives a process kill
            self._db.execute(_SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise InputError(f"judge cache {self.path} is not usable ({exc}); delete it or give "
                             "another --cache path") from exc
        self.hits = 0
        self.misses = 0

    def get_many(self, judge: str, hashes: Sequence[str]) -> dict[str, Any]:
        """The cached values among `hashes` (absent ones are simply missing)."""
        found: dict[str, Any] = {}
        unique = list(dict.fromkeys(hashes))
        with self._lock:
            for start in range(0, len(unique), _CHUNK):
                part = unique[start:start + _CHUNK]
                marks = ",".join("?" * len(part))
                rows = self._db.execute(
                    f"SELECT prompt_hash, value FROM judge_cache WHERE judge=? AND prompt_hash IN ({marks})",
                    (judge, *part)).fetchall()
                found.update((h, json.loads(v)) for h, v in rows)
            self.hits += sum(h in found for h in hashes)
            self.misses += sum(h not in found for h in hashes)
        return found

    def get(self, judge: str, hash_: str) -> Any | None:
        """One cached value, or None."""
        return self.get_many(judge, [hash_]).get(hash_)

    def put_many(self, judge: str, values: Mapping[str, Any] | Iterable[tuple[str, Any]]) -> None:
        """Store values (one transaction); an existing key is overwritten."""
        items = values.items() if isinstance(values, Mapping) else values
        now = time.time()
        rows = [(judge, h, json.dumps(v, separators=(",", ":")), now) for h, v in items]
        if not rows:
            return
        with self._lock:
            self._db.execute("BEGIN")
            try:
                self._db.executemany("INSERT OR REPLACE INTO judge_cache VALUES (?, ?, ?, ?)", rows)
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def put(self, judge: str, hash_: str, value: Any) -> None:
        """Store one value."""
        self.put_many(judge, [(hash_, value)])

    def count(self, judge: str | None = None) -> int:
        """Entries stored (for one judge, or all)."""
        with self._lock:
            if judge is None:
                return int(self._db.execute("SELECT COUNT(*) FROM judge_cache").fetchone()[0])
            return int(self._db.execute("SELECT COUNT(*) FROM judge_cache WHERE judge=?",
                                        (judge,)).fetchone()[0])

    def close(self) -> None:
        """Close the connection (idempotent)."""
        with self._lock:
            self._db.close()

    def __enter__(self) -> JudgeCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
