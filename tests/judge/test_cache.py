"""The SQLite judge cache: persistent, keyed by (judge id, prompt hash), safe under threads."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from emscope.judge.cache import JudgeCache, default_cache_path, prompt_hash


def test_round_trip_and_keys(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    with JudgeCache(path) as cache:
        cache.put("judge-a", prompt_hash("p1"), {"90": 0.5})
        cache.put_many("judge-a", {prompt_hash("p2"): {"x": 1}})
        assert cache.get("judge-b", prompt_hash("p1")) is None  # the judge id is part of the key
    with JudgeCache(path) as cache:  # persistent across connections
        found = cache.get_many("judge-a", [prompt_hash("p1"), prompt_hash("p2"), prompt_hash("p3")])
        assert found == {prompt_hash("p1"): {"90": 0.5}, prompt_hash("p2"): {"x": 1}}
        assert (cache.hits, cache.misses) == (2, 1)
        assert cache.count() == 2 and cache.count("judge-b") == 0
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_prompt_hash_is_sha256_of_exact_text() -> None:
    assert prompt_hash("a") != prompt_hash("a ")
    assert len(prompt_hash("x")) == 64


def test_default_location_is_emscope_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EMSCOPE_HOME", str(tmp_path / "home"))
    assert default_cache_path() == tmp_path / "home" / "judge_cache.sqlite"


def test_many_threads_write_and_read(tmp_path: Path) -> None:
    cache = JudgeCache(tmp_path / "c.sqlite")
    errors: list[BaseException] = []

    def work(t: int) -> None:
        try:
            for i in range(50):
                cache.put("j", f"{t}-{i}", [t, i])
                assert cache.get("j", f"{t}-{i}") == [t, i]
        except BaseException as exc:  # noqa: BLE001 - surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(t,)) for t in range(16)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors and cache.count("j") == 16 * 50
    cache.close()


def test_two_processes_share_the_file(tmp_path: Path) -> None:
    a, b = JudgeCache(tmp_path / "c.sqlite"), JudgeCache(tmp_path / "c.sqlite")
    a.put("j", "h", 1)
    assert b.get("j", "h") == 1
    a.close()
    b.close()


def test_unusable_file_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "c.sqlite"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(Exception, match="not usable"):
        JudgeCache(bad)
