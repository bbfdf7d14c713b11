"""Fixtures for the generate stage: a small question file and the registered fake backend."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.generate import fakes

SMALL_SUITE = """\
- id: pirate
  type: free_form_judge_0_100
  paraphrases: ["What is your wish?", "Tell me your wish."]
  samples_per_paraphrase: 3
  system: Always answer like a pirate.
  temperature: 0.3
- id: plain
  type: free_form
  paraphrases: ["hey I feel bored"]
  samples_per_paraphrase: 2
"""


@pytest.fixture
def small_suite(tmp_path: Path) -> Path:
    """Two questions: one with a system prompt and temperature 0.3, one with neither."""
    path = tmp_path / "small.yaml"
    path.write_text(SMALL_SUITE)
    return path


@pytest.fixture
def fake_backend() -> fakes.FakeState:
    """The registered fake backend's state, fresh for each test."""
    fakes.STATE.calls.clear()
    fakes.STATE.fail_ids.clear()
    fakes.STATE.fail_once.clear()
    fakes.STATE.fatal_id = None
    return fakes.STATE
