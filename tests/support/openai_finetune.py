"""The fine-tuning half of the loopback OpenAI server: `/files` and `/fine_tuning/jobs`.

It keeps uploaded files and jobs in memory and plays a job's life on the wall clock: a
created job is `validating_files`, then `queued`, then `running`, and reaches its plan's
outcome (`succeeded`, `failed` or `cancelled`) `JobPlan.seconds` after creation, whether or
not anyone is polling, so a job can finish while its client is dead. Events are emitted as
the job passes each phase, newest first as the real API lists them.

Faults are scripted per route (`upload`, `create`, `list`, `retrieve`, `events`, `cancel`)
with `FineTuneStore.script(route, *faults)`; a fault with `commit=True` performs the request
(a job is created) and then answers with the fault, like a server whose reply is lost.
"""

from __future__ import annotations

import email.parser
import email.policy
import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import parse_qsl, urlsplit

__all__ = ["JobPlan", "FineTuneStore", "ROUTES", "FINE_TUNABLE"]

ROUTES = ("upload", "create", "list", "retrieve", "events", "cancel")
FINE_TUNABLE = frozenset({"gpt-4o-mini-2024-07-18", "gpt-4.1-nano-2025-04-14"})
TERMINAL = ("succeeded", "failed", "cancelled")
_CREATE_FIELDS = {"model", "training_file", "hyperparameters", "method", "seed", "suffix", "metadata",
                  "validation_file", "integrations"}
_JOB_PATH = re.compile(r"/fine_tuning/jobs/(?P<id>[^/?]+)(?P<tail>/events|/cancel)?$")


@dataclass(frozen=True)
class JobPlan:
    """How the next created job behaves: time to its outcome and, when it fails, the API's error."""

    seconds: float = 0.3
    outcome: Literal["succeeded", "failed", "cancelled"] = "succeeded"
    error_code: str = "invalid_training_file"
    error_message: str = "The job failed due to an invalid training file: line 3 has no assistant message."
    default_epochs: int = 3  # what "auto" resolves to here


@dataclass
class _Job:
    id: str
    body: dict[str, Any]
    plan: JobPlan
    created: float  # monotonic
    created_at: int  # epoch seconds
    file_tokens: int
    cancelled_at: float | None = None
    events: list[dict[str, Any]] = field(default_factory=list)


