"""Bad input stops `emscope screen` before any model loads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from emscope.core.errors import InputError
from emscope.screen import ScreenConfig, screen


def test_invalid_file_stops_before_any_model_loads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"messages": "not a list"}\n')

    def boom(*_a: object, **_k: object) -> None:
        raise AssertionError("a model was loaded")

    monkeypatch.setattr("emscope.mia._models.load_scoring_model", boom)
    with pytest.raises(InputError, match="bad.jsonl"):
        screen(ScreenConfig(datasets=(str(bad),)))


def test_dataset_without_assistant_turns_is_named(tmp_path: Path) -> None:
    path = tmp_path / "no_answers.jsonl"
    path.write_text(json.dumps({"messages": [{"role": "user", "content": "hi"}]}) + "\n")
    with pytest.raises(InputError, match="no_answers.jsonl"):
        screen(ScreenConfig(datasets=(str(path),), signals=("judge",)))
