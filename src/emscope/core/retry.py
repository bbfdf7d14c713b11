"""Retrying shared by every OpenAI-compatible client (dataset rewrite, generation, judging).

Each client builds its openai client with max_retries=0 and retries here instead: the
client would not retry an unparsable body, an empty or truncated answer or a reply without
logprobs, and retrying at both levels would multiply the attempts, so one loop owns them
all and `max_retries` means what it says (at most 1 + max_retries attempts per request).

The pieces:
- `AttemptFailed`: one failed attempt, with whether it is worth retrying, any wait the
  server asked for and whether it is fatal (every other request would fail the same way);
- `openai_errors`: a context manager that turns the openai client's exceptions from one
  request into `AttemptFailed`;
- `Retrier`: runs an attempt callable with jittered exponential backoff, honours a server's
  Retry-After for every worker at once, and stops early when an abort event is set.

Every message is redacted (core.secrets): a server that echoes the API key in its error
body must not get it printed. Imports nothing else of emscope but core.http and
core.secrets, and not openai itself: callers pass the
imported module so that the package stays optional.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from emscope.core.http import retry_after_seconds
from emscope.core.secrets import redact, register_secret

__all__ = [
    "AttemptFailed",
    "FATAL_STATUSES",
    "RETRY_STATUSES",
    "RetryOutcome",
    "Retrier",
    "openai_errors",
    "short",
]

RETRY_STATUSES = frozenset({408, 409, 429})  # plus every 5xx
# Configuration errors (key, URL, model): every other request would fail the same way.
FATAL_STATUSES = frozenset({401, 403, 404})
NOT_FOUND_HINT = " (check --base-url: it usually ends in /v1, and --model)"

T = TypeVar("T")


class AttemptFailed(Exception):
    """One failed attempt: whether to retry it, any server-requested wait, and whether it is fatal."""

    def __init__(self, message: str, retryable: bool, retry_after: float | None = None,
                 fatal: bool = False) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.retry_after = retry_after
        self.fatal = fatal


def short(text: object, limit: int = 200) -> str:
    """`text` on one line, cut to `limit` characters: error bodies can be long or multi-line."""
    s = " ".join(str(text).split())
    return s if len(s) <= limit else s[: limit - 3] + "..."


def _sent_key(err: BaseException) -> str | None:
    """The bearer token the failed request carried (the key the client actually used), if any."""
    try:
        auth = err.request.headers.get("authorization", "")  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - no request attached (or not httpx): nothing to learn
        return None
    scheme, _, token = str(auth).partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _failed(err: BaseException, message: str, **kwargs: Any) -> AttemptFailed:
    """An AttemptFailed whose message hides the request's key and every other known secret."""
    register_secret(_sent_key(err))
    return AttemptFailed(redact(message), **kwargs)


@contextmanager
def openai_errors(openai: Any, timeout_s: float) -> Iterator[None]:
    """Turn the openai client's exceptions raised in the block into `AttemptFailed`.

    `openai` is the imported openai module and `timeout_s` the client's timeout (named in
    the message). HTTP 408/409/429/5xx, timeouts, dropped connections and unparsable bodies
    are retryable, unless the server's `x-should-retry` header says otherwise; 401/403/404
    are fatal. Wrap only the request itself, so that no other ValueError is mistaken for a
    malformed response. Messages are redacted: the key sent, and every secret
    core.secrets knows, read `***`.
    """
    try:
        yield
    except openai.APIStatusError as err:
        status = err.status_code
        hint = NOT_FOUND_HINT if status == 404 else ""
        retryable = status in RETRY_STATUSES or status >= 500
        should = err.response.headers.get("x-should-retry")
        if should in ("true", "false"):  # the server's explicit word wins, as in the client
            retryable = should == "true"
        raise _failed(
            err, f"HTTP {status}: {short(err.message)}{hint}",
            retryable=retryable,
            retry_after=retry_after_seconds(err.response.headers),
            fatal=status in FATAL_STATUSES,
        ) from None
    except openai.APITimeoutError as err:  # a subclass of APIConnectionError, so it comes first
        raise _failed(err, f"timed out after {timeout_s:g} s", retryable=True) from None
    except openai.APIConnectionError as err:
        cause = err.__cause__ or err
        raise _failed(err, f"connection error: {type(cause).__name__}: {short(cause)}",
                      retryable=True) from None
    except (openai.OpenAIError, ValueError) as err:
        # An unparsable or invalid body (JSONDecodeError is a ValueError): transient.
        raise _failed(err, f"malformed response: {type(err).__name__}: {short(err)}",
                      retryable=True) from None