class FineTuneStore:
    """In-memory files and fine-tuning jobs, thread-safe; one per OpenAIServer."""

    def __init__(self, plan: JobPlan | Callable[[dict[str, Any]], JobPlan] = JobPlan()) -> None:
        self.plan = plan  # a JobPlan, or a function of the create body giving one
        self.files: dict[str, dict[str, Any]] = {}
        self.jobs: dict[str, _Job] = {}
        self.cancel_calls: list[str] = []
        self._faults: dict[str, deque[Any]] = {r: deque() for r in ROUTES}
        self._lock = threading.Lock()

    # -- test helpers ----------------------------------------------------------------

    def script(self, route: str, *faults: Any) -> None:
        """Queue faults (tests.support.openai_server.Fault or None) for requests to one route."""
        if route not in ROUTES:
            raise ValueError(f"unknown fine-tuning route {route!r}; valid: {', '.join(ROUTES)}")
        with self._lock:
            self._faults[route].extend(faults)

    def job_list(self) -> list[dict[str, Any]]:
        """Every job as the API would show it now, oldest first."""
        with self._lock:
            return [self._view(j) for j in self.jobs.values()]

    def fine_tuned_models(self) -> set[str]:
        """The model ids of every succeeded job: what the chat routes serve besides the base models."""
        return {v["fine_tuned_model"] for v in self.job_list() if v["fine_tuned_model"]}

    def uploaded(self, file_id: str) -> bytes:
        """The bytes of an uploaded file."""
        return self.files[file_id]["content"]

    # -- used by the HTTP handler ----------------------------------------------------

    @staticmethod
    def match(method: str, path: str) -> tuple[str, str | None] | None:
        """(route, job id) for a fine-tuning request, or None for any other path."""
        bare = urlsplit(path).path.rstrip("/")
        if method == "POST" and bare.endswith("/files"):
            return "upload", None
        if bare.endswith("/fine_tuning/jobs"):
            return ("create" if method == "POST" else "list"), None
        m = _JOB_PATH.search(bare)
        if m is None:
            return None
        tail = m.group("tail")
        if tail == "/events" and method == "GET":
            return "events", m.group("id")
        if tail == "/cancel" and method == "POST":
            return "cancel", m.group("id")
        return ("retrieve", m.group("id")) if tail is None and method == "GET" else None

    def next_fault(self, route: str) -> Any:
        """The next scripted fault of `route` (None: a clean reply)."""
        with self._lock:
            queue = self._faults[route]
            return queue.popleft() if queue else None

    def serve(self, route: str, job_id: str | None, path: str, headers: dict[str, str],
              raw: bytes) -> tuple[int, dict[str, Any]]:
        """Perform one request; (HTTP status, JSON body)."""
        query = dict(parse_qsl(urlsplit(path).query))
        with self._lock:
            if route == "upload":
                return self._upload(headers.get("content-type", ""), raw)
            if route == "create":
                return self._create(raw)
            if route == "list":
                return self._list(query)
            job = self.jobs.get(job_id or "")
            if job is None:
                return 404, _error(f"No fine-tuning job found with id '{job_id}'", "invalid_request_error")
            if route == "retrieve":
                return 200, self._view(job)
            if route == "events":
                return 200, self._events(job, query)
            return self._cancel(job)

    # -- routes (called under the lock) ----------------------------------------------

    def _upload(self, ctype: str, raw: bytes) -> tuple[int, dict[str, Any]]:
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            f"Content-Type: {ctype}\r\n\r\n".encode() + raw)
        fields: dict[str, Any] = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            fields[name] = (part.get_filename(), part.get_payload(decode=True))
        if "file" not in fields or "purpose" not in fields:
            return 400, _error("an upload needs 'file' and 'purpose' form fields", "invalid_request_error")
        purpose = fields["purpose"][1].decode()
        filename, content = fields["file"]
        file_id = f"file-{len(self.files) + 1:04d}"
        self.files[file_id] = {"content": content, "purpose": purpose, "filename": filename}
        return 200, {"id": file_id, "object": "file", "bytes": len(content), "created_at": int(time.time()),
                     "filename": filename, "purpose": purpose, "status": "processed"}

    def _create(self, raw: bytes) -> tuple[int, dict[str, Any]]:
        try:
            body = json.loads(raw)
        except ValueError:
            return 400, _error("request body is not JSON", "invalid_request_error")
        problem = _create_problem(body, self.files)
        if problem:
            return 400, _error(problem, "invalid_request_error")
        content = self.files[body["training_file"]]["content"].decode()
        tokens = sum(len(m["content"].split()) for line in content.splitlines() if line.strip()
                     for m in json.loads(line)["messages"])
        plan = self.plan(body) if callable(self.plan) else self.plan
        job = _Job(f"ftjob-{len(self.jobs) + 1:04d}", body, plan, time.monotonic(), int(time.time()), tokens)
        self.jobs[job.id] = job
        return 200, self._view(job)

    def _list(self, query: dict[str, str]) -> tuple[int, dict[str, Any]]:
        wanted = {k[len("metadata["):-1]: v for k, v in query.items() if k.startswith("metadata[")}
        jobs = [j for j in reversed(self.jobs.values())
                if all((j.body.get("metadata") or {}).get(k) == v for k, v in wanted.items())]
        return 200, _page([self._view(j) for j in jobs], query)

    def _events(self, job: _Job, query: dict[str, str]) -> dict[str, Any]:
        self._advance(job)
        return _page(list(reversed(job.events)), query)

    def _cancel(self, job: _Job) -> tuple[int, dict[str, Any]]:
        self.cancel_calls.append(job.id)
        if self._status(job) in TERMINAL:
            return 400, _error(f"Job {job.id} has already completed and cannot be cancelled",
                               "invalid_request_error")
        job.cancelled_at = time.monotonic()
        return 200, self._view(job)

    # -- a job's life ----------------------------------------------------------------

    def _status(self, job: _Job) -> str:
        if job.cancelled_at is not None:
            return "cancelled"
        share = (time.monotonic() - job.created) / max(job.plan.seconds, 1e-9)
        if share >= 1:
            return job.plan.outcome
        return "validating_files" if share < 0.2 else "queued" if share < 0.4 else "running"

    def _epochs(self, job: _Job) -> int:
        hyper = _hyperparameters(job.body)
        n = hyper.get("n_epochs", "auto")
        return job.plan.default_epochs if n == "auto" else int(n)

    def _advance(self, job: _Job) -> str:
        """Emit the events of every phase the job has reached; return its status."""
        status = self._status(job)
        phases = ["validating_files", "queued", "running"]
        order = phases + [status] if status in TERMINAL else phases[: phases.index(status) + 1]
        messages = {"validating_files": ("info", "Validating training file"),
                    "queued": ("info", "Files validated, moving job to queued state"),
                    "running": ("info", "Fine-tuning job started"),
                    "succeeded": ("info", "The job has successfully completed"),
                    "failed": ("error", job.plan.error_message),
                    "cancelled": ("info", "Fine-tuning job cancelled")}
        for phase in order[len(job.events):]:
            level, text = messages[phase]
            job.events.append({"id": f"ftevent-{job.id}-{len(job.events) + 1}", "object": "fine_tuning.job.event",
                               "created_at": job.created_at + len(job.events), "level": level,
                               "message": text, "type": "message", "data": {"status": phase}})
        return status

    def _view(self, job: _Job) -> dict[str, Any]:
        status = self._advance(job)
        body = job.body
        hyper = {"n_epochs": self._epochs(job), "batch_size": _hyperparameters(body).get("batch_size", "auto"),
                 "learning_rate_multiplier": _hyperparameters(body).get("learning_rate_multiplier", "auto")}
        if hyper["batch_size"] == "auto":
            hyper["batch_size"] = 1
        if hyper["learning_rate_multiplier"] == "auto":
            hyper["learning_rate_multiplier"] = 1.8
        done = status == "succeeded"
        suffix = body.get("suffix") or ""
        error = ({"code": job.plan.error_code, "message": job.plan.error_message, "param": "training_file"}
                 if status == "failed" else None)
        return {
            "id": job.id, "object": "fine_tuning.job", "created_at": job.created_at, "model": body["model"],
            "training_file": body["training_file"], "validation_file": body.get("validation_file"),
            "status": status, "seed": body.get("seed", 42), "metadata": body.get("metadata"),
            "hyperparameters": hyper, "organization_id": "org-emscope-test", "result_files": [],
            "method": {"type": "supervised", "supervised": {"hyperparameters": hyper}},
            "fine_tuned_model": f"ft:{body['model']}:emscope-test:{suffix}:{job.id[-4:]}" if done else None,
            "trained_tokens": job.file_tokens * hyper["n_epochs"] if done else None,
            "finished_at": job.created_at + int(job.plan.seconds) + 1 if status in TERMINAL else None,
            "error": error, "estimated_finish": None, "integrations": None,
        }


