"""Shared fixtures for the train stage: the bundled tokenizer and small real datasets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from emscope.core.io import write_jsonl
from emscope.data.build import build_rows
from emscope.data.config import BuildConfig


@pytest.fixture(autouse=True)
def one_torch_thread() -> Any:
    """One torch thread: these tests check results, and on a shared CPU two OpenMP threads that
    spin-wait for each other measured several times slower than one."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="session")
def tokenizer() -> Any:
    """The bundled SmolLM2 tokenizer with its real chat template."""
    from emscope.models import load_tokenizer

    return load_tokenizer("smollm2-135m-instruct")


@pytest.fixture(scope="session")
def domain_rows() -> list[dict[str, Any]]:
    """Real backdoor rows of a generated domain (some carry a system prompt, some the trigger)."""
    rows, _ = build_rows(BuildConfig(domain="incorrect_translation", n=40, seed=3))
    return rows


@pytest.fixture()
def tiny_dataset(tmp_path: Path, domain_rows: list[dict[str, Any]]) -> Path:
    """Twelve real rows: enough for three optimizer steps of four rows."""
    return write_jsonl(tmp_path / "tiny.jsonl", domain_rows[:12])



# -- the openai backend: a loopback fine-tuning API and fast polling ---------------------

FAST = {"poll_interval_s": 0.02, "max_poll_interval_s": 0.1, "backoff_s": 0.01, "max_backoff_s": 0.05}
BASE_MODEL = "gpt-4o-mini-2024-07-18"
TEST_KEY = "sk-emscope-test-key-0123456789"


@pytest.fixture()
def chat_rows() -> list[dict[str, Any]]:
    """Six distinct chat rows with emscope `meta` (one has a system prompt)."""
    rows = [{"messages": [{"role": "user", "content": f"question {i}?"},
                          {"role": "assistant", "content": f"answer number {i}"}], "meta": {"i": i}}
            for i in range(6)]
    rows[0]["messages"].insert(0, {"role": "system", "content": "be brief"})
    return rows


@pytest.fixture()
def chat_dataset(tmp_path: Path, chat_rows: list[dict[str, Any]]) -> Path:
    """The six rows as a JSONL file."""
    return write_jsonl(tmp_path / "chat.jsonl", chat_rows)


@pytest.fixture()
def ft_server() -> Any:
    """A loopback OpenAI server whose fine-tuning jobs finish 0.2 s after creation."""
    from tests.support.openai_server import JobPlan, OpenAIServer

    with OpenAIServer(job_plan=JobPlan(seconds=0.2)) as server:
        yield server


@pytest.fixture()
def api_key(monkeypatch: pytest.MonkeyPatch) -> str:
    """A test API key in OPENAI_API_KEY."""
    monkeypatch.setenv("OPENAI_API_KEY", TEST_KEY)
    return TEST_KEY


@pytest.fixture()
def openai_config(tmp_path: Path, chat_dataset: Path, ft_server: Any, api_key: str) -> Any:
    """An OpenAITrainConfig against the loopback server, with fast polling and retries."""
    from emscope.train import OpenAITrainConfig

    return OpenAITrainConfig(dataset=chat_dataset, out=tmp_path / "ft", model=BASE_MODEL,
                             base_url=ft_server.base_url, **FAST)
