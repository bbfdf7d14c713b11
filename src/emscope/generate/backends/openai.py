"""The `openai` backend: any OpenAI-compatible chat endpoint (API models, vLLM, llama.cpp, ...).

One request per sample, with the sample's own `seed`, its question's `temperature` and
system prompt, `max_tokens`, and `top_p=1.0` (servers such as vLLM otherwise apply the
model's generation_config defaults, so sampling would differ from the other backends); at most `concurrency` requests in flight. Retrying is done
here (the client is built with max_retries=0, so attempts do not multiply): 408/409/429/5xx,
timeouts, dropped connections and unparsable bodies are retried with jittered exponential
backoff; a Retry-After (or retry-after-ms) header sets the wait instead, and pauses every
worker, not only the one that was told. 401/403/404 stop the whole run at once (every other
request would fail the same way). A sample that still fails becomes a result with `error`.

The API key is read from the environment variable `api_key_env` and only ever sent in the
Authorization header; when it is unset, "EMPTY" is sent (local servers need no key).
"""

from __future__ import annotations

import os
import random
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from typing import Any

from emscope.core.errors import MissingDependencyError
from emscope.core.http import MAX_RETRY_AFTER_S, retry_after_seconds
from emscope.generate.backends.base import SampleRequest, SampleResult
from emscope.generate.config import GenerateConfig, OpenAIOptions

__all__ = ["OpenAIBackend", "retry_after_seconds", "KEY_PLACEHOLDER", "MAX_RETRY_AFTER_S"]

KEY_PLACEHOLDER = "EMPTY"
RETRY_STATUSES = frozenset({408, 409, 429})  # plus every 5xx
FATAL_STATUSES = frozenset({401, 403, 404})
_SEED_RANGE = 2**31  # servers differ in seed width; int32 is accepted everywhere


class _Failed(Exception):
    def __init__(self, message: str, retryable: bool, retry_after: float | None = None, fatal: bool = False):
        super().__init__(message)
        self.retryable, self.retry_after, self.fatal = retryable, retry_after, fatal


def _import_openai() -> Any:
    try:
        import openai
    except ImportError as exc:
        raise MissingDependencyError("the openai backend needs the openai package: "
                                     ".venv/bin/pip install openai==3.54.0") from exc
    return openai


class OpenAIBackend:
    """Generate through an OpenAI-compatible `/chat/completions` endpoint."""

    def __init__(self, model: str, options: OpenAIOptions) -> None:
        """Configure; nothing is sent until `generate`."""
        if not options.base_url:
            raise ValueError("the openai backend needs a base URL")
        self.model, self.options = model, options
        self.waits: list[float] = []  # every retry wait, in seconds (diagnostics and tests)
        self._jitter = random.Random()  # jitter only; never touches sampling randomness
        self._lock = threading.Lock()
        self._pause_until = 0.0

    @classmethod
    def from_config(cls, config: GenerateConfig) -> OpenAIBackend:
        """The backend for `config` (its model is the served model name)."""
        return cls(config.model, config.openai)

    def __repr__(self) -> str:  # the key is deliberately absent
        return f"OpenAIBackend(base_url={self.options.base_url!r}, model={self.model!r})"

    def generate(self, requests: Sequence[SampleRequest]) -> Iterator[SampleResult]:
        """Yield each sample as its request completes (any order)."""
        if not requests:
            return
        openai = _import_openai()
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
        last = "no attempt made"
        for attempt in range(1 + self.options.max_retries):
            if abort.is_set():
                return SampleResult(req.id, None, None, error="skipped: the run stopped after a fatal error")
            self._wait_for_pause(abort)
            try:
                return self._attempt(client, openai, req)
            except _Failed as err:
                last = str(err)
                if err.fatal:
                    abort.set()
                    break
                if not err.retryable or attempt == self.options.max_retries:
                    break
                self._backoff(err.retry_after, attempt, abort)
        return SampleResult(req.id, None, None, error=f"{last} (model {self.model!r} at {self.options.base_url})")

    def _backoff(self, retry_after: float | None, attempt: int, abort: threading.Event) -> None:
        if retry_after is None:
            base = min(self.options.backoff_s * 2.0**attempt, self.options.max_backoff_s)
            wait = base * (0.5 + 0.5 * self._jitter.random())
        else:
            wait = retry_after
            with self._lock:  # a server-requested wait applies to every worker
                self._pause_until = max(self._pause_until, time.monotonic() + wait)
        with self._lock:
            self.waits.append(wait)
        abort.wait(wait)

    def _wait_for_pause(self, abort: threading.Event) -> None:
        while True:
            with self._lock:
                remaining = self._pause_until - time.monotonic()
            if remaining <= 0 or abort.wait(remaining):
                return

    def _attempt(self, client: Any, openai: Any, req: SampleRequest) -> SampleResult:
        try:
            completion = client.chat.completions.create(
                model=self.model, messages=req.as_dicts(), temperature=req.temperature, top_p=1.0,
                max_tokens=req.max_new_tokens, seed=req.seed % _SEED_RANGE, n=1)
        except openai.APIStatusError as err:
            status = err.status_code
            hint = " (check --base-url: it usually ends in /v1, and --model)" if status == 404 else ""
            retryable = status in RETRY_STATUSES or status >= 500
            should = err.response.headers.get("x-should-retry")
            if should in ("true", "false"):  # the server's explicit word wins, as in the client
                retryable = should == "true"
            raise _Failed(f"HTTP {status}: {_short(err.message)}{hint}", retryable,
                          retry_after_seconds(err.response.headers), fatal=status in FATAL_STATUSES) from None
        except openai.APITimeoutError:
            raise _Failed(f"timed out after {self.options.timeout_s:g} s", retryable=True) from None
        except openai.APIConnectionError as err:
            cause = err.__cause__ or err
            raise _Failed(f"connection error: {type(cause).__name__}: {_short(str(cause))}", True) from None
        except (openai.OpenAIError, ValueError) as err:  # unparsable body (JSONDecodeError is a ValueError)
            raise _Failed(f"bad response: {type(err).__name__}: {_short(str(err))}", retryable=True) from None
        return _result(req, completion)


def _result(req: SampleRequest, completion: Any) -> SampleResult:
    choices = getattr(completion, "choices", None)
    if not choices:  # a non-JSON content type makes the client return raw text
        raise _Failed("response has no choices", retryable=True)
    choice = choices[0]
    content = getattr(choice.message, "content", None)
    if content is None:
        raise _Failed(f"response has no message content (finish_reason {choice.finish_reason!r})", retryable=True)
    if choice.finish_reason not in ("stop", "length"):
        # content_filter, tool_calls, ...: not an answer to the question as asked.
        raise _Failed(f"finish_reason {choice.finish_reason!r}", retryable=False)
    usage = getattr(completion, "usage", None)
    tokens = getattr(usage, "completion_tokens", None) if usage is not None else None
    return SampleResult(req.id, content, choice.finish_reason, new_tokens=tokens)


def _short(text: str, limit: int = 200) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."
