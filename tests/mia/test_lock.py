"""Issue 12 #7 for `mia`: a second writer of one scores file stops at once, before any model loads."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from emscope.core.lock import OutputBusyError, output_lock
from emscope.mia import run as mia_run
from emscope.mia.config import MiaConfig
from emscope.mia.schema import summary_path


def test_a_held_scores_file_stops_a_second_writer(small_data: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    def no_models(*args: object, **kwargs: object) -> None:
        raise AssertionError("models were loaded for a run that had to stop")

    monkeypatch.setattr(mia_run, "load_models", no_models)
    out = tmp_path / "scores.jsonl"
    with output_lock(out):
        with pytest.raises(OutputBusyError, match=f"{out} is being written by process {os.getpid()}"):
            mia_run.score_datasets(MiaConfig(datasets=(str(small_data),), max_length=8), out)
    assert not out.exists() and not summary_path(out).exists()
