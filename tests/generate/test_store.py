"""The answer file as an append log: torn tails are cut, corruption and concurrent writers refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from emscope.core.errors import InputError
from emscope.generate.store import AnswerStore, read_rows


def _line(i: int) -> str:
    return json.dumps({"id": f"row{i}", "answer": f"a{i}"}) + "\n"


def test_torn_last_line_is_cut_and_appends_continue(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text(_line(0) + _line(1) + '{"id": "row2", "ans')  # killed mid-write
    with AnswerStore(path) as store:
        rows = store.recover()
        assert list(rows) == ["row0", "row1"] and store.truncated_bytes == len('{"id": "row2", "ans')
        store.append({"id": "row2", "answer": "a2"})
    assert [r["id"] for r in read_rows(path)] == ["row0", "row1", "row2"]
    assert path.read_text().endswith("\n")


def test_torn_only_line(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text('{"id": "ro')
    with AnswerStore(path) as store:
        assert store.recover() == {}
    assert path.read_text() == ""


def test_corrupt_middle_line_and_duplicates_are_errors(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text(_line(0) + "{oops\n" + _line(1))
    with AnswerStore(path) as store, pytest.raises(InputError, match=rf"{path}:2: not a JSON row"):
        store.recover()
    path.write_text(_line(0) + _line(0))
    with AnswerStore(path) as store, pytest.raises(InputError, match="appears twice"):
        store.recover()


def test_second_writer_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    with AnswerStore(path), pytest.raises(InputError, match="being written by another emscope run"):
        with AnswerStore(path):
            pass
    with AnswerStore(path) as store:  # released on exit
        assert store.recover() == {}
