"""`kill -9` of `emscope train --backend openai`, then a rerun: the same job, never a second one.

The CLI runs in a child process against the loopback API served by this test process, so
the server (and the job's life on it) outlives the client, as a provider does.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from emscope.train import OpenAITrainConfig, train_openai
from emscope.train.backends.openai import MANIFEST, STATE
from tests.support.openai_server import JobPlan, delay

REPO = Path(__file__).resolve().parents[2]


def _wait_for(check: Callable[[], bool], what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def _start_cli(config: OpenAITrainConfig, tmp_path: Path) -> subprocess.Popen[bytes]:
    """`python -m emscope train --backend openai ...` with the config's polling settings in a YAML file."""
    settings = tmp_path / "ft.yaml"
    settings.write_text(yaml.safe_dump({k: getattr(config, k) for k in (
        "poll_interval_s", "max_poll_interval_s", "backoff_s", "max_backoff_s")}))
    args = [sys.executable, "-m", "emscope", "train", "--backend", "openai", "--config", str(settings),
            "--dataset", str(config.dataset), "--out", str(config.out), "--model", config.model,
            "--base-url", config.base_url]
    log = open(tmp_path / "child.log", "wb")  # noqa: SIM115 - the child owns it until it dies
    return subprocess.Popen(args, cwd=REPO, env=dict(os.environ), stdout=log, stderr=subprocess.STDOUT)


def _job_recorded(out: Path) -> bool:
    try:
        return bool(json.loads((out / STATE).read_text()).get("job_id"))
    except (OSError, ValueError):
        return False


def _kill(child: subprocess.Popen[bytes]) -> None:
    child.send_signal(signal.SIGKILL)
    assert child.wait(timeout=30) == -signal.SIGKILL


def test_a_job_that_finishes_while_the_client_is_dead_is_picked_up(openai_config: OpenAITrainConfig,
                                                                   ft_server: Any, tmp_path: Path) -> None:
    ft_server.fine_tune.plan = JobPlan(seconds=3.0)
    child = _start_cli(openai_config, tmp_path)
    try:
        _wait_for(lambda: _job_recorded(openai_config.out), "the child to record its job")
    finally:
        _kill(child)
    assert ft_server.fine_tune.job_list()[0]["status"] != "succeeded"  # killed mid-job
    _wait_for(lambda: ft_server.fine_tune.job_list()[0]["status"] == "succeeded", "the job to finish")
    assert not (openai_config.out / MANIFEST).exists()
    result = train_openai(openai_config)
    assert result.manifest["job"]["how"] == "resumed" and result.manifest["job_id"] == "ftjob-0001"
    assert len(ft_server.fine_tune.jobs) == 1 and len(ft_server.fine_tune_requests("create")) == 1
    assert len(ft_server.fine_tune.files) == 1 and not (openai_config.out / STATE).exists()


def test_a_kill_during_the_create_request_adopts_the_job_it_made(openai_config: OpenAITrainConfig,
                                                                 ft_server: Any, tmp_path: Path) -> None:
    ft_server.fine_tune.script("create", delay(1.5))  # the server makes the job after the client died
    child = _start_cli(openai_config, tmp_path)
    try:
        _wait_for(lambda: len(ft_server.fine_tune_requests("create")) == 1, "the create request")
    finally:
        _kill(child)
    _wait_for(lambda: len(ft_server.fine_tune.jobs) == 1, "the server to make the job")
    state = json.loads((openai_config.out / STATE).read_text())
    assert state["file_id"] == "file-0001" and state["job_id"] is None  # the id never reached the client
    result = train_openai(openai_config)
    assert result.manifest["job"]["how"] == "adopted" and result.manifest["job_id"] == "ftjob-0001"
    assert len(ft_server.fine_tune.jobs) == 1 and len(ft_server.fine_tune_requests("create")) == 1
    assert len(ft_server.fine_tune.files) == 1  # the recorded upload was not repeated
