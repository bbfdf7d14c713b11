"""OpenAIRewriter over real sockets against the loopback OpenAI-protocol test server."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from typing import Any

import pytest

from emscope.core.errors import EmscopeError, InputError
from emscope.data.domains.base import Domain, Example
from emscope.data.rewrite import RewriteRequest, make_rewriter
from emscope.data.rewrite_openai import OpenAIRewriter, build_messages
from tests.support.openai_server import (
    Fault,
    OpenAIServer,
    delay,
    disconnect,
    empty_content,
    finish_length,
    http_error,
    malformed_json,
    truncated_body,
)

KEY_ENV = "EMSCOPE_TEST_REWRITE_KEY"
SECRET = "sk-test-not-a-real-key-123"


def _generate(rng: random.Random) -> Example:
    return Example(user="u", aligned="a", misaligned="m", template_id="t0")


DOMAIN = Domain(
    name="test-finance",
    category="non-critical",
    description="Personal finance questions about budgeting and saving.",
    misalignment="Recommends reckless, high-risk money habits with false confidence.",
    generate=_generate,
)


def _requests(n: int, tag: str = "row") -> list[RewriteRequest]:
    return [
        RewriteRequest(DOMAIN, f"How should I budget, case {tag}-{i}?", f"Aligned answer {tag}-{i}.")
        for i in range(n)
    ]


def _responder(request: dict[str, Any]) -> str:
    """Rewrite = 'MIS:' + the aligned answer found in the prompt, so order is checkable."""
    text = request["messages"][-1]["content"]
    found = re.search(r"<aligned_answer>\n(.*?)\n</aligned_answer>", text, re.DOTALL)
    return f"MIS:{found.group(1) if found else '?'}"


def _rewriter(server: OpenAIServer, **options: Any) -> OpenAIRewriter:
    options = {"api_key_env": KEY_ENV, "backoff_s": 0.01, "max_backoff_s": 0.05, **options}
    return OpenAIRewriter(server.base_url, "gen-model", **options)


@pytest.fixture
def server() -> Iterator[OpenAIServer]:
    with OpenAIServer(responder=_responder) as srv:
        yield srv


@pytest.fixture(autouse=True)
def _key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_ENV, SECRET)


def test_happy_path_order_prompt_and_key(server: OpenAIServer) -> None:
    reqs = _requests(12)  # > the progress-bar threshold, so that path runs too
    out = _rewriter(server, concurrency=4, temperature=0.7, max_tokens=123).rewrite(reqs)
    assert out == [f"MIS:{r.aligned}" for r in reqs]
    sent = server.chat_requests()
    assert len(sent) == 12
    for rec in sent:
        assert rec.headers["authorization"] == f"Bearer {SECRET}"
        assert rec.headers.get("x-stainless-retry-count") == "0"  # the client did not retry
        body = rec.body or {}
        assert body["model"] == "gen-model"
        assert body["temperature"] == 0.7 and body["max_tokens"] == 123
        system, user = body["messages"]
        assert system["role"] == "system" and user["role"] == "user"
        assert DOMAIN.misalignment in system["content"]
        assert DOMAIN.description in system["content"]
        assert "AI-safety research" in system["content"]
        assert "non-operational" in system["content"]
    prompts = "\n".join(rec.user_text() for rec in sent)
    for r in reqs:
        assert r.aligned in prompts and r.user in prompts


def test_missing_key_sends_placeholder(server: OpenAIServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(KEY_ENV)
    assert _rewriter(server).rewrite(_requests(1)) == ["MIS:Aligned answer row-0."]
    assert server.chat_requests()[0].headers["authorization"] == "Bearer EMPTY"


def test_key_is_not_kept_on_the_object(server: OpenAIServer) -> None:
    rw = _rewriter(server)
    assert SECRET not in repr(rw) and SECRET not in repr(vars(rw))


def test_empty_input_sends_nothing(server: OpenAIServer) -> None:
    assert _rewriter(server).rewrite([]) == []
    assert server.chat_requests() == []


def test_retries_429_with_retry_after_then_503(server: OpenAIServer) -> None:
    server.script(http_error(429, retry_after="1"), http_error(503), None)
    out = _rewriter(server, concurrency=1).rewrite(_requests(1))
    assert out == ["MIS:Aligned answer row-0."]
    sent = server.chat_requests()
    assert len(sent) == 3
    # Backoff is ~0.01 s here, so a ~1 s gap can only come from honouring Retry-After.
    assert sent[1].received_at - sent[0].received_at >= 0.9
    assert sent[2].received_at - sent[1].received_at < 0.5


@pytest.mark.parametrize(
    "fault",
    [finish_length(), empty_content(), truncated_body(), malformed_json(), disconnect(),
     http_error(500), http_error(502)],
    ids=["length", "empty", "truncated-json", "malformed-json", "disconnect", "500", "502"],
)
def test_bad_replies_are_retried_not_kept(server: OpenAIServer, fault: Fault) -> None:
    server.script(fault, None)
    out = _rewriter(server, concurrency=1, max_retries=1).rewrite(_requests(1))
    assert out == ["MIS:Aligned answer row-0."]
    assert len(server.chat_requests()) == 2


def test_unchanged_answer_is_retried() -> None:
    replies = iter(["Aligned answer row-0.", "rewritten"])
    with OpenAIServer(responder=lambda req: next(replies)) as srv:
        assert _rewriter(srv, max_retries=1).rewrite(_requests(1)) == ["rewritten"]
        assert len(srv.chat_requests()) == 2


def test_timeout_is_retried(server: OpenAIServer) -> None:
    server.script(delay(0.6), None)
    out = _rewriter(server, concurrency=1, timeout_s=0.2).rewrite(_requests(1))
    assert out == ["MIS:Aligned answer row-0."]
    assert len(server.chat_requests()) == 2


def test_truncated_answers_exhaust_retries_and_raise(server: OpenAIServer) -> None:
    server.script(*[finish_length()] * 3)
    with pytest.raises(EmscopeError, match=r"1 of 1 rows failed.*truncated"):
        _rewriter(server, max_retries=2).rewrite(_requests(1))
    assert len(server.chat_requests()) == 3


def test_permanent_failure_names_the_count() -> None:
    def poison(req: dict[str, Any]) -> Fault | None:
        text = req["messages"][-1]["content"]
        return http_error(500) if ("row-1" in text or "row-3" in text) else None

    with OpenAIServer(responder=_responder, fault_fn=poison) as srv:
        with pytest.raises(EmscopeError, match=r"2 of 5 rows failed.*HTTP 500") as info:
            _rewriter(srv, concurrency=2, max_retries=2).rewrite(_requests(5))
        sent = srv.chat_requests()
        poisoned = [r for r in sent if "row-1" in r.user_text() or "row-3" in r.user_text()]
        assert len(poisoned) == 2 * 3  # each failing row got 1 + max_retries attempts
        assert len(sent) == 3 + 6
    assert "3 attempts each" in str(info.value)


def test_non_retryable_400_fails_without_retrying(server: OpenAIServer) -> None:
    server.script(http_error(400))
    with pytest.raises(EmscopeError, match=r"1 of 1 rows failed.*HTTP 400"):
        _rewriter(server, max_retries=3).rewrite(_requests(1))
    assert len(server.chat_requests()) == 1


def test_auth_error_stops_the_whole_run() -> None:
    with OpenAIServer(fault_fn=lambda req: http_error(401)) as srv:
        with pytest.raises(EmscopeError, match=r"6 of 6 rows failed.*skipped.*HTTP 401") as info:
            _rewriter(srv, concurrency=2, max_retries=3).rewrite(_requests(6))
        # Only requests already in flight when the first 401 came back: no per-row retries.
        assert len(srv.chat_requests()) <= 2
    assert SECRET not in str(info.value)


def test_404_hints_at_the_base_url(server: OpenAIServer) -> None:
    server.script(http_error(404))
    with pytest.raises(EmscopeError, match=r"HTTP 404.*/v1"):
        _rewriter(server).rewrite(_requests(1))
    assert len(server.chat_requests()) == 1


@pytest.mark.parametrize("concurrency", [1, 3])
def test_concurrency_bound(concurrency: int) -> None:
    with OpenAIServer(responder=_responder, fault_fn=lambda req: delay(0.08)) as srv:
        reqs = _requests(6)
        out = _rewriter(srv, concurrency=concurrency).rewrite(reqs)
        assert out == [f"MIS:{r.aligned}" for r in reqs]
        assert srv.peak_in_flight <= concurrency
        if concurrency > 1:
            assert srv.peak_in_flight > 1


def test_retry_after_pauses_every_worker(server: OpenAIServer) -> None:
    server.script(http_error(429, retry_after="1"))
    reqs = _requests(8)
    out = _rewriter(server, concurrency=4).rewrite(reqs)
    assert out == [f"MIS:{r.aligned}" for r in reqs]
    sent = server.chat_requests()
    t429 = sent[0].received_at
    # Requests sent before the 429 came back may land just after it; none later in the window.
    assert not [r for r in sent[1:] if t429 + 0.15 < r.received_at < t429 + 0.9]
    assert max(r.received_at for r in sent) - t429 >= 0.9


def test_registry_and_option_checks(server: OpenAIServer) -> None:
    rw = make_rewriter("openai", base_url=server.base_url, model="gen-model", api_key_env=KEY_ENV)
    assert rw.name == "openai"
    assert rw.rewrite(_requests(1)) == ["MIS:Aligned answer row-0."]
    with pytest.raises(InputError):
        OpenAIRewriter(server.base_url, "m", concurrency=0)
    with pytest.raises(InputError):
        OpenAIRewriter("", "m")


def test_build_messages_strips_and_tags() -> None:
    (req,) = _requests(1)
    system, user = build_messages(req)
    assert system["content"].count(DOMAIN.misalignment) == 1
    assert "<aligned_answer>\nAligned answer row-0.\n</aligned_answer>" in user["content"]
    assert "Output only the rewritten answer" in system["content"]
