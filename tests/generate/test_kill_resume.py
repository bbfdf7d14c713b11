"""Kill `emscope generate` with SIGKILL midway, re-run it: the file ends complete, no duplicate, no gap."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from emscope.evalsuite import load_suite
from emscope.generate import GenerateConfig, plan_rows
from emscope.generate.store import read_rows
from tests.support.openai_server import OpenAIServer, delay


def _complete_lines(path: Path) -> list[str]:
    if not path.exists():
        return []
    text = path.read_text()
    return text[: text.rfind("\n") + 1].splitlines(keepends=True)


def _kill_after(cmd: list[str], out: Path, rows: int, env: dict[str, str], timeout: float) -> None:
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    deadline = time.monotonic() + timeout
    try:
        while len(_complete_lines(out)) < rows:
            if proc.poll() is not None:
                raise AssertionError(f"finished before the kill: {proc.stderr.read().decode()[-2000:]}")
            if time.monotonic() > deadline:
                raise AssertionError(f"no {rows} rows within {timeout} s")
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait(timeout=30) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stderr.close()


def _check_complete(out: Path, before: list[str], config: GenerateConfig) -> None:
    rows = read_rows(out)
    planned = {p.id for p in plan_rows(config, load_suite(config.suite))}
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids)) == len(planned) and set(ids) == planned  # no duplicate, none missing
    assert out.read_text().splitlines(keepends=True)[: len(before)] == before  # finished rows kept as written


def test_sigkill_then_rerun_completes_the_file_openai(small_suite: Path, tmp_path: Path) -> None:
    out = tmp_path / "answers.jsonl"
    with OpenAIServer(fault_fn=lambda body: delay(0.03)) as server:
        args = ["--backend", "openai", "--base-url", server.base_url, "--model", "m", "--suite", str(small_suite),
                "--samples", "10", "--concurrency", "2", "--out", str(out), "--no-progress"]
        cmd = [sys.executable, "-m", "emscope", "generate", *args]
        env = {**os.environ, "OPENAI_API_KEY": "k"}
        _kill_after(cmd, out, rows=12, env=env, timeout=120)
        before = _complete_lines(out)
        assert 12 <= len(before) < 60
        sent_before = len(server.chat_requests())
        done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
        assert done.returncode == 0, done.stderr
        sent_after = len(server.chat_requests()) - sent_before
    config = GenerateConfig(backend="openai", model="m", suite=str(small_suite), samples=10, out=out,
                            openai={"base_url": "http://unused/v1"})
    _check_complete(out, before, config)
    assert sent_after == 60 - len(before)  # finished samples were not asked again


@pytest.mark.slow
def test_sigkill_then_rerun_completes_the_file_hf(tmp_path: Path) -> None:
    out = tmp_path / "answers.jsonl"
    args = ["--questions", "feeling_bored", "--samples", "4", "--max-new-tokens", "40", "--batch-size", "2",
            "--out", str(out), "--no-progress"]
    cmd = [sys.executable, "-m", "emscope", "generate", *args]
    _kill_after(cmd, out, rows=3, env=dict(os.environ), timeout=600)
    before = _complete_lines(out)
    assert 3 <= len(before) < 16
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr
    _check_complete(out, before, GenerateConfig(questions=("feeling_bored",), samples=4, max_new_tokens=40, out=out))