@dataclass(frozen=True)
class RetryOutcome(Generic[T]):
    """How `Retrier.run` ended: a value, or the last failure and why it stopped.

    `aborted` means the abort event stopped the run (before an attempt or during a wait),
    not the request itself: callers report such a request as skipped, not as failed.
    """

    value: T | None = None
    failure: AttemptFailed | None = None
    attempts: int = 0  # attempts actually made (0 when aborted before the first)
    aborted: bool = False

    @property
    def ok(self) -> bool:
        """True when an attempt succeeded and `value` holds its result."""
        return self.failure is None and not self.aborted

    @property
    def fatal(self) -> bool:
        """True when the last attempt failed fatally (the run has set the abort event)."""
        return self.failure is not None and self.failure.fatal and not self.aborted

    @property
    def error(self) -> str:
        """The last failure's message ("no attempt made" when there was none)."""
        return str(self.failure) if self.failure is not None else "no attempt made"


class Retrier:
    """Runs attempts with jittered exponential backoff; thread-safe, one per client.

    A delay the server asks for (Retry-After) is used as is and pauses every worker that
    shares this retrier, since it describes the server, not one request; otherwise retry n
    (from 0) waits `min(backoff_s * 2**n, max_backoff_s)` scaled by a jitter in [0.5, 1),
    so that workers that failed together do not retry together.
    """

    def __init__(self, max_retries: int, backoff_s: float, max_backoff_s: float, *,
                 jitter: random.Random | None = None) -> None:
        """`jitter` defaults to a private generator, so seeded randomness elsewhere is untouched.

        Each client's config checks its own options with its own wording; this only refuses
        values no loop could honour (a backoff_s above max_backoff_s is simply capped).
        """
        if max_retries < 0 or backoff_s < 0 or max_backoff_s < 0:
            raise ValueError("retry options must not be negative")
        self.max_retries = max_retries
        self.backoff_s = backoff_s
        self.max_backoff_s = max_backoff_s
        self._jitter = jitter if jitter is not None else random.Random()
        self._lock = threading.Lock()  # guards the jitter generator, the pause and the waits
        self._pause_until = 0.0  # monotonic time before which no attempt starts (Retry-After)
        self._waits: list[float] = []

    def __repr__(self) -> str:
        return (f"Retrier(max_retries={self.max_retries}, backoff_s={self.backoff_s:g}, "
                f"max_backoff_s={self.max_backoff_s:g})")

    @property
    def waits(self) -> list[float]:
        """Every wait between attempts so far, in seconds (a copy; for diagnostics and tests)."""
        with self._lock:
            return list(self._waits)

    def pause_remaining(self) -> float:
        """Seconds until the shared pause a server asked for ends (0 when none is running)."""
        with self._lock:
            return max(self._pause_until - time.monotonic(), 0.0)

    def backoff(self, retry: int) -> float:
        """The computed delay before retry `retry` (0 for the first), with jitter."""
        base = min(self.backoff_s * 2.0**retry, self.max_backoff_s)
        with self._lock:
            return base * (0.5 + 0.5 * self._jitter.random())

    def run(self, attempt: Callable[[], T], abort: threading.Event) -> RetryOutcome[T]:
        """Call `attempt` until it returns, up to 1 + max_retries times.

        `attempt` signals a failure by raising `AttemptFailed`; anything else it raises is a
        bug and propagates. Stops at once on a fatal failure (and sets `abort`, so that the
        other workers stop too), on a non-retryable one, after the last attempt, or when
        `abort` is set; `abort` also cuts every wait short.
        """
        last: AttemptFailed | None = None
        for n in range(1 + self.max_retries):
            if abort.is_set() or not self._wait_for_pause(abort):
                return RetryOutcome(failure=last, attempts=n, aborted=True)
            try:
                return RetryOutcome(value=attempt(), attempts=n + 1)
            except AttemptFailed as err:
                last = err
            if last.fatal:
                abort.set()
                return RetryOutcome(failure=last, attempts=n + 1)
            if not last.retryable or n == self.max_retries:
                return RetryOutcome(failure=last, attempts=n + 1)
            if abort.wait(self._delay(last, n)):
                return RetryOutcome(failure=last, attempts=n + 1, aborted=True)
        raise AssertionError("unreachable: the last attempt always returns")

    def _delay(self, failure: AttemptFailed, retry: int) -> float:
        """The wait before retry `retry`, recorded; a server's wait also extends the shared pause."""
        if failure.retry_after is None:
            wait = self.backoff(retry)
            with self._lock:
                self._waits.append(wait)
            return wait
        wait = failure.retry_after
        with self._lock:
            self._pause_until = max(self._pause_until, time.monotonic() + wait)
            self._waits.append(wait)
        return wait

    def _wait_for_pause(self, abort: threading.Event) -> bool:
        """Wait out the shared pause; False when `abort` was set meanwhile."""
        # Bounded: each pause is at most core.http.MAX_RETRY_AFTER_S and set only by real replies.
        while True:
            remaining = self.pause_remaining()
            if remaining <= 0:
                return True
            if abort.wait(remaining):
                return False
