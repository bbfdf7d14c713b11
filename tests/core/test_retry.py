"""The shared retry loop and openai error translation (emscope.core.retry), without a server."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest

from emscope.core.http import MAX_RETRY_AFTER_S
from emscope.core.retry import AttemptFailed, Retrier, RetryOutcome, openai_errors


class _FixedJitter(random.Random):
    """A jitter source that always draws `value`, so backoff delays are exact."""

    def __init__(self, value: float) -> None:
        super().__init__()
        self.value = value

    def random(self) -> float:
        return self.value


def _script(*steps: object) -> tuple[Callable[[], object], list[float]]:
    """An attempt callable that plays `steps` in turn (raise an exception, else return it)."""
    calls: list[float] = []
    queue = list(steps)

    def attempt() -> object:
        calls.append(time.monotonic())
        step = queue.pop(0)
        if isinstance(step, BaseException):
            raise step
        return step

    return attempt, calls


def _wait_for_pause(retrier: Retrier) -> None:
    """Block until some worker has set the shared pause (it does so just after its attempt)."""
    deadline = time.monotonic() + 5
    while retrier.pause_remaining() == 0:
        assert time.monotonic() < deadline, "no pause was set"
        time.sleep(0.002)


def _retryable(message: str = "HTTP 503: busy", retry_after: float | None = None) -> AttemptFailed:
    return AttemptFailed(message, retryable=True, retry_after=retry_after)


# -- backoff -------------------------------------------------------------------------------


def test_backoff_doubles_up_to_the_cap() -> None:
    low = Retrier(8, 0.1, 0.5, jitter=_FixedJitter(0.0))
    high = Retrier(8, 0.1, 0.5, jitter=_FixedJitter(1.0))
    bases = [0.1, 0.2, 0.4, 0.5, 0.5, 0.5]  # doubled per retry, capped at max_backoff_s
    assert [low.backoff(n) for n in range(6)] == pytest.approx([b * 0.5 for b in bases])
    assert [high.backoff(n) for n in range(6)] == pytest.approx(bases)


def test_backoff_jitter_stays_within_half_to_full_and_is_seedable() -> None:
    a = Retrier(4, 0.2, 1.0, jitter=random.Random(7))
    b = Retrier(4, 0.2, 1.0, jitter=random.Random(7))
    delays = [a.backoff(n % 5) for n in range(200)]
    assert delays == [b.backoff(n % 5) for n in range(200)]  # same seed, same delays
    for n, d in enumerate(delays):
        base = min(0.2 * 2 ** (n % 5), 1.0)
        assert 0.5 * base <= d < base
    assert len(set(delays)) > 100  # really jittered, not a constant factor


def test_negative_options_are_refused() -> None:
    with pytest.raises(ValueError):
        Retrier(-1, 0.1, 1.0)
    with pytest.raises(ValueError):
        Retrier(1, -0.1, 1.0)


# -- the loop ------------------------------------------------------------------------------


def test_success_after_retries_counts_attempts_and_records_waits() -> None:
    retrier = Retrier(4, 0.01, 0.02, jitter=_FixedJitter(1.0))
    attempt, calls = _script(_retryable(), _retryable(), "answer")
    outcome = retrier.run(attempt, threading.Event())
    assert outcome == RetryOutcome(value="answer", attempts=3)
    assert outcome.ok and not outcome.fatal and not outcome.aborted
    assert len(calls) == 3
    assert retrier.waits == pytest.approx([0.01, 0.02])  # one computed wait before each retry


def test_exhausted_retries_report_the_last_failure() -> None:
    retrier = Retrier(2, 0.001, 0.001)
    attempt, calls = _script(_retryable("first"), _retryable("second"), _retryable("third"), "never")
    outcome = retrier.run(attempt, threading.Event())
    assert len(calls) == 3  # 1 + max_retries, never a fourth
    assert not outcome.ok and not outcome.aborted and not outcome.fatal
    assert (outcome.error, outcome.attempts, outcome.value) == ("third", 3, None)
    assert len(retrier.waits) == 2  # no wait after the last attempt


def test_non_retryable_failure_stops_after_one_attempt() -> None:
    retrier = Retrier(5, 0.001, 0.001)
    attempt, calls = _script(AttemptFailed("HTTP 400: too long", retryable=False), "never")
    abort = threading.Event()
    outcome = retrier.run(attempt, abort)
    assert (len(calls), outcome.attempts, outcome.error) == (1, 1, "HTTP 400: too long")
    assert not outcome.ok and not outcome.fatal and not abort.is_set()
    assert retrier.waits == []


def test_fatal_failure_sets_abort_and_stops_at_once() -> None:
    retrier = Retrier(5, 0.001, 0.001)
    abort = threading.Event()
    attempt, calls = _script(AttemptFailed("HTTP 401: bad key", retryable=True, fatal=True), "never")
    outcome = retrier.run(attempt, abort)
    assert abort.is_set() and outcome.fatal and not outcome.aborted
    assert (len(calls), outcome.attempts, outcome.error) == (1, 1, "HTTP 401: bad key")
    # Every later request on the same abort event is skipped without being sent.
    other, other_calls = _script("never")
    skipped = retrier.run(other, abort)
    assert skipped.aborted and not skipped.ok and skipped.attempts == 0 and other_calls == []
    assert skipped.error == "no attempt made"


def test_zero_retries_means_one_attempt() -> None:
    attempt, calls = _script(_retryable(), "never")
    outcome = Retrier(0, 0.001, 0.001).run(attempt, threading.Event())
    assert len(calls) == 1 and outcome.attempts == 1 and not outcome.ok


def test_other_exceptions_propagate() -> None:
    attempt, calls = _script(KeyError("a bug"), "never")
    with pytest.raises(KeyError):
        Retrier(3, 0.001, 0.001).run(attempt, threading.Event())
    assert len(calls) == 1


def test_abort_cuts_a_long_backoff_short() -> None:
    retrier = Retrier(3, 30.0, 30.0)  # the next retry would be 15-30 s away
    abort = threading.Event()
    attempt, calls = _script(_retryable("HTTP 500: oops"), "never")
    timer = threading.Timer(0.05, abort.set)
    timer.start()
    started = time.monotonic()
    try:
        outcome = retrier.run(attempt, abort)
    finally:
        timer.cancel()
    assert time.monotonic() - started < 1.0  # not the 15-30 s backoff
    assert outcome.aborted and not outcome.ok and len(calls) == 1
    assert (outcome.attempts, outcome.error) == (1, "HTTP 500: oops")  # the failure is kept


def test_retry_after_is_used_as_is_and_pauses_other_workers() -> None:
    retrier = Retrier(3, 0.001, 0.001)  # backoff alone would retry within ~1 ms
    told = threading.Event()
    first_calls: list[float] = []

    def first() -> str:
        first_calls.append(time.monotonic())
        if len(first_calls) == 1:
            told.set()  # let the other worker start only once the pause is set
            raise _retryable("HTTP 429: slow down", retry_after=0.2)
        return "first"

    results: list[RetryOutcome[str]] = []
    worker = threading.Thread(target=lambda: results.append(retrier.run(first, threading.Event())))
    worker.start()
    assert told.wait(5)
    _wait_for_pause(retrier)
    assert 0.0 < retrier.pause_remaining() <= 0.2
    second, second_calls = _script("second")
    assert retrier.run(second, threading.Event()).value == "second"
    worker.join(5)
    assert results[0].value == "first" and results[0].attempts == 2
    assert retrier.waits == [0.2]  # the server's value, not the computed backoff
    # Neither worker sent anything until the server's 0.2 s were up.
    assert second_calls[0] - first_calls[0] >= 0.18
    assert first_calls[1] - first_calls[0] >= 0.18


def test_abort_during_a_shared_pause_skips_the_attempt() -> None:
    retrier = Retrier(3, 0.001, 0.001)
    abort = threading.Event()
    attempt, _ = _script(_retryable("HTTP 429", retry_after=MAX_RETRY_AFTER_S), "never")
    worker = threading.Thread(target=retrier.run, args=(attempt, abort))
    worker.start()
    _wait_for_pause(retrier)
    waiting, waiting_calls = _script("never")
    threading.Timer(0.05, abort.set).start()
    outcome = retrier.run(waiting, abort)
    worker.join(5)
    assert not worker.is_alive()
    assert outcome.aborted and outcome.attempts == 0 and waiting_calls == []


def test_a_retrier_is_shared_safely_by_many_threads() -> None:
    retrier = Retrier(3, 0.001, 0.002)
    abort = threading.Event()
    outcomes: list[RetryOutcome[object]] = []
    lock = threading.Lock()

    def work(i: int) -> None:
        attempt, _ = _script(_retryable(), _retryable(), i)
        outcome = retrier.run(attempt, abort)
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(5)
    assert sorted(o.value for o in outcomes) == list(range(16))  # type: ignore[type-var]
    assert all(o.attempts == 3 for o in outcomes) and len(retrier.waits) == 32


# -- openai error translation --------------------------------------------------------------


@pytest.fixture(name="openai")
def _openai() -> Any:
    return pytest.importorskip("openai")  # only these tests need the optional package


def _status_error(openai: Any, status: int, headers: dict[str, str] | None = None,
                  message: str = "nope") -> Exception:
    # A stand-in response: the translation reads only status_code, headers and request.
    response = SimpleNamespace(status_code=status, headers=headers or {}, request=None)
    return openai.APIStatusError(message, response=response, body=None)


def _translate(openai: Any, exc: BaseException, timeout_s: float = 1.5) -> AttemptFailed:
    with pytest.raises(AttemptFailed) as info:
        with openai_errors(openai, timeout_s):
            raise exc
    assert info.value.__suppress_context__  # the client's traceback is not chained into logs
    return info.value


@pytest.mark.parametrize(
    ("status", "retryable", "fatal"),
    [(408, True, False), (409, True, False), (429, True, False), (500, True, False), (503, True, False),
     (400, False, False), (422, False, False), (401, False, True), (403, False, True), (404, False, True)],
)
def test_http_statuses(openai: Any, status: int, retryable: bool, fatal: bool) -> None:
    err = _translate(openai, _status_error(openai, status, message="the\n  reason"))
    assert (err.retryable, err.fatal, err.retry_after) == (retryable, fatal, None)
    assert str(err).startswith(f"HTTP {status}: the reason")
    assert ("check --base-url" in str(err)) == (status == 404)


def test_retry_after_and_the_servers_explicit_word(openai: Any) -> None:
    err = _translate(openai, _status_error(openai, 429, {"retry-after-ms": "250"}))
    assert err.retryable and err.retry_after == 0.25
    assert not _translate(openai, _status_error(openai, 503, {"x-should-retry": "false"})).retryable
    assert _translate(openai, _status_error(openai, 400, {"x-should-retry": "true"})).retryable
    assert not _translate(openai, _status_error(openai, 400, {"x-should-retry": "maybe"})).retryable


def test_timeouts_connections_and_bad_bodies_are_retryable(openai: Any) -> None:
    timeout = _translate(openai, openai.APITimeoutError(request=None), timeout_s=2.5)
    assert (str(timeout), timeout.retryable) == ("timed out after 2.5 s", True)

    dropped = openai.APIConnectionError(request=None)
    dropped.__cause__ = ConnectionResetError("peer went away")
    conn = _translate(openai, dropped)
    assert (str(conn), conn.retryable) == ("connection error: ConnectionResetError: peer went away", True)

    bad = _translate(openai, ValueError("Expecting value: line 1"))
    assert (str(bad), bad.retryable, bad.fatal) == ("malformed response: ValueError: Expecting value: line 1",
                                                    True, False)
    assert str(_translate(openai, openai.OpenAIError("odd"))).startswith("malformed response: OpenAIError")


def test_long_messages_are_shortened_and_other_errors_pass_through(openai: Any) -> None:
    err = _translate(openai, _status_error(openai, 500, message="x" * 1000))
    assert len(str(err)) < 250 and str(err).endswith("...")
    with pytest.raises(KeyError):
        with openai_errors(openai, 1.0):
            raise KeyError("a bug, not a reply")
    with openai_errors(openai, 1.0):
        pass  # nothing raised, nothing translated
