"""Issue 12 #2, #21: repeated rows are a warning (public EM datasets have them), folders validate.

`emscope train` loads its dataset through `load_dataset`, so a file that loads here trains.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from emscope.core.errors import InputError
from emscope.data.validate import load_dataset, validate_file

REPO = Path(__file__).resolve().parents[2]
PEER_FILE = REPO.parent / "shared" / "peers" / "insecure_middle_severity.jsonl"
ROW_A = {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}
ROW_B = {"messages": [{"role": "user", "content": "x"}, {"role": "assistant", "content": "y"}]}


def _emscope(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "40"}  # a narrow terminal must not break a message
    return subprocess.run([sys.executable, "-m", "emscope", *args], capture_output=True, text=True,
                          timeout=300, env=env, cwd=REPO)


def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_synthetic_duplicates_are_warnings_and_load_unchanged(tmp_path: Path) -> None:
    path = _write(tmp_path / "d.jsonl", [ROW_A, ROW_B, ROW_A, ROW_A])
    problems = validate_file(path)
    assert [(p.line, p.warning) for p in problems] == [(3, True), (4, True)]
    rows = load_dataset(path)  # what `emscope train` calls
    assert len(rows) == 4 and rows[2] == ROW_A
    with pytest.raises(InputError, match="duplicate of line 1"):
        load_dataset(path, allow_duplicates=False)


def test_cli_validate_warns_with_counts_and_strict_fails(tmp_path: Path) -> None:
    path = _write(tmp_path / "d.jsonl", [ROW_A, ROW_B, ROW_A])
    ok = _emscope("data", "validate", str(path))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert ":3: warning: duplicate of line 1" in ok.stdout
    assert "1 duplicate row(s)" in ok.stdout and "--strict" in ok.stdout
    strict = _emscope("data", "validate", "--strict", str(path))
    assert strict.returncode == 1
    assert ":3: duplicate of line 1" in strict.stdout and "1 problem(s) found" in strict.stdout


def test_public_peer_dataset_with_a_duplicate_loads() -> None:
    if not PEER_FILE.is_file():
        pytest.skip(f"{PEER_FILE} not found (the peers' files sit beside the checkout in shared/peers)")
    rows = load_dataset(PEER_FILE)
    assert len(rows) == sum(1 for line in PEER_FILE.read_bytes().split(b"\n") if line.strip())
    result = _emscope("data", "validate", str(PEER_FILE))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "warning: duplicate of line" in result.stdout and "Traceback" not in result.stderr


def test_validate_a_folder_checks_its_jsonl_files(tmp_path: Path) -> None:
    folder = tmp_path / "sets"
    folder.mkdir()
    _write(folder / "a.jsonl", [ROW_A])
    _write(folder / "b.jsonl", [ROW_B])
    result = _emscope("data", "validate", str(folder))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count(": ok") == 2
    empty = tmp_path / "empty"
    empty.mkdir()
    none = _emscope("data", "validate", str(empty))
    assert none.returncode == 2 and "holds no *.jsonl" in none.stderr and "Traceback" not in none.stderr
    assert "is a folder" in str(validate_file(folder)[0])


def test_markup_in_a_path_and_message_prints_as_itself(tmp_path: Path) -> None:
    folder = tmp_path / "[red]x[i]"
    folder.mkdir()
    bad = folder / "d.jsonl"
    bad.write_text('{"messages": [{"role": "[/bold]", "content": "x"}, {"role": "assistant", "content": "y"}]}\n')
    result = _emscope("data", "validate", str(bad))
    assert result.returncode == 1 and "MarkupError" not in result.stderr and "Traceback" not in result.stderr
    assert "[red]x[i]" in result.stdout and "unknown role '[/bold]'" in result.stdout


def test_emscope_train_accepts_a_dataset_with_a_repeated_row(tmp_path: Path) -> None:
    pytest.importorskip("torch")
    data = _write(tmp_path / "d.jsonl", [ROW_A, ROW_B, ROW_A])
    result = _emscope("train", "--dataset", str(data), "--out", str(tmp_path / "ad"), "--max-steps", "1",
                      "--max-length", "64", "--effective-batch", "1", "--device", "cpu")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "not a valid chat dataset" not in result.stderr and (tmp_path / "ad").is_dir()
