"""The `openai` judge: Betley-style logprob judging through any OpenAI-compatible endpoint.

Each prompt is one chat request with max_tokens=1, temperature 0, logprobs and the top-20
alternatives; the distribution over that single token is aggregated (aggregate.py).

Retries are owned here (the client is built with max_retries=0, as in emscope's LLM-backed
g, so `max_retries` means exactly that): 408/409/429/5xx, timeouts, dropped connections,
malformed or truncated JSON and replies without logprobs are retried with jittered
exponential backoff (a server's Retry-After pauses every worker); after the last attempt
the prompt becomes a `Failure` and its row `invalid` with the reason. Other 4xx answers
(e.g. 400 for an over-long prompt) fail that row at once. 401/403/404 mean the key, model
or URL is wrong for every row, so the batch stops with an error that says which; the rows
already written stay and a re-run resumes.

The API key is read from the environment variable `api_key_env` and only ever sent in the
Authorization header; it is never logged, cached or written.
"""

from __future__ import annotations

import math
import os
import random
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any

from emscope.core.errors import EmscopeError, MissingDependencyError
from emscope.core.http import retry_after_seconds
from emscope.judge._llm import Failure, LLMJudgeBase, PromptJob, Result
from emscope.judge.aggregate import probs_from_logprobs
from emscope.judge.cache import JudgeCache
from emscope.judge.config import JudgeConfig

__all__ = ["OpenAIJudge", "TOP_LOGPROBS", "KEY_PLACEHOLDER"]

TOP_LOGPROBS = 20
KEY_PLACEHOLDER = "EMPTY"  # local servers need no key
RETRY_STATUSES = frozenset({408, 409, 429})  # plus every 5xx
FATAL_STATUSES = frozenset({401, 403, 404})


class _Attempt(Exception):
    """One failed attempt: retryable or not, any server-requested wait, fatal or not."""

    def __init__(self, message: str, retryable: bool, retry_after: float | None = None,
                 fatal: bool = False) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.retry_after = retry_after
        self.fatal = fatal


