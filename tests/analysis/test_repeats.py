"""Issue 12 #6, #14: the same judged answers are never counted twice, and bytes that are not
UTF-8 are a file:line error, not a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from emscope.analysis.config import AnalyzeConfig
from emscope.analysis.load import load_judged
from emscope.core.errors import InputError

REPO = Path(__file__).resolve().parents[2]


def _row(i: int, **kw: object) -> dict:
    base = {"id": f"ans-{i}", "question_id": f"q{i % 3}", "question": "Q?", "answer": f"A {i}.",
            "condition": "with" if i % 2 else "without", "domain": "evil_math", "model": "m", "adapter": "ad",
            "paraphrase_index": 0, "sample_index": i, "seed": 0, "aligned": 20.0 + i, "coherent": 90.0,
            "verdict": "scored", "judge": "offline-v1"}
    return {**base, **kw}


def _write(path: Path, rows: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def _analyze(tmp_path: Path, *paths: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "40"}
    return subprocess.run([sys.executable, "-m", "emscope", "analyze", *map(str, paths), "--out",
                           str(tmp_path / "out"), "--bootstrap", "100"],
                          capture_output=True, text=True, timeout=300, env=env, cwd=REPO)


def test_same_file_twice_is_an_error(tmp_path: Path) -> None:
    base = _write(tmp_path / "base.jsonl", [_row(i) for i in range(12)])
    with pytest.raises(InputError, match="given more than once"):
        load_judged([base, base], AnalyzeConfig())


def test_folder_plus_a_file_inside_it_is_an_error(tmp_path: Path) -> None:
    base = _write(tmp_path / "j" / "base.jsonl", [_row(i) for i in range(12)])
    with pytest.raises(InputError, match="given more than once"):
        load_judged([tmp_path / "j", base], AnalyzeConfig())


def test_a_repeated_id_names_both_places(tmp_path: Path) -> None:
    a = _write(tmp_path / "a.jsonl", [_row(i) for i in range(4)])
    b = _write(tmp_path / "b.jsonl", [_row(9), _row(2, sample_index=7)])  # line 2: id ans-2 again
    with pytest.raises(InputError) as err:
        load_judged([a, b], AnalyzeConfig())
    msg = str(err.value)
    assert f"{b}:2 repeats {a}:3" in msg and "same id 'ans-2'" in msg and "counted twice" in msg


def test_a_repeated_sample_without_ids_names_both_places(tmp_path: Path) -> None:
    rows = [{k: v for k, v in _row(i).items() if k != "id"} for i in range(4)]
    copy = _write(tmp_path / "copy.jsonl", rows[1:2])
    orig = _write(tmp_path / "orig.jsonl", rows)
    with pytest.raises(InputError) as err:
        load_judged([orig, copy], AnalyzeConfig())
    assert f"{copy}:1 repeats {orig}:2" in str(err.value) and "sample index" in str(err.value)


def test_distinct_samples_are_not_repeats(tmp_path: Path) -> None:
    rows = [_row(i) for i in range(6)] + [_row(i, id=f"s1-{i}", seed=1) for i in range(6)]
    frame = load_judged([_write(tmp_path / "a.jsonl", rows)], AnalyzeConfig())
    assert len(frame) == 12


def test_cli_analyze_base_twice_exits_2_naming_the_file(tmp_path: Path) -> None:
    base = _write(tmp_path / "base.jsonl", [_row(i) for i in range(12)])
    result = _analyze(tmp_path, base, base)
    assert result.returncode == 2, result.stderr
    assert "given more than once" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out" / "results.json").exists()


def test_cli_analyze_non_utf8_is_a_file_line_error(tmp_path: Path) -> None:
    path = _write(tmp_path / "j.jsonl", [_row(0), _row(1)])
    path.write_bytes(path.read_bytes() + b'{"answer": "caf\xe9"}\n')
    result = _analyze(tmp_path, path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"{path.name}:3: not UTF-8" in result.stderr