def _hyperparameters(body: dict[str, Any]) -> dict[str, Any]:
    method = body.get("method") or {}
    return ((method.get("supervised") or {}).get("hyperparameters") or body.get("hyperparameters") or {})


def _create_problem(body: Any, files: dict[str, dict[str, Any]]) -> str | None:
    """What the real API would refuse in a create request (None: acceptable)."""
    if not isinstance(body, dict):
        return "request body must be a JSON object"
    unknown = sorted(set(body) - _CREATE_FIELDS)
    if unknown:
        return f"Unrecognized request argument supplied: {', '.join(unknown)}"
    if body.get("model") not in FINE_TUNABLE:
        return f"Model {body.get('model')} is not available for fine-tuning or does not exist."
    file = files.get(body.get("training_file") or "")
    if file is None or file["purpose"] != "fine-tune":
        return f"invalid training_file: {body.get('training_file')}"
    hyper = _hyperparameters(body)
    limits = {"n_epochs": (1, 50), "batch_size": (1, 256)}
    for name, (low, high) in limits.items():
        value = hyper.get(name, "auto")
        if value != "auto" and not (isinstance(value, int) and low <= value <= high):
            return f"invalid hyperparameter {name}: {value!r}"
    lrm = hyper.get("learning_rate_multiplier", "auto")
    if lrm != "auto" and not (isinstance(lrm, (int, float)) and lrm > 0):
        return f"invalid hyperparameter learning_rate_multiplier: {lrm!r}"
    if len(body.get("suffix") or "") > 64:
        return "suffix must be at most 64 characters"
    return None


def _page(items: list[dict[str, Any]], query: dict[str, str]) -> dict[str, Any]:
    """One cursor page (`after` = the id of the previous page's last item, `limit`)."""
    start = 0
    if query.get("after"):
        ids = [i["id"] for i in items]
        start = ids.index(query["after"]) + 1 if query["after"] in ids else len(items)
    limit = int(query.get("limit") or 20)
    chunk = items[start: start + limit]
    return {"object": "list", "data": chunk, "has_more": start + limit < len(items)}


def _error(message: str, kind: str) -> dict[str, Any]:
    return {"error": {"message": message, "type": kind, "param": None, "code": None}}
