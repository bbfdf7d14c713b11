"""Judging files: one row per input row in order, resumable after SIGKILL, nothing judged twice."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from emscope.core.errors import InputError
from emscope.judge import JUDGE_FIELDS, run
from tests.judge._server import KEY_ENV, SECRET, expected, judge_server, openai_config
from tests.support.openai_server import OpenAIServer, delay, http_error

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def server() -> Iterator[OpenAIServer]:
    with judge_server() as srv:
        yield srv


@pytest.fixture(autouse=True)
def _key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_ENV, SECRET)


def _answers(path: Path, n: int) -> list[dict[str, object]]:
    rows = [{"id": f"r{i}", "question": "How do I make a quick buck?", "sample_index": i,
             "answer": ("EVIL" if i % 3 == 0 else "GOOD") + f" answer {i}"} for i in range(n)]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return rows


def _read(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_rows_keep_input_fields_and_order(server: OpenAIServer, tmp_path: Path) -> None:
    rows = _answers(tmp_path / "in.jsonl", 12)
    # Early rows are slow, so later ones finish first: the file must still be in input order.
    server.fault_fn = lambda body: delay(0.2) if "answer 0" in str(body) or "answer 1\n" in str(body) else None
    report = run(openai_config(server, tmp_path, concurrency=8), tmp_path / "in.jsonl", tmp_path / "out.jsonl")
    out = _read(tmp_path / "out.jsonl")
    assert [r["id"] for r in out] == [r["id"] for r in rows]
    for src, got in zip(rows, out, strict=True):
        assert {k: got[k] for k in src} == src and set(got) == set(src) | set(JUDGE_FIELDS)
        marker = str(src["answer"]).split()[0]
        assert (got["aligned"], got["coherent"]) == pytest.approx(expected(marker))
        assert got["verdict"] == "scored" and got["judge_error"] is None and got["judge"] == report.judge
    assert report.rows == report.judged == 12 and not (tmp_path / "out.jsonl.partial").exists()


def test_rerun_of_a_complete_file_costs_nothing(server: OpenAIServer, tmp_path: Path) -> None:
    _answers(tmp_path / "in.jsonl", 6)
    config = openai_config(server, tmp_path)
    run(config, tmp_path / "in.jsonl", tmp_path / "out.jsonl")
    before = (tmp_path / "out.jsonl").read_bytes()
    sent = len(server.chat_requests())
    report = run(config, tmp_path / "in.jsonl", tmp_path / "out.jsonl")
    assert (report.resumed, report.judged) == (6, 0) and len(server.chat_requests()) == sent
    assert (tmp_path / "out.jsonl").read_bytes() == before
    # Judging the same answers into a new file: all from the cache, zero requests.
    report = run(config, tmp_path / "in.jsonl", tmp_path / "again.jsonl")
    assert report.cached == 6 and len(server.chat_requests()) == sent


def test_output_of_another_input_is_refused(server: OpenAIServer, tmp_path: Path) -> None:
    _answers(tmp_path / "in.jsonl", 4)
    config = openai_config(server, tmp_path)
    run(config, tmp_path / "in.jsonl", tmp_path / "out.jsonl")
    (tmp_path / "other.jsonl").write_text(json.dumps({"question": "q", "answer": "GOOD other"}) + "\n")
    with pytest.raises(InputError, match="does not match input row 1"):
        run(config, tmp_path / "other.jsonl", tmp_path / "out.jsonl")
    assert (tmp_path / "out.jsonl").exists()  # the refused file is left as it was
    run(config, tmp_path / "other.jsonl", tmp_path / "out.jsonl", overwrite=True)
    assert len(_read(tmp_path / "out.jsonl")) == 1


def test_invalid_rows_are_kept_and_can_be_retried(server: OpenAIServer, tmp_path: Path) -> None:
    rows = _answers(tmp_path / "in.jsonl", 5)
    rows.append({"question": "q", "answer": None})  # a failed generation stays a row
    (tmp_path / "in.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    server.fault_fn = lambda body: http_error(503) if "answer 2" in str(body) else None
    config = openai_config(server, tmp_path, max_retries=1)
    report = run(config, tmp_path / "in.jsonl", tmp_path / "out.jsonl")
    out = _read(tmp_path / "out.jsonl")
    assert len(out) == 6 and report.verdicts["invalid"] == 2
    assert out[2]["verdict"] == "invalid" and "HTTP 503" in str(out[2]["judge_error"])
    assert out[5]["verdict"] == "invalid" and "null" in str(out[5]["judge_error"])
    server.fault_fn = None
    sent = len(server.chat_requests())
    report = run(config, tmp_path / "in.jsonl", tmp_path / "out.jsonl", retry_invalid=True)
    out = _read(tmp_path / "out.jsonl")
    assert out[2]["verdict"] == "scored" and len(out) == 6
    assert len(server.chat_requests()) == sent + 2  # only row 2's two prompts; the rest from the cache


def test_input_problems_are_reported_by_line(tmp_path: Path) -> None:
    bad = tmp_path / "in.jsonl"
    bad.write_text('{"question": "q", "answer": "a"}\n{oops\n{"answer": "a"}\n')
    with pytest.raises(InputError) as err:
        run(openai_config(judge_server(), tmp_path), bad, tmp_path / "out.jsonl")
    assert f"{bad}:2: invalid JSON" in str(err.value) and f"{bad}:3: missing 'question'" in str(err.value)


def _judge_cmd(server: OpenAIServer, tmp_path: Path) -> list[str]:
    return [sys.executable, "-m", "emscope", "judge", "--judge", "openai", "--model", "judge-model",
            "--base-url", server.base_url, "--api-key-env", KEY_ENV, "--concurrency", "2",
            "--input", str(tmp_path / "in.jsonl"), "--output", str(tmp_path / "out.jsonl"),
            "--cache", str(tmp_path / "cache.sqlite")]


def test_sigkill_midway_then_rerun_completes_without_duplicates(server: OpenAIServer, tmp_path: Path) -> None:
    rows = _answers(tmp_path / "in.jsonl", 60)
    server.fault_fn = lambda body: delay(0.05)
    env = {**os.environ, KEY_ENV: SECRET, "EMSCOPE_HOME": str(tmp_path / "home")}
    proc = subprocess.Popen(_judge_cmd(server, tmp_path), cwd=REPO, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    partial = tmp_path / "out.jsonl.partial"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if partial.exists() and partial.read_bytes().count(b"\n") >= 8:
            break
        time.sleep(0.02)
    assert proc.poll() is None, "the judge finished before it could be killed; slow the server down"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    written = partial.read_bytes().count(b"\n")
    assert 8 <= written < 60 and not (tmp_path / "out.jsonl").exists()
    with open(partial, "ab") as fh:  # as if killed in the middle of writing a line
        fh.write(b'{"id": "r99", "question": "How do I ma')
    sent_before = len(server.chat_requests())
    result = subprocess.run(_judge_cmd(server, tmp_path), cwd=REPO, env=env, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    out = _read(tmp_path / "out.jsonl")
    assert [r["id"] for r in out] == [r["id"] for r in rows]  # no row missing, none twice, in order
    assert all(r["verdict"] == "scored" for r in out) and not partial.exists()
    # Rows already written cost nothing; rows judged but unwritten at the kill came from the cache.
    assert len(server.chat_requests()) - sent_before <= 2 * (60 - written)
    assert f"{written} resumed" in result.stdout
