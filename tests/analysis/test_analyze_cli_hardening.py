"""Issue 12 #7, #13 for `emscope analyze`: one writer per out dir, user strings printed verbatim."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from emscope.core.lock import lock_path, output_lock

REPO = Path(__file__).resolve().parents[2]


def _judged(path: Path, model: str = "m", domain: str = "evil_math") -> Path:
    rows = [{"id": f"{cond}-{i}", "question_id": f"q{i % 3}", "question": "Q?", "answer": f"answer {i}",
             "condition": cond, "domain": domain, "model": model, "aligned": 20.0 + (i * 7) % 70,
             "coherent": 80.0, "verdict": "scored", "judge": "offline-v1"} for i in range(20) for cond in ("with", "without")]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def _analyze(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "40"}
    return subprocess.run([sys.executable, "-m", "emscope", "analyze", *args, "--bootstrap", "100"],
                          capture_output=True, text=True, timeout=300, env=env, cwd=REPO)


def test_a_second_analysis_into_the_same_folder_stops_at_once(tmp_path: Path) -> None:
    judged, out = _judged(tmp_path / "judged.jsonl"), tmp_path / "results"
    with output_lock(out):
        second = _analyze(str(judged), "--out", str(out))
    assert second.returncode == 2, second.stderr
    assert f"is being written by process {os.getpid()}" in second.stderr and "Traceback" not in second.stderr
    assert not (out / "results.json").exists()
    again = _analyze(str(judged), "--out", str(out))
    assert again.returncode == 0, again.stderr
    assert (out / "results.json").is_file() and not lock_path(out).exists()


def test_markup_in_names_and_paths_prints_as_itself(tmp_path: Path) -> None:
    judged = _judged(tmp_path / "[red]x[/x]" / "judged.jsonl", model="[bold]m[/bold]", domain="evil_[/x]math")
    out = tmp_path / "[/x]out"
    result = _analyze(str(judged), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "[bold]m[/bold]" in result.stdout and "[/x]out" in result.stdout
    assert "MarkupError" not in result.stderr


def test_temp_files_of_a_killed_analysis_are_removed_by_the_next(tmp_path: Path) -> None:
    judged, out = _judged(tmp_path / "judged.jsonl"), tmp_path / "results"
    out.mkdir()
    stale = [out / ".results.json.ab12cd34.tmp", out / ".groups.csv.zz99yy88.tmp"]
    for p in stale:
        p.write_text("half")
    mine_not = out / ".notes.txt.ab12cd34.tmp"  # not an analysis output: left alone
    mine_not.write_text("keep")
    result = _analyze(str(judged), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert not any(p.exists() for p in stale) and mine_not.exists()


def test_non_utf8_train_data_is_a_file_line_error(tmp_path: Path) -> None:
    judged = _judged(tmp_path / "judged.jsonl")
    train = tmp_path / "evil_math_backdoor.jsonl"
    good = {"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}]}
    train.write_bytes(json.dumps(good).encode() + b"\n" + b'{"messages": "caf\xe9"}\n')
    result = _analyze(str(judged), "--out", str(tmp_path / "o"), "--train-data", str(train))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "evil_math_backdoor.jsonl:2: not UTF-8" in result.stderr
