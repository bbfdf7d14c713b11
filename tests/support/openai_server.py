"""A loopback OpenAI-protocol chat server for tests, with scriptable faults.

It speaks enough of the protocol for the official `openai` client over real sockets:
POST .../chat/completions (any path prefix, so base URLs with or without `/v1` work),
GET .../models, and the fine-tuning endpoints (`/files`, `/fine_tuning/jobs` create, list,
retrieve, events, cancel; see tests/support/openai_finetune.py, reached as `server.fine_tune`). Replies are real `chat.completion` JSON, with `logprobs.content` when the
request asks for logprobs. Every request is recorded (headers, body, peak concurrency) so
tests can assert on what the client actually sent.

Faults are injected per request, either from a queue consumed in arrival order
(`server.script(...)`) or by a `fault_fn(request_json)` that targets particular requests.
Fine-tuning routes have their own per-route fault queues (`server.fine_tune.script(route, ...)`),
so a scripted chat fault is never spent on them. With `serve_models=` the chat route answers only
those models and the fine-tuned ids of succeeded jobs (others get the API's 404), so a test can
prove which model was asked. The server binds to 127.0.0.1 only; every wait is bounded and cut short on shutdown.

    with OpenAIServer(responder=lambda req: "hi") as server:
        server.script(http_error(429, retry_after="1"), None)
        client = OpenAI(base_url=server.base_url, api_key="k")
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal

from tests.support.openai_finetune import FineTuneStore, JobPlan

__all__ = [
    "Fault",
    "JobPlan",
    "OpenAIServer",
    "RecordedRequest",
    "TopLogprobs",
    "delay",
    "disconnect",
    "empty_content",
    "finish_length",
    "http_error",
    "malformed_json",
    "missing_logprobs",
    "truncated_body",
]

# One dict per generated token position: candidate token -> logprob (best first or not).
TopLogprobs = list[dict[str, float]]
Reply = str | tuple[str, TopLogprobs]
Responder = Callable[[dict[str, Any]], Reply]

FaultKind = Literal[
    "ok", "status", "truncated", "disconnect", "malformed", "length", "empty", "no_logprobs"
]
# Upper bound on any scripted latency, so a typo cannot hang a test run.
MAX_DELAY_S = 30.0


@dataclass(frozen=True)
class Fault:
    """One scripted misbehaviour for one request; `delay_s` latency is applied first."""

    kind: FaultKind = "ok"
    status: int = 500
    headers: Mapping[str, str] = field(default_factory=dict)
    delay_s: float = 0.0
    commit: bool = False  # fine-tuning routes only: perform the request, then reply with the fault


def http_error(status: int, retry_after: str | None = None, delay_s: float = 0.0, commit: bool = False) -> Fault:
    """An HTTP error status with an OpenAI-shaped error body (and Retry-After if given).

    `commit=True` (fine-tuning routes) performs the request first: the job exists, the reply is an error.
    """
    headers = {"Retry-After": retry_after} if retry_after is not None else {}
    return Fault("status", status=status, headers=headers, delay_s=delay_s, commit=commit)


def delay(seconds: float) -> Fault:
    """A normal reply sent after `seconds` of latency."""
    return Fault("ok", delay_s=seconds)


def truncated_body(delay_s: float = 0.0) -> Fault:
    """HTTP 200 whose JSON is cut in half (Content-Length honest, so HTTP itself is valid)."""
    return Fault("truncated", delay_s=delay_s)


def disconnect(delay_s: float = 0.0) -> Fault:
    """Promise the full body, send half of it, then close the connection."""
    return Fault("disconnect", delay_s=delay_s)


def malformed_json(delay_s: float = 0.0) -> Fault:
    """HTTP 200 labelled application/json whose body is not JSON."""
    return Fault("malformed", delay_s=delay_s)


def finish_length(delay_s: float = 0.0) -> Fault:
    """A reply cut short with finish_reason "length"."""
    return Fault("length", delay_s=delay_s)


def empty_content(delay_s: float = 0.0) -> Fault:
    """A reply whose message content is the empty string."""
    return Fault("empty", delay_s=delay_s)


def missing_logprobs(delay_s: float = 0.0) -> Fault:
    """A normal reply with `logprobs: null` even when logprobs were requested."""
    return Fault("no_logprobs", delay_s=delay_s)


@dataclass(frozen=True)
class RecordedRequest:
    """One request as received: lower-cased headers, parsed JSON body (None if unparsable)."""

    index: int
    method: str
    path: str
    headers: dict[str, str]
    body: dict[str, Any] | None
    received_at: float
    fault: Fault | None

    def user_text(self) -> str:
        """All message contents joined, for asserting on the prompt that was sent."""
        messages = (self.body or {}).get("messages") or []
        return "\n".join(str(m.get("content", "")) for m in messages if isinstance(m, dict))


def default_responder(request: dict[str, Any]) -> Reply:
    """Echo the last message's content, so tests can tell replies apart."""
    messages = request.get("messages") or [{}]
    return f"echo: {messages[-1].get('content', '')}"


