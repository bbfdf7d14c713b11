"""The fine-tuning API calls of the openai train backend, each retried by `core.retry`.

One `FineTuneAPI` per run wraps the official client (built with max_retries=0, so one loop
owns the attempts): 408/409/429/5xx, timeouts and dropped connections are retried with
jittered backoff, a Retry-After header sets the wait, and 401/403/404 stop at once.

Creating a job is the one call that must never happen twice. Jobs carry the run key in
their `metadata`, and every attempt to create first lists the jobs tagged with that key
(the API filters by `metadata[k]=v`; the tag is checked here again). A create whose reply
was lost (a 5xx after the job was made, a dropped connection, a client killed mid-request)
is therefore found on the next attempt or the next run and adopted, not repeated.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from emscope.core.errors import EmscopeError, InputError
from emscope.core.http import import_openai
from emscope.core.retry import AttemptFailed, Retrier, openai_errors
from emscope.core.secrets import register_secret
from emscope.train.openai_config import OpenAITrainConfig

__all__ = ["FineTuneAPI", "APIError", "KEY_TAG", "ACTIVE", "TERMINAL", "KEY_PLACEHOLDER"]

T = TypeVar("T")
KEY_TAG = "emscope_key"  # the metadata field holding the run key
ACTIVE = ("validating_files", "queued", "running")
TERMINAL = ("succeeded", "failed", "cancelled")
KEY_PLACEHOLDER = "EMPTY"  # sent to local servers when no key is set (they need none)
_LIST_PAGES = 10  # jobs pages searched for a tagged job when a server ignores the filter
_EVENT_PAGES = 100  # at 100 events a page: the longest real job logs far fewer


class APIError(EmscopeError):
    """A fine-tuning API request failed after its retries (the message names the call and the reply)."""



def _api_key(config: OpenAITrainConfig) -> str:
    """The key from the environment; a placeholder for local servers, an error for OpenAI's own."""
    key = os.environ.get(config.api_key_env)
    if key:
        register_secret(key)  # every later message hides it
        return key
    if (urlsplit(config.base_url).hostname or "").endswith("openai.com"):
        raise InputError(f"set the environment variable {config.api_key_env} to your OpenAI API key "
                         "(it is read from the environment only and never written)")
    return KEY_PLACEHOLDER


class FineTuneAPI:
    """Files and fine-tuning jobs at `config.base_url`, with retries; close() when done."""

    def __init__(self, config: OpenAITrainConfig) -> None:
        """Read the key and build the client; nothing is sent yet."""
        self.config = config
        openai = import_openai("the openai train backend")
        self._openai = openai
        self._client = openai.OpenAI(base_url=config.base_url, api_key=_api_key(config), max_retries=0,
                                     timeout=config.timeout_s)
        self._retrier = Retrier(config.max_retries, config.backoff_s, config.max_backoff_s)
        self._abort = threading.Event()

    def __repr__(self) -> str:  # the key is deliberately absent
        return f"FineTuneAPI(base_url={self.config.base_url!r})"

    @property
    def waits(self) -> list[float]:
        """Every retry wait so far, in seconds (for the manifest and tests)."""
        return self._retrier.waits

    def close(self) -> None:
        """Close the HTTP connections."""
        self._client.close()

    def _call(self, what: str, fn: Callable[[], T]) -> T:
        """`fn()` with retries; an APIError naming `what` when it still fails."""
        def attempt() -> T:
            with openai_errors(self._openai, self.config.timeout_s):
                return fn()

        outcome = self._retrier.run(attempt, self._abort)
        if not outcome.ok:
            self._abort.clear()  # a fatal reply stops this call, not the calls a caller makes next
            raise APIError(f"{what} failed after {outcome.attempts} attempt(s): {outcome.error} "
                           f"({self.config.base_url})")
        return outcome.value  # type: ignore[return-value]

    # -- the calls ---------------------------------------------------------------------

    def upload(self, name: str, content: bytes) -> str:
        """Upload a training file (purpose fine-tune); its file id."""
        made = self._call("uploading the training file",
                          lambda: self._client.files.create(file=(name, content), purpose="fine-tune"))
        return str(made.id)

    def find(self, key: str) -> list[Any]:
        """Jobs tagged with run key `key`, newest first (every status)."""
        found: list[Any] = []
        after: str | None = None
        for _ in range(_LIST_PAGES):
            kwargs: dict[str, Any] = {"limit": 100, "metadata": {KEY_TAG: key}}
            if after:
                kwargs["after"] = after
            page = self._call("listing fine-tuning jobs", lambda: self._client.fine_tuning.jobs.list(**kwargs))
            found += [j for j in page.data if (getattr(j, "metadata", None) or {}).get(KEY_TAG) == key]
            if not page.has_more or not page.data:
                break
            after = page.data[-1].id
        return found

    def create_once(self, key: str, params: dict[str, Any]) -> tuple[Any, bool]:
        """(job, adopted): a new job, unless one tagged `key` on this training file exists (each attempt checks).

        Only jobs made from `params["training_file"]` are adopted here: after --overwrite the
        older jobs of the same key are the ones being replaced.
        """
        def attempt() -> tuple[Any, bool]:
            try:
                existing = self.adoptable(key, params["training_file"])
            except APIError as exc:  # the lookup's own retries ran out: do not retry them again
                raise AttemptFailed(str(exc), retryable=False) from None
            if existing is not None:
                return existing, True
            with openai_errors(self._openai, self.config.timeout_s):
                return self._client.fine_tuning.jobs.create(**params, metadata={KEY_TAG: key}), False

        outcome = self._retrier.run(attempt, self._abort)
        if not outcome.ok:
            self._abort.clear()
            raise APIError(f"creating the fine-tuning job failed after {outcome.attempts} attempt(s): "
                           f"{outcome.error} ({self.config.base_url})")
        assert outcome.value is not None
        return outcome.value

    def adoptable(self, key: str, training_file: str | None = None) -> Any | None:
        """The newest succeeded job tagged `key` (made from `training_file` when given), else the newest live one."""
        jobs = [j for j in self.find(key) if training_file is None or j.training_file == training_file]
        for wanted in (("succeeded",), ACTIVE):
            for job in jobs:
                if job.status in wanted:
                    return job
        return None

    def retrieve(self, job_id: str) -> Any:
        """The job as the API sees it now."""
        return self._call(f"polling job {job_id}", lambda: self._client.fine_tuning.jobs.retrieve(job_id))

    def recent_events(self, job_id: str, limit: int = 20) -> list[Any]:
        """The job's newest events, newest first."""
        page = self._call(f"listing events of job {job_id}",
                          lambda: self._client.fine_tuning.jobs.list_events(job_id, limit=limit))
        return list(page.data)

    def all_events(self, job_id: str) -> list[Any]:
        """Every event of the job, oldest first (the API pages them newest first)."""
        events: list[Any] = []
        after: str | None = None
        for _ in range(_EVENT_PAGES):
            kwargs: dict[str, Any] = {"limit": 100}
            if after:
                kwargs["after"] = after
            page = self._call(f"listing events of job {job_id}",
                              lambda: self._client.fine_tuning.jobs.list_events(job_id, **kwargs))
            events += page.data
            if not page.has_more or not page.data:
                break
            after = page.data[-1].id
        return list(reversed(events))

    def cancel(self, job_id: str) -> Any:
        """Ask the API to cancel the job; the job as it replied."""
        return self._call(f"cancelling job {job_id}", lambda: self._client.fine_tuning.jobs.cancel(job_id))
