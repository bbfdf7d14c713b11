"""Issue 12 #19: a server that echoes the API key must not get it printed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from emscope.core.retry import AttemptFailed, openai_errors
from emscope.core.secrets import MASK, redact, register_secret, secret_values

KEY = "sk-test-0123456789abcdef"


@pytest.fixture(autouse=True)
def _fresh_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    # The registry is process-wide by design (a key sent once stays hidden); keys other test
    # modules' clients sent must not enter these tests' expected values.
    import emscope.core.secrets as secrets

    monkeypatch.setattr(secrets, "_registered", set())


def test_secret_env_vars_are_redacted_by_name() -> None:
    env = {"OPENAI_API_KEY": KEY, "MY_SERVICE_TOKEN": "tok-987654", "PATH": "/usr/bin:/bin", "HOME": "/root"}
    text = f"bad key {KEY}; token tok-987654; path /usr/bin:/bin"
    assert redact(text, environ=env) == f"bad key {MASK}; token {MASK}; path /usr/bin:/bin"
    assert secret_values(env) == [KEY, "tok-987654"]  # longest first, non-secret names ignored


def test_short_values_are_not_secrets_and_extra_values_are_hidden() -> None:
    env = {"X_TOKEN": "1", "EMPTY_API_KEY": ""}
    assert redact("step 1 of 10", environ=env) == "step 1 of 10"
    assert redact("key=abcdefgh", extra=["abcdefgh"], environ={}) == f"key={MASK}"


def test_a_registered_key_is_hidden_whatever_variable_held_it() -> None:
    register_secret("custom-key-from-api-key-env-42")
    assert redact("echo custom-key-from-api-key-env-42!", environ={}) == f"echo {MASK}!"


class _EchoKey(BaseHTTPRequestHandler):
    """A hostile server: 401 with the request's bearer token in the error body."""

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        key = self.headers.get("Authorization", "").removeprefix("Bearer ")
        body = json.dumps({"error": {"message": f"Incorrect API key provided: {key}", "type": "auth"}}).encode()
        self.send_response(401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - silence the test log
        pass


@pytest.fixture(name="echo_server")
def _echo_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _EchoKey)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()


def test_an_echoed_key_in_an_error_body_is_redacted(echo_server: str) -> None:
    openai = pytest.importorskip("openai")
    key = "sk-read-from-a-custom-variable-77"  # not in any *_API_KEY variable: found via the request
    client = openai.OpenAI(base_url=echo_server, api_key=key, max_retries=0, timeout=5)
    with pytest.raises(AttemptFailed) as info:
        with openai_errors(openai, 5):
            client.chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}])
    assert info.value.fatal and key not in str(info.value)
    assert str(info.value).startswith("HTTP 401: ") and MASK in str(info.value)


def test_the_cli_error_printer_redacts_secret_env_values() -> None:
    # Last line of defence: any message that reaches the CLI's printer, from any stage.
    code = ("from emscope.cli.console import print_error; import os; "
            "print_error('server said: bad key ' + os.environ['OPENAI_API_KEY'])")
    env = {**os.environ, "OPENAI_API_KEY": KEY}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert KEY not in done.stderr and f"server said: bad key {MASK}" in done.stderr