class OpenAIServer:
    """A threaded OpenAI-protocol HTTP server on 127.0.0.1 with an ephemeral port."""

    def __init__(
        self,
        responder: Responder = default_responder,
        fault_fn: Callable[[dict[str, Any]], Fault | None] | None = None,
        logprobs: bool = True,
        job_plan: JobPlan | Callable[[dict[str, Any]], JobPlan] = JobPlan(),
        serve_models: frozenset[str] | None = None,
    ) -> None:
        self.responder = responder
        # None: any model is answered; else only these and the fine-tuned models of succeeded jobs.
        self.serve_models = serve_models
        self.fine_tune = FineTuneStore(job_plan)  # files and fine-tuning jobs
        self.fault_fn = fault_fn
        # False plays an endpoint that never returns logprobs (e.g. `transformers serve`):
        # every reply has `logprobs: null` whatever the request asks.
        self.logprobs = logprobs
        self.requests: list[RecordedRequest] = []
        self.in_flight = 0
        self.peak_in_flight = 0
        self._script: deque[Fault | None] = deque()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._sockets: set[socket.socket] = set()
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.owner = self
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        """The ephemeral port the server listens on."""
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        """The base URL to give the client (`http://127.0.0.1:PORT/v1`)."""
        return f"http://127.0.0.1:{self.port}/v1"

    def script(self, *faults: Fault | None) -> None:
        """Queue faults consumed one per request in arrival order; None means a clean reply."""
        with self._lock:
            self._script.extend(faults)

    def chat_requests(self) -> list[RecordedRequest]:
        """Recorded chat-completion requests, in arrival order."""
        with self._lock:
            return [r for r in self.requests if r.path.endswith("/chat/completions")]

    def fine_tune_requests(self, route: str | None = None) -> list[RecordedRequest]:
        """Recorded fine-tuning requests (of one route when given), in arrival order."""
        with self._lock:
            found = [(FineTuneStore.match(r.method, r.path), r) for r in self.requests]
        return [r for m, r in found if m is not None and (route is None or m[0] == route)]

    def start(self) -> OpenAIServer:
        """Serve in a daemon thread; returns self."""
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, cut scripted delays short and close open connections."""
        self._stop.set()
        self._httpd.shutdown()
        with self._lock:
            sockets = list(self._sockets)
        for sock in sockets:  # idle keep-alive handlers would otherwise wait for their timeout
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> OpenAIServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- used by the handler ------------------------------------------------------------

    def _record(
        self, method: str, path: str, headers: dict[str, str], body: Any, scripted: bool = True
    ) -> RecordedRequest:
        parsed = body if isinstance(body, dict) else None
        with self._lock:
            fault = self._script.popleft() if (scripted and self._script) else None
            if fault is None and self.fault_fn is not None and parsed is not None:
                # Under the lock so scripted and targeted faults see one arrival order.
                fault = self.fault_fn(parsed)
            rec = RecordedRequest(
                len(self.requests), method, path, headers, parsed, time.monotonic(), fault
            )
            self.requests.append(rec)
            self.in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
        return rec

    def _done(self) -> None:
        with self._lock:
            self.in_flight -= 1


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: OpenAIServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients that time out or give up mid-reply are expected; keep test output clean.
        pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like real servers and the client's pool
    timeout = 10  # idle keep-alive connections end on their own
    server: _Server

    def setup(self) -> None:
        super().setup()
        with self.server.owner._lock:
            self.server.owner._sockets.add(self.connection)

    def finish(self) -> None:
        with self.server.owner._lock:
            self.server.owner._sockets.discard(self.connection)
        try:
            super().finish()
        except OSError:
            pass

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        owner = self.server.owner
        # Recorded, but scripted faults are kept for the chat requests they were meant for.
        rec = owner._record("GET", self.path, {k.lower(): v for k, v in self.headers.items()}, None,
                            scripted=False)
        try:
            if (route := FineTuneStore.match("GET", self.path)) is not None:
                self._serve_fine_tune(rec, route, b"")
            elif self.path.rstrip("/").endswith("/models"):
                models = {"object": "list", "data": [{"id": "test-model", "object": "model"}]}
                self._json(200, models)
            else:
                self._error(404, f"no route for GET {self.path}")
        except (BrokenPipeError, ConnectionResetError, socket.timeout):
            self.close_connection = True
        finally:
            owner._done()

    def do_POST(self) -> None:
        owner = self.server.owner
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body: Any = json.loads(raw) if raw else None
        except ValueError:
            body = None
        headers = {k.lower(): v for k, v in self.headers.items()}
        route = FineTuneStore.match("POST", self.path)
        rec = owner._record("POST", self.path, headers, body, scripted=route is None)
        try:
            if route is not None:
                self._serve_fine_tune(rec, route, raw)
            else:
                self._serve_chat(rec)
        except (BrokenPipeError, ConnectionResetError, socket.timeout):
            self.close_connection = True  # the client gave up (its timeout); nothing to do
        finally:
            owner._done()

    def _serve_fine_tune(self, rec: RecordedRequest, route: tuple[str, str | None], raw: bytes) -> None:
        """A fine-tuning request, with its route's next scripted fault (see openai_finetune)."""
        owner = self.server.owner
        fault = owner.fine_tune.next_fault(route[0]) or Fault()
        if fault.delay_s > 0 and owner._stop.wait(min(fault.delay_s, MAX_DELAY_S)):
            self.close_connection = True
            return
        if fault.kind == "status" and not fault.commit:
            self._error(fault.status, f"injected HTTP {fault.status}", fault.headers)
            return
        status, body = owner.fine_tune.serve(route[0], route[1], rec.path, rec.headers, raw)
        if fault.kind == "status":  # committed: the request took effect, the reply says it did not
            self._error(fault.status, f"injected HTTP {fault.status}", fault.headers)
        elif fault.kind == "disconnect":
            self._cut_off(status, json.dumps(body).encode())
        elif fault.kind == "malformed":
            self._send(200, b'{"id": "ftjob-x", "status": [oops', "application/json")
        else:
            self._json(status, body)

    def _cut_off(self, status: int, payload: bytes) -> None:
        """Promise the whole JSON body, send half of it, drop the connection (a lost reply)."""
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload[: len(payload) // 2])
        self.wfile.flush()
        self.close_connection = True

    def _serve_chat(self, rec: RecordedRequest) -> None:
        owner = self.server.owner
        fault = rec.fault or Fault()
        if fault.delay_s > 0 and owner._stop.wait(min(fault.delay_s, MAX_DELAY_S)):
            self.close_connection = True
            return
        if not rec.path.rstrip("/").endswith("/chat/completions"):
            self._error(404, f"no route for POST {rec.path}")
            return
        if rec.body is None:
            self._error(400, "request body is not a JSON object")
            return
        model = str(rec.body.get("model"))
        served = owner.serve_models
        if served is not None and model not in served | owner.fine_tune.fine_tuned_models():
            self._error(404, f"The model `{model}` does not exist or you do not have access to it.")
            return
        if fault.kind == "status":
            self._error(fault.status, f"injected HTTP {fault.status}", fault.headers)
            return
        if fault.kind == "malformed":
            self._send(200, b'{"id": "chatcmpl-x", "choices": [oops', "application/json")
            return
        payload = json.dumps(self._completion(rec, fault)).encode()
        if fault.kind == "truncated":
            self._send(200, payload[: len(payload) // 2], "application/json")
        elif fault.kind == "disconnect":
            self._cut_off(200, payload)
        else:
            self._send(200, payload, "application/json")

    def _completion(self, rec: RecordedRequest, fault: Fault) -> dict[str, Any]:
        req = rec.body or {}
        want_logprobs = bool(req.get("logprobs")) and fault.kind != "no_logprobs" and self.server.owner.logprobs
        top_n = int(req.get("top_logprobs") or 0)
        choices = []
        for i in range(max(1, min(int(req.get("n") or 1), 16))):
            reply = self.server.owner.responder(req)
            text, top = reply if isinstance(reply, tuple) else (reply, None)
            finish = "stop"
            if fault.kind == "length":
                text, finish = text[: len(text) // 2], "length"
            elif fault.kind == "empty":
                text = ""
            choices.append(
                {
                    "index": i,
                    "message": {"role": "assistant", "content": text, "refusal": None},
                    "finish_reason": finish,
                    "logprobs": _logprobs(text, top, top_n) if want_logprobs else None,
                }
            )
        messages = req.get("messages") or []
        prompt_tokens = sum(len(str(m.get("content", "")).split()) for m in messages)
        completion_tokens = sum(len(c["message"]["content"].split()) for c in choices)
        return {
            "id": f"chatcmpl-{rec.index}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": str(req.get("model", "test-model")),
            "choices": choices,
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            },
        }

    def _error(self, status: int, message: str, headers: Mapping[str, str] | None = None) -> None:
        kind = "invalid_request_error"
        if status == 429 or status >= 500:
            kind = "rate_limit_error" if status == 429 else "server_error"
        body = {"error": {"message": message, "type": kind, "param": None, "code": None}}
        self._json(status, body, headers)

    def _json(self, status: int, body: Any, headers: Mapping[str, str] | None = None) -> None:
        self._send(status, json.dumps(body).encode(), "application/json", headers)

    def _send(
        self, status: int, payload: bytes, ctype: str, headers: Mapping[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(payload)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(payload)
        self.wfile.flush()


def _logprobs(text: str, top: TopLogprobs | None, top_n: int) -> dict[str, Any]:
    """OpenAI `logprobs.content`: one entry per token with its top alternatives."""
    if top is None:  # no scores given: one certain token per whitespace-separated word
        top = [{tok: 0.0} for tok in (text.split() or [text])]
    content = []
    for position in top:
        ranked = sorted(position.items(), key=lambda kv: kv[1], reverse=True)
        token, logprob = ranked[0] if ranked else ("", 0.0)
        content.append(
            {
                "token": token,
                "logprob": logprob,
                "bytes": list(token.encode()),
                "top_logprobs": [
                    {"token": t, "logprob": lp, "bytes": list(t.encode())}
                    for t, lp in ranked[:top_n]
                ],
            }
        )
    return {"content": content, "refusal": None}

