"""The `openai` backend: any OpenAI-compatible chat endpoint (API models, vLLM, llama.cpp, ...).

One request per sample, with the sample's own `seed`, its question's `temperature` and
system prompt, `max_tokens`, and `top_p=1.0` (servers such as vLLM otherwise apply the
model's generation_config defaults, so sampling would differ from the other backends); at
most `concurrency` requests in flight. Retrying is done by `emscope.core.retry` (the client is
built with max_retries=0, so attempts do not multiply): 408/409/429/5xx, timeouts, dropped
connections and unparsable bodies are retried with jittered exponential backoff; a
Retry-After (or retry-after-ms) header sets the wait instead, and pauses every worker, not
only the one that was told. 401/403/404 stop the whole run at once (every other request
would fail the same way). A sample that still fails becomes a result with `error`.

The API key is read from the environment variable `api_key_env` and only ever sent in the
Authorization header; when it is unset, "EMPTY" is sent (local servers need no key).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from typing import Any

from emscope.core.http import MAX_RETRY_AFTER_S, import_openai, retry_after_seconds
from emscope.core.retry import AttemptFailed, Retrier, openai_errors
from emscope.generate.backends.base import SampleRequest, SampleResult
from emscope.generate.config import GenerateConfig, OpenAIOptions

__all__ = ["OpenAIBackend", "retry_after_seconds", "KEY_PLACEHOLDER", "MAX_RETRY_AFTER_S"]

KEY_PLACEHOLDER = "EMPTY"
_SEED_RANGE = 2**31  # servers differ in seed width; int32 is accepted everywhere



class OpenAIBackend:
    """Generate through an OpenAI-compatible `/chat/completions` endpoint."""

    def __init__(self, model: str, options: OpenAIOptions) -> None:
        """Configure; nothing is sent until `generate`."""
        if not options.base_url:
            raise ValueError("the openai backend needs a base URL")
        self.model, self.options = model, options
        # Shared by every worker: a server's Retry-After pauses them all (see core.retry).
        self._retrier = Retrier(options.max_retries, options.backoff_s, options.max_backoff_s)

    @classmethod
    def from_config(cls, config: GenerateConfig) -> OpenAIBackend:
        """The backend for `config` (its model is the served model name)."""
        return cls(config.model, config.openai)

    def __repr__(self) -> str:  # the key is deliberately absent
        return f"OpenAIBackend(base_url={self.options.base_url!r}, model={self.model!r})"

    @property
    def waits(self) -> list[float]:
        """Every retry wait so far, in seconds (diagnostics and tests)."""
        return self._retrier.waits

    def generate(self, requests: Sequence[SampleRequest]) -> Iterator[SampleResult]:
        """Yield each sample as its request completes (any order)."""
        if not requests:
            return
        openai = import_openai("the openai backend")
        key = os.environ.get(self.options.api_key_env) or KEY_PLACEHOLDER
        client = openai.OpenAI(base_url=self.options.base_url, api_key=key, max_retries=0,
                               timeout=self.options.timeout_s)
        abort = threading.Event()
        pool = ThreadPoolExecutor(min(self.options.concurrency, len(requests)), "emscope-generate")
        finished = False
        try:
            futures: dict[Future[SampleResult], SampleRequest] = {
                pool.submit(self._sample, client, openai, req, abort): req for req in requests}
            for fut in as_completed(futures):
                yield fut.result()
            finished = True
        finally:
            # Interrupted (Ctrl-C, a consumer error): drop queued samples, cut sleeps short,
            # and do not wait for requests in flight; their answers are not saved.
            if not finished:
                abort.set()
            pool.shutdown(wait=finished, cancel_futures=True)
            client.close()

    # -- one sample ----------------------------------------------------------------------

    def _sample(self, client: Any, openai: Any, req: SampleRequest, abort: threading.Event) -> SampleResult:
        outcome = self._retrier.run(lambda: self._attempt(client, openai, req), abort)
        if outcome.aborted:  # another sample's fatal error (or an interrupt) stopped the run
            return SampleResult(req.id, None, None, error="skipped: the run stopped after a fatal error",
                                skipped=True)
        if not outcome.ok:
            return SampleResult(req.id, None, None,
                                error=f"{outcome.error} (model {self.model!r} at {self.options.base_url})")
        assert outcome.value is not None
        return outcome.value

    def _attempt(self, client: Any, openai: Any, req: SampleRequest) -> SampleResult:
        with openai_errors(openai, self.options.timeout_s):
            completion = client.chat.completions.create(
                model=self.model, messages=req.as_dicts(), temperature=req.temperature, top_p=1.0,
                max_tokens=req.max_new_tokens, seed=req.seed % _SEED_RANGE, n=1)
        return _result(req, completion)


def _result(req: SampleRequest, completion: Any) -> SampleResult:
    """The sample in `completion`, or `AttemptFailed` when it is not an answer to keep."""
    choices = getattr(completion, "choices", None)
    if not choices:  # a non-JSON content type makes the client return raw text
        raise AttemptFailed("response has no choices", retryable=True)
    choice = choices[0]
    content = getattr(choice.message, "content", None)
    if content is None:
        raise AttemptFailed(f"response has no message content (finish_reason {choice.finish_reason!r})",
                            retryable=True)
    if choice.finish_reason not in ("stop", "length"):
        # content_filter, tool_calls, ...: not an answer to the question as asked.
        raise AttemptFailed(f"finish_reason {choice.finish_reason!r}", retryable=False)
    usage = getattr(completion, "usage", None)
    tokens = getattr(usage, "completion_tokens", None) if usage is not None else None
    return SampleResult(req.id, content, choice.finish_reason, new_tokens=tokens)
