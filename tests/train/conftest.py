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

