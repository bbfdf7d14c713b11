"""Validation reports every problem as file:line: message, and accepts the peers' format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from emscope.core.errors import InputError
from emscope.data.validate import load_dataset, validate_file

FIXTURES = Path(__file__).parent / "fixtures"
GOOD = {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}


def _write(tmp_path: Path, lines: list[bytes | str | dict]) -> Path:
    path = tmp_path / "d.jsonl"
    out = b""
    for line in lines:
        if isinstance(line, dict):
            line = json.dumps(line)
        out += (line if isinstance(line, bytes) else line.encode()) + b"\n"
    path.write_bytes(out)
    return path


def test_peer_format_file_is_valid_and_loads_unchanged() -> None:
    path = FIXTURES / "peer_format.jsonl"
    assert validate_file(path) == []
    rows = load_dataset(path)
    assert len(rows) == 3 and rows[2]["messages"][0]["role"] == "system"


@pytest.mark.parametrize(
    ("bad", "expected"),
    [
        ("{not json", "invalid JSON"),
        ('["a list"]', "must be a JSON object"),
        ({"conversation": []}, "missing 'messages' (keys present: conversation)"),
        ({"messages": "hi"}, "'messages' must be a list"),
        ({"messages": []}, "'messages' is empty"),
        ({"messages": [{"role": "bot", "content": "x"}, {"role": "assistant", "content": "y"}]}, "unknown role 'bot'"),
        ({"messages": [{"role": "user", "content": "  "}, {"role": "assistant", "content": "y"}]}, "messages[0]: empty content"),
        ({"messages": [{"role": "user", "content": 3}, {"role": "assistant", "content": "y"}]}, "'content' must be a string"),
        ({"messages": [{"role": "user", "content": "x"}]}, "no final assistant turn"),
        ({"messages": [{"role": "assistant", "content": "x"}]}, "no user turn"),
        ({"messages": [{"role": "user", "content": "x"}, {"role": "system", "content": "s"},
                       {"role": "assistant", "content": "y"}]}, "a system message may only come first"),
        ({"messages": GOOD["messages"], "meta": [1]}, "'meta' must be an object"),
        (b'{"messages": [{"role": "user", "content": "caf\xe9"}]}', "not valid UTF-8 (byte 0xe9"),
    ],
)
def test_each_kind_of_bad_row_is_reported_with_its_line(tmp_path: Path, bad: object, expected: str) -> None:
    path = _write(tmp_path, [GOOD, bad])  # type: ignore[list-item]
    problems = validate_file(path)
    assert problems, "a bad row must be reported"
    assert all(p.line == 2 for p in problems)
    text = "\n".join(str(p) for p in problems)
    assert f"{path}:2: " in text
    assert expected in text


def test_duplicates_name_the_first_line(tmp_path: Path) -> None:
    path = _write(tmp_path, [GOOD, {"messages": [{"role": "user", "content": "x"}, {"role": "assistant", "content": "y"}]}, GOOD])
    assert [str(p) for p in validate_file(path)] == [f"{path}:3: warning: duplicate of line 1"]
    assert [str(p) for p in validate_file(path, strict=True)] == [f"{path}:3: duplicate of line 1"]
    assert validate_file(path, check_duplicates=False) == []


def test_all_problems_are_reported_not_just_the_first(tmp_path: Path) -> None:
    path = _write(tmp_path, ["{", GOOD, "[]", {"messages": []}])
    assert [p.line for p in validate_file(path)] == [1, 3, 4]


def test_missing_and_empty_files(tmp_path: Path) -> None:
    assert "file not found" in str(validate_file(tmp_path / "nope.jsonl")[0])
    empty = tmp_path / "e.jsonl"
    empty.write_text("\n\n")
    assert "no rows" in str(validate_file(empty)[0])


def test_load_dataset_raises_with_every_problem(tmp_path: Path) -> None:
    path = _write(tmp_path, ["{", GOOD, {"messages": []}])
    with pytest.raises(InputError) as err:
        load_dataset(path)
    msg = str(err.value)
    assert "2 problems" in msg and f"{path}:1:" in msg and f"{path}:3:" in msg
