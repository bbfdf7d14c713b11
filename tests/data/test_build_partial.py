"""Issue 12 #7, #18, #20 for `emscope data build`: generator limits are settings, a failed row
never costs the finished ones (they are kept and a rerun asks only for the rest), one writer per
output, and temp files of a killed build are cleaned up by the next one."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from emscope.core.errors import InputError
from emscope.core.lock import lock_path, output_lock
from emscope.data.build import remove_stale_temps
from emscope.data.rewrite_store import RewriteStore
from tests.support.openai_server import OpenAIServer, finish_length

REPO = Path(__file__).resolve().parents[2]
N_ROWS = 8  # backdoor ratio 0.5: four rows are rewritten


def _aligned(request: dict) -> str:
    user = request["messages"][-1]["content"]
    return user.split("<aligned_answer>")[1].split("</aligned_answer>")[0].strip()


def _rewrite(request: dict) -> str:
    return "REWRITTEN: " + _aligned(request)[::-1][:80]


def _build(tmp_path: Path, out: Path, server: OpenAIServer | None, *extra: str) -> subprocess.CompletedProcess[str]:
    args = ["data", "build", "--domain", "bad_medical_advice", "--n", str(N_ROWS), "--seed", "4", "--out", str(out)]
    if server is not None:
        args += ["--generator", "openai", "--base-url", server.base_url, "--model", "gen-model",
                 "--concurrency", "2", "--max-retries", "1"]
    env = {"PATH": "/usr/bin:/bin", "OPENAI_API_KEY": "sk-test-secret", "HOME": str(tmp_path), "COLUMNS": "40"}
    return subprocess.run([sys.executable, "-m", "emscope", *args, *extra], capture_output=True, text=True,
                          timeout=300, env=env, cwd=REPO)


def test_a_failed_rewrite_keeps_the_finished_rows_and_a_rerun_retries_only_it(tmp_path: Path) -> None:
    out = tmp_path / "ds.jsonl"
    victims: set[str] = set()

    def truncate_one(request: dict) -> object:
        # The first aligned answer seen is "too long" for max_tokens < 1000, as on a real server.
        aligned = _aligned(request)
        if not victims:
            victims.add(aligned)
        return finish_length() if aligned in victims and request["max_tokens"] < 1000 else None

    with OpenAIServer(responder=_rewrite, fault_fn=truncate_one) as server:
        first = _build(tmp_path, out, server)
        sent_first = len(server.chat_requests())
        assert first.returncode == 1, first.stderr
        assert "1 of 4 rows failed" in first.stderr and "finish_reason 'length'" in first.stderr
        assert "again asks only for the failed rows" in first.stderr and "--max-tokens" in first.stderr
        assert "Traceback" not in first.stderr
        assert not out.exists()  # never a dataset that silently lacks rows
        kept = out.with_name(out.name + ".rewrites.partial")
        assert len(kept.read_text().splitlines()) == 3
        assert sent_first == 3 + 2  # three rewrites, and the victim's two attempts (--max-retries 1)
        again = _build(tmp_path, out, server, "--max-tokens", "2000")
        sent_again = server.chat_requests()[sent_first:]
    assert again.returncode == 0, again.stderr
    assert len(sent_again) == 1 and sent_again[0].body["max_tokens"] == 2000  # only the failed row
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == N_ROWS
    assert sum(r["messages"][-1]["content"].startswith("REWRITTEN: ") for r in rows) == 4
    assert not kept.exists()


def test_generator_settings_are_checked_and_named(tmp_path: Path) -> None:
    result = _build(tmp_path, tmp_path / "d.jsonl", None, "--generator", "openai", "--base-url", "http://127.0.0.1:9/v1",
                    "--model", "m", "--max-tokens", "0")
    assert result.returncode == 2 and "--max-tokens" in result.stderr and "Traceback" not in result.stderr
    result = _build(tmp_path, tmp_path / "d.jsonl", None, "--generator", "openai", "--base-url", "http://127.0.0.1:9/v1",
                    "--model", "m", "--timeout", "0")
    assert result.returncode == 2 and "--timeout:" in result.stderr and "--timeout-s" not in result.stderr


def test_a_second_build_of_the_same_file_stops_at_once(tmp_path: Path) -> None:
    out = tmp_path / "ds.jsonl"
    with output_lock(out):
        second = _build(tmp_path, out, None)
    assert second.returncode == 2, second.stderr
    assert f"is being written by process {os.getpid()}" in second.stderr and "Traceback" not in second.stderr
    assert not out.exists()
    assert _build(tmp_path, out, None).returncode == 0 and not lock_path(out).exists()


def test_temp_files_of_a_killed_build_are_removed_by_the_next(tmp_path: Path) -> None:
    out = tmp_path / "ds.jsonl"
    stale = tmp_path / ".ds.jsonl.k3j9x_2a.tmp"  # what atomic_write_bytes leaves when killed mid-write
    stale.write_bytes(b"x" * 1000)
    stale_manifest = tmp_path / ".ds.manifest.json.abcd1234.tmp"
    stale_manifest.write_text("{")
    other = tmp_path / ".other.jsonl.abcd1234.tmp"  # another output's: not ours to touch
    other.write_text("keep")
    result = _build(tmp_path, out, None)
    assert result.returncode == 0, result.stderr
    assert not stale.exists() and not stale_manifest.exists() and other.exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".ds")) == []


def test_remove_stale_temps_only_matches_its_own_output(tmp_path: Path) -> None:
    out = tmp_path / "a[1].jsonl"  # glob characters in the name are taken literally
    mine = tmp_path / ".a[1].jsonl.zz.tmp"
    mine.write_text("")
    near = tmp_path / ".a1.jsonl.zz.tmp"
    near.write_text("")
    assert remove_stale_temps(out) == [mine] and near.exists()


def test_rewrite_store_drops_a_torn_last_line_and_names_a_corrupt_one(tmp_path: Path) -> None:
    store = RewriteStore(tmp_path / "ds.jsonl")
    with store.appender() as add:
        add("k1", "one")
        add("k2", "two")
    store.path.write_bytes(store.path.read_bytes() + b'{"key": "k3", "te')  # killed mid-write
    assert store.load() == {"k1": "one", "k2": "two"}
    with store.appender() as add:  # the torn tail is gone: appending starts on a clean line
        add("k3", "three")
    assert store.load() == {"k1": "one", "k2": "two", "k3": "three"}
    store.path.write_bytes(b"garbage\n" + store.path.read_bytes())
    with pytest.raises(InputError, match=r"ds.jsonl.rewrites.partial:1: not a saved rewrite"):
        store.load()
