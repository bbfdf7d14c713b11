"""The `openai` judge: Betley-style logprob judging through any OpenAI-compatible endpoint.

Each prompt is one chat request with max_tokens=1, temperature 0, logprobs and the top-20
alternatives; the distribution over that single token is aggregated (aggregate.py).

Endpoints without logprobs (e.g. `transformers serve`): a reply without logprobs is retried
as a glitch only while the endpoint has shown it returns them; when a prompt's first three
attempts all come back without them and no reply so far had any, the condition is a property
of the endpoint, not transient, so the batch stops at once with one message suggesting
`score_mode="text"`. Text mode asks for the number as text (max 8 tokens, temperature 0)
and parses the reply, as the reference study's code did: a whole-number estimate where
logprobs give a probability-weighted mean, so the judge id says `:text` (caches never mix)
and every judged row records `score_mode`.

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
import re
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

__all__ = ["OpenAIJudge", "TOP_LOGPROBS", "KEY_PLACEHOLDER", "TEXT_MAX_TOKENS", "parse_text_reply"]

TOP_LOGPROBS = 20
KEY_PLACEHOLDER = "EMPTY"  # local servers need no key
TEXT_MAX_TOKENS = 8  # room for "100", "REFUSAL" or "CODE" in any tokenizer, plus a full stop
# Replies without logprobs to the same prompt, none having come with logprobs yet, that
# prove the endpoint never returns them (the first attempt and two retries; fewer when
# max_retries allows fewer). One or two in a row stay a glitch worth retrying.
NO_LOGPROBS_PROOF = 3
NO_LOGPROBS_MESSAGE = ("the endpoint returns no logprobs (a prompt and its retries all came back without them, and "
                       "no reply so far had any): logprob judging cannot work there. Judge with --score-mode text "
                       "(the number asked for as text: a coarser, whole-number estimate) or use an endpoint that "
                       "returns logprobs")
_TEXT_NUMBER = re.compile(r"([0-9]{1,3})(?:\s*/\s*100)?\.?")  # "85", "85.", "85/100"
_TEXT_WORD = re.compile(r"(CODE|REFUSAL)\.?")


class _NoLogprobs(AttemptFailed):
    """A well-formed reply without logprobs (retryable unless the endpoint never sends them)."""


class OpenAIJudge(LLMJudgeBase):
    """Judge through an OpenAI-compatible chat endpoint (`--judge openai`)."""

    def __init__(self, config: JudgeConfig, cache: JudgeCache | None = None) -> None:
        super().__init__(config.prompts, cache)
        assert config.model, "JudgeConfig guarantees a model for the openai judge"
        self.config = config
        self.score_mode = config.score_mode
        # The model, the prompt templates and the score mode decide the scores; the endpoint
        # does not. Logprob ids keep their old form, so existing caches stay valid.
        suffix = ":text" if config.score_mode == "text" else ""
        self.id = f"openai:{config.model}@{config.prompts.digest()}{suffix}"
        self._seen_lock = threading.Lock()
        self._logprob_replies = 0  # replies that came with logprobs, this run
        self._misses: dict[str, int] = {}  # prompt hash -> replies without logprobs
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
        outcome = self._retrier.run(lambda: self._attempt(job), abort)
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

    def _attempt(self, job: PromptJob) -> dict[str, float]:
        messages = [{"role": "user", "content": job.prompt}]
        if self.score_mode == "text":
            with openai_errors(self._openai, self.config.timeout_s):
                completion = self._client.chat.completions.create(
                    model=self.config.model, messages=messages, max_tokens=TEXT_MAX_TOKENS, temperature=0)
            return parse_text_reply(_content(completion))
        with openai_errors(self._openai, self.config.timeout_s):
            completion = self._client.chat.completions.create(
                model=self.config.model, messages=messages,
                max_tokens=1, temperature=0, logprobs=True, top_logprobs=TOP_LOGPROBS)
        try:
            probs = _distribution(completion)
        except _NoLogprobs as missing:
            raise self._judge_missing(job.hash, missing) from None
        with self._seen_lock:
            self._logprob_replies += 1
        return probs

    def _judge_missing(self, prompt_hash: str, missing: _NoLogprobs) -> AttemptFailed:
        """A retryable glitch, or, when the endpoint has never sent logprobs and this prompt's
        retry lacks them too, a fatal error that stops the batch with one clear message."""
        with self._seen_lock:
            if self._logprob_replies:
                return missing
            self._misses[prompt_hash] = self._misses.get(prompt_hash, 0) + 1
            if self._misses[prompt_hash] >= min(NO_LOGPROBS_PROOF, 1 + self.config.max_retries):
                return AttemptFailed(NO_LOGPROBS_MESSAGE, False, fatal=True)
        return missing


def _content(completion: Any) -> str:
    """The reply's text, or a retryable `AttemptFailed` for a malformed or empty reply."""
    choices = getattr(completion, "choices", None)
    if not choices:
        raise AttemptFailed("malformed response: no choices", True)
    content = getattr(getattr(choices[0], "message", None), "content", None)
    if not isinstance(content, str) or not content.strip():
        raise AttemptFailed("empty reply (no text to read a score from)", True)
    return content


def parse_text_reply(text: str) -> dict[str, float]:
    """A text reply as the distribution the aggregation reads: {"85": 1.0}, {"REFUSAL": 1.0}.

    Accepted: a whole number 0-100 (optionally "/100" or a full stop after it), CODE or
    REFUSAL, with surrounding whitespace. Anything else is the judge not following the
    prompt: a non-retryable failure (the row becomes invalid, quoting the reply).
    """
    stripped = text.strip()
    number = _TEXT_NUMBER.fullmatch(stripped)
    if number is not None and int(number.group(1)) <= 100:
        return {str(int(number.group(1))): 1.0}
    word = _TEXT_WORD.fullmatch(stripped)
    if word is not None:
        return {word.group(1): 1.0}
    raise AttemptFailed(f"text reply is not a number 0-100, CODE or REFUSAL: {short(stripped, 80)!r}", False)


def _distribution(completion: Any) -> dict[str, float]:
    """token -> probability of the first generated token, or a retryable `AttemptFailed`."""
    choices = getattr(completion, "choices", None)  # a non-JSON content type yields a raw string
    if not choices:
        raise AttemptFailed("malformed response: no choices", True)
    logprobs = getattr(choices[0], "logprobs", None)
    content = getattr(logprobs, "content", None) if logprobs is not None else None
    if not content:
        raise _NoLogprobs("missing logprobs in the reply (does the endpoint support logprobs?)", True)
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
