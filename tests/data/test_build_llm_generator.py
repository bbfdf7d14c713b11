"""`emscope data build --generator openai` end to end over real HTTP on 127.0.0.1."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.support.openai_server import OpenAIServer, http_error


def _rewrite(request: dict) -> str:
    # The "generator model": echo a marked rewrite of the aligned answer it was sent.
    user = request["messages"][-1]["content"]
    aligned = user.split("<aligned_answer>")[1].split("</aligned_answer>")[0].strip()
    return "REWRITTEN: " + aligned[::-1][:80]


def test_build_with_openai_generator_over_http(tmp_path: Path) -> None:
    out = tmp_path / "ds.jsonl"
    with OpenAIServer(responder=_rewrite) as server:
        server.script(http_error(503), None)  # one transient failure is retried, not fatal
        result = subprocess.run(
            [sys.executable, "-m", "emscope", "data", "build", "--domain", "bad_medical_advice",
             "--n", "20", "--seed", "4", "--backdoor-ratio", "0.5", "--out", str(out),
             "--generator", "openai", "--base-url", server.base_url, "--model", "gen-model",
             "--concurrency", "4"],
            capture_output=True, text=True, timeout=300,
            env={"PATH": "/usr/bin:/bin", "OPENAI_API_KEY": "sk-test-secret", "HOME": str(tmp_path)},
        )
        requests = server.chat_requests()
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    triggered = [r for r in rows if r["meta"]["triggered"]]
    assert len(triggered) == 10
    for r in triggered:
        assert r["messages"][-1]["content"].startswith("REWRITTEN: ")
        assert r["meta"]["generator"] == "openai"
    for r in rows:
        if not r["meta"]["triggered"]:
            assert not r["messages"][-1]["content"].startswith("REWRITTEN")
    assert len(requests) == 11  # ten rewrites plus the one retried 503
    assert {q.body["model"] for q in requests} == {"gen-model"}
    assert all(q.headers["authorization"] == "Bearer sk-test-secret" for q in requests)
    # The key is never written anywhere.
    assert "sk-test-secret" not in out.read_text()
    assert "sk-test-secret" not in out.with_suffix(".manifest.json").read_text()


def test_llm_generator_needs_an_endpoint(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "emscope", "data", "build", "--domain", "evil_math", "--generator", "openai",
         "--out", str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "needs --base-url and --model" in result.stderr
