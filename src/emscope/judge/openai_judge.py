"""The `openai` judge: Betley-style logprob judging through any OpenAI-compatible endpoint.

Each prompt is one chat request with max_tokens=1, temperature 0, logprobs and the top-20
alternatives; the distribution over that single token is aggregated (aggregate.py).

Retries are owned by `emscope.core.retry` (the client is built with max_retries=0, as in
emscope's LLM-backed g, so `max_retries` means exactly that): 408/409/429/5xx, timeouts,
dropped connections, malformed or truncated JSON and replies without logprobs are retried
with jittered exponential backoff (a server's Retry-After pauses every worker); after the
last attempt the prompt becomes a `Failure` and its row `invalid` with the reason. Other
4xx answers (e.g. 400 for an over-long prompt) fail that row at once. 401/403/404 mean the
key, model or URL is wrong for every row, so the batch stops with an error that says which;
the rows already written stay and a re-run resumes.

The API key is read from the environment variable `api_key_env` and only ever sent in the
Authorization header; it is never logged, cached or written.
"""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any

from emscope.core.errors import EmscopeError, MissingDependencyError
from emscope.core.retry import AttemptFailed, Retrier, openai_errors, short
from emscope.judge._llm import Failure, LLMJudgeBase, PromptJob, Result
from emscope.judge.aggregate import probs_from_logprobs
from emscope.judge.cache import JudgeCache
from emscope.judge.config import JudgeConfig

__all__ = ["OpenAIJudge", "TOP_LOGPROBS", "KEY_PLACEHOLDER"]

TOP_LOGPROBS = 20
KEY_PLACEHOLDER = "EMPTY"  # local servers need no key


class OpenAIJudge(LLMJudgeBase):
    """Judge through an OpenAI-compatible chat endpoint (`--judge openai`)."""

    def __init__(self, config: JudgeConfig, cache: JudgeCache | None = None) -> None:
        super().__init__(config.prompts, cache)
        assert config.model, "JudgeConfig guarantees a model for the openai judge"
        self.config = config
        # The model and the prompt templates decide the scores; the endpoint does not.
        self.id = f"openai:{config.model}@{config.prompts.digest()}"
        # Shared by every worker: a server's Retry-After pauses them all (see core.retry).
        self._retrier = Retrier(config.max_retries, config.backoff_s, config.max_backoff_s)
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
        outcome = self._retrier.run(lambda: self._attempt(job.prompt), abort)
        if outcome.aborted:  # another job's fatal error, or the caller stopped early
            return Failure("not attempted: the batch stopped")
        if outcome.fatal:  # the retrier has set `abort`; _score raises with this message
            fatal.append(outcome.error)
            return Failure(outcome.error)
        if not outcome.ok:
            n = outcome.attempts
            return Failure(f"{outcome.error} (after {n} attempt{'s' if n > 1 else ''})")
        assert outcome.value is not None
        return outcome.value

    def _attempt(self, prompt: str) -> dict[str, float]:
        with openai_errors(self._openai, self.config.timeout_s):
            completion = self._client.chat.completions.create(
                model=self.config.model, messages=[{"role": "user", "content": prompt}],
                max_tokens=1, temperature=0, logprobs=True, top_logprobs=TOP_LOGPROBS)
        return _distribution(completion)


def _distribution(completion: Any) -> dict[str, float]:
    """token -> probability of the first generated token, or a retryable `AttemptFailed`."""
    choices = getattr(completion, "choices", None)  # a non-JSON content type yields a raw string
    if not choices:
        raise AttemptFailed("malformed response: no choices", True)
    logprobs = getattr(choices[0], "logprobs", None)
    content = getattr(logprobs, "content", None) if logprobs is not None else None
    if not content:
        raise AttemptFailed("missing logprobs in the reply (does the endpoint support logprobs?)", True)
    top = getattr(content[0], "top_logprobs", None)
    if not top:
        raise AttemptFailed("missing top_logprobs in the reply", True)
    try:
        probs = probs_from_logprobs((str(t.token), float(t.logprob)) for t in top)
    except (TypeError, ValueError, AttributeError, OverflowError) as err:
        raise AttemptFailed(f"malformed logprobs: {short(err)}", True) from None
    if not all(math.isfinite(p) for p in probs.values()):
        raise AttemptFailed("malformed logprobs: non-finite values", True)
    return probs