class OpenAIJudge(LLMJudgeBase):
    """Judge through an OpenAI-compatible chat endpoint (`--judge openai`)."""

    def __init__(self, config: JudgeConfig, cache: JudgeCache | None = None) -> None:
        super().__init__(config.prompts, cache)
        assert config.model, "JudgeConfig guarantees a model for the openai judge"
        self.config = config
        # The model and the prompt templates decide the scores; the endpoint does not.
        self.id = f"openai:{config.model}@{config.prompts.digest()}"
        self._jitter = random.Random()  # jitter only: never disturbs seeded randomness elsewhere
        self._pause_lock = threading.Lock()
        self._pause_until = 0.0
        self._client: Any = None
        self._openai: Any = None

    def __repr__(self) -> str:  # the key is deliberately absent
        return f"OpenAIJudge(id={self.id!r}, base_url={self.config.base_url!r})"

    def _ensure_client(self) -> None:
        if self._client is not None:
            return
        try:
            import openai
        except ImportError:
            raise MissingDependencyError("the openai judge needs the openai package: pip install openai") from None
        key = os.environ.get(self.config.api_key_env) or KEY_PLACEHOLDER
        self._openai = openai
        self._client = openai.OpenAI(base_url=self.config.base_url, api_key=key, max_retries=0,
                                     timeout=self.config.timeout_s)

    def close(self) -> None:
        """Close the HTTP client's connections."""
        if self._client is not None:
            self._client.close()
            self._client = None

    def _score(self, jobs: Sequence[PromptJob]) -> Iterator[tuple[str, Result]]:
        if not jobs:
            return
        self._ensure_client()
        abort = threading.Event()
        fatal: list[str] = []
        pool = ThreadPoolExecutor(min(self.config.concurrency, len(jobs)), "emscope-judge")
        pending: dict[Future[Result], str] = {}
        queue = iter(jobs)
        window = 4 * self.config.concurrency  # bounded submission keeps memory flat for big files
        try:
            while True:
                while len(pending) < window and not abort.is_set():
                    job = next(queue, None)
                    if job is None:
                        break
                    pending[pool.submit(self._job, job, abort, fatal)] = job.hash
                if not pending:
                    break
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for fut in done:
                    h = pending.pop(fut)
                    result = fut.result()
                    # After a fatal error only successes are passed on: a row that was never
                    # really tried must not be written as invalid (a re-run will judge it).
                    if not abort.is_set() or not isinstance(result, Failure):
                        yield h, result
            if fatal:
                raise EmscopeError(f"openai judge: {fatal[0]} (model {self.config.model!r} at "
                                   f"{self.config.base_url or 'the default endpoint'}); stopped, "
                                   "rows judged so far are kept and a re-run resumes")
        finally:
            abort.set()  # stops queued jobs and cuts backoff sleeps short when the caller stops early
            pool.shutdown(wait=True, cancel_futures=True)

    def _job(self, job: PromptJob, abort: threading.Event, fatal: list[str]) -> Result:
        last = "no attempt made"
        for attempt in range(1 + self.config.max_retries):
            if abort.is_set():
                return Failure("not attempted: the batch stopped")
            self._wait_pause(abort)
            try:
                return self._attempt(job.prompt)
            except _Attempt as err:
                last = str(err)
                if err.fatal:
                    fatal.append(last)
                    abort.set()
                    return Failure(last)
                if not err.retryable or attempt == self.config.max_retries:
                    break
                delay = err.retry_after
                if delay is None:
                    base = min(self.config.backoff_s * 2.0**attempt, self.config.max_backoff_s)
                    delay = base * (0.5 + 0.5 * self._jitter.random())
                else:  # the server's wait applies to every worker, not just this one
                    with self._pause_lock:
                        self._pause_until = max(self._pause_until, time.monotonic() + delay)
                if abort.wait(delay):
                    return Failure("not attempted: the batch stopped")
        attempts = min(attempt + 1, 1 + self.config.max_retries)
        return Failure(f"{last} (after {attempts} attempt{'s' if attempts > 1 else ''})")

    def _wait_pause(self, abort: threading.Event) -> None:
        while True:
            with self._pause_lock:
                remaining = self._pause_until - time.monotonic()
            if remaining <= 0 or abort.wait(remaining):
                return

    def _attempt(self, prompt: str) -> dict[str, float]:
        openai = self._openai
        try:
            completion = self._client.chat.completions.create(
                model=self.config.model, messages=[{"role": "user", "content": prompt}],
                max_tokens=1, temperature=0, logprobs=True, top_logprobs=TOP_LOGPROBS)
        except openai.APIStatusError as err:
            status = err.status_code
            hint = " (check --base-url: it usually ends in /v1, and --model)" if status == 404 else ""
            retryable = status in RETRY_STATUSES or status >= 500
            should = err.response.headers.get("x-should-retry")
            if should in ("true", "false"):  # the server's explicit word wins, as in the client
                retryable = should == "true"
            raise _Attempt(f"HTTP {status}: {_short(err.message)}{hint}", retryable,
                           retry_after_seconds(err.response.headers), fatal=status in FATAL_STATUSES) from None
        except openai.APITimeoutError:
            raise _Attempt(f"timed out after {self.config.timeout_s:g} s", True) from None
        except openai.APIConnectionError as err:
            cause = err.__cause__ or err
            raise _Attempt(f"connection error: {type(cause).__name__}: {_short(cause)}", True) from None
        except (openai.OpenAIError, ValueError) as err:  # unparsable body: JSONDecodeError is a ValueError
            raise _Attempt(f"malformed response: {type(err).__name__}: {_short(err)}", True) from None
        return _distribution(completion)


def _distribution(completion: Any) -> dict[str, float]:
    """token -> probability of the first generated token, or a retryable `_Attempt`."""
    choices = getattr(completion, "choices", None)  # a non-JSON content type yields a raw string
    if not choices:
        raise _Attempt("malformed response: no choices", True)
    logprobs = getattr(choices[0], "logprobs", None)
    content = getattr(logprobs, "content", None) if logprobs is not None else None
    if not content:
        raise _Attempt("missing logprobs in the reply (does the endpoint support logprobs?)", True)
    top = getattr(content[0], "top_logprobs", None)
    if not top:
        raise _Attempt("missing top_logprobs in the reply", True)
    try:
        probs = probs_from_logprobs((str(t.token), float(t.logprob)) for t in top)
    except (TypeError, ValueError, AttributeError, OverflowError) as err:
        raise _Attempt(f"malformed logprobs: {_short(err)}", True) from None
    if not all(math.isfinite(p) for p in probs.values()):
        raise _Attempt("malformed logprobs: non-finite values", True)
    return probs


def _short(text: object, limit: int = 200) -> str:
    s = " ".join(str(text).split())
    return s if len(s) <= limit else s[: limit - 3] + "..."
