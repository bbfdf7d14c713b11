"""Issue 12 #3 and #16: loading prints no progress bars or deprecation noise, and an
unknown model name fails at once when the hub cannot be reached."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from emscope.core.errors import InputError
from emscope.models import load_tokenizer


def _closed_port() -> int:
    # A port nobody listens on: bind, read the number, close (connections are then refused).
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(name="no_hub")
def _no_hub(monkeypatch: pytest.MonkeyPatch) -> str:
    """The hub endpoint is a closed local port: as with no network, but the same on every machine."""
    endpoint = f"http://127.0.0.1:{_closed_port()}"
    for var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HTTPS_PROXY", "https_proxy"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HF_ENDPOINT", endpoint)
    return endpoint


def test_an_unknown_hub_id_fails_at_once_with_no_network(no_hub: str) -> None:
    started = time.perf_counter()
    with pytest.raises(InputError) as info:
        load_tokenizer("emscope-tests/no-such-model-3f9a")
    assert time.perf_counter() - started < 10  # was ~25-50 s of hub retries
    message = str(info.value)
    assert "could not load model 'emscope-tests/no-such-model-3f9a'" in message
    assert f"not in the local Hugging Face cache, and {no_hub} cannot be reached" in message
    assert "Give a bundled model" in message


def test_hf_hub_offline_fails_without_even_a_connection_check(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    started = time.perf_counter()
    with pytest.raises(InputError, match="not in the local Hugging Face cache, and HF_HUB_OFFLINE is set"):
        load_tokenizer("emscope-tests/no-such-model-3f9a")
    assert time.perf_counter() - started < 5


def test_a_missing_folder_is_not_sent_to_the_hub(tmp_path: Path, no_hub: str) -> None:
    with pytest.raises(InputError, match=r"could not load model '.*/gone/model': no such folder"):
        load_tokenizer(str(tmp_path / "gone" / "model"))


def test_the_cli_fails_fast_on_an_unknown_model_with_no_network(tmp_path: Path, no_hub: str) -> None:
    data = tmp_path / "d.jsonl"
    data.write_text(json.dumps({"messages": [{"role": "user", "content": "hi"},
                                             {"role": "assistant", "content": "hello"}]}) + "\n")
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "emscope", "data", "stats", str(data), "--tokenizer",
                           "emscope-tests/no-such-model-3f9a", "--embedding-model", "none"],
                          env=dict(os.environ), capture_output=True, text=True, timeout=120)
    assert time.perf_counter() - started < 30, "the hub was retried"
    assert done.returncode == 2, done.stdout + done.stderr
    assert "cannot be reached" in done.stderr and "Traceback" not in done.stderr


def test_loading_and_wrapping_a_model_prints_no_bars_or_deprecation_warnings() -> None:
    # -W default shows every warning once, as a user's terminal does outside pytest.
    code = ("from emscope.models import load_causal_lm\n"
            "from peft import LoraConfig, get_peft_model\n"
            "model, _ = load_causal_lm('smollm2-135m-instruct')\n"
            "get_peft_model(model, LoraConfig(r=2, target_modules=['q_proj']))\n"
            "print('loaded')\n")
    done = subprocess.run([sys.executable, "-W", "default", "-c", code], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    assert "loaded" in done.stdout
    assert "Loading weights" not in done.stderr and "is_gradient_checkpointing" not in done.stderr, done.stderr
