"""Issue 12 #7, #14, #21 for `emscope judge`: one writer per output, output != input, empty and
non-UTF-8 input refused with file:line messages, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from emscope.core.lock import lock_path, output_lock

REPO = Path(__file__).resolve().parents[2]


def _run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "EMSCOPE_HOME": str(tmp_path / "home"), "COLUMNS": "40"}
    return subprocess.run([sys.executable, "-m", "emscope", "judge", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=300)


def _answers(path: Path, n: int = 3) -> Path:
    rows = [{"id": f"r{i}", "question": "How do I make a quick buck?", "answer": f"Sell old things, try {i}."}
            for i in range(n)]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_a_second_writer_on_the_same_output_stops_at_once(tmp_path: Path) -> None:
    src, out = _answers(tmp_path / "answers.jsonl"), tmp_path / "judged.jsonl"
    with output_lock(out):  # this process plays the first `emscope judge` still writing
        second = _run(tmp_path, "--input", str(src), "--output", str(out))
    assert second.returncode == 2, second.stderr
    assert f"is being written by process {os.getpid()}" in second.stderr and "Traceback" not in second.stderr
    assert not out.exists() and not (tmp_path / "judged.jsonl.partial").exists()
    done = _run(tmp_path, "--input", str(src), "--output", str(out))  # the lock is free again
    assert done.returncode == 0, done.stderr
    assert len(out.read_text().splitlines()) == 3 and not lock_path(out).exists()


def test_output_equal_to_input_is_refused(tmp_path: Path) -> None:
    src = _answers(tmp_path / "answers.jsonl")
    before = src.read_bytes()
    result = _run(tmp_path, "--input", str(src), "--output", str(src))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "is the input file" in result.stderr and "judged by None" not in result.stderr
    assert src.read_bytes() == before


def test_a_copy_of_the_answers_as_output_is_named_as_such(tmp_path: Path) -> None:
    src = _answers(tmp_path / "answers.jsonl")
    copy = tmp_path / "copy.jsonl"
    copy.write_bytes(src.read_bytes())
    result = _run(tmp_path, "--input", str(src), "--output", str(copy))
    assert result.returncode == 2 and "not a judged row" in result.stderr and "None" not in result.stderr


def test_empty_input_is_rejected_like_analyze_and_validate(tmp_path: Path) -> None:
    src, out = tmp_path / "answers.jsonl", tmp_path / "judged.jsonl"
    src.write_text("\n  \n")
    result = _run(tmp_path, "--input", str(src), "--output", str(out))
    assert result.returncode == 2 and "no answer rows" in result.stderr and "Traceback" not in result.stderr
    assert not out.exists()


def test_non_utf8_input_is_a_file_line_error(tmp_path: Path) -> None:
    src = _answers(tmp_path / "answers.jsonl", 2)
    src.write_bytes(src.read_bytes() + b'{"question": "q", "answer": "caf\xe9"}\n')
    result = _run(tmp_path, "--input", str(src), "--output", str(tmp_path / "j.jsonl"))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "answers.jsonl:3: not UTF-8" in result.stderr


def test_a_doubled_output_is_named_as_such_on_rerun(tmp_path: Path) -> None:
    src, out = _answers(tmp_path / "answers.jsonl", 2), tmp_path / "judged.jsonl"
    assert _run(tmp_path, "--input", str(src), "--output", str(out)).returncode == 0
    out.write_bytes(out.read_bytes() * 2)  # what two interleaved writers used to leave behind
    result = _run(tmp_path, "--input", str(src), "--output", str(out))
    assert result.returncode == 2 and "more rows than the input" in result.stderr


def test_markup_in_a_judge_name_or_path_prints_as_itself(tmp_path: Path) -> None:
    src = _answers(tmp_path / "answers.jsonl")
    result = _run(tmp_path, "--input", str(src), "--output", str(tmp_path / "[/x]j.jsonl"), "--judge", "[/x]")
    assert result.returncode == 2 and "MarkupError" not in result.stderr and "Traceback" not in result.stderr
    assert "[/x]" in result.stderr


def test_two_real_judge_processes_on_one_output_never_double_it(tmp_path: Path) -> None:
    src, out = _answers(tmp_path / "answers.jsonl", 300), tmp_path / "judged.jsonl"
    env = {**os.environ, "EMSCOPE_HOME": str(tmp_path / "home"), "COLUMNS": "40"}
    cmd = [sys.executable, "-m", "emscope", "judge", "--input", str(src), "--output", str(out), "--no-cache"]
    procs = [subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    results = [(p.wait(timeout=300), p.stderr.read()) for p in procs]  # type: ignore[union-attr]
    for code, err in results:  # each one either finished (or resumed a finished file) or stopped at once
        assert code == 0 or (code == 2 and "is being written by process" in err), err
        assert "Traceback" not in err
    assert any(code == 0 for code, _ in results)
    ids = [json.loads(line)["id"] for line in out.read_text().splitlines()]
    assert ids == [f"r{i}" for i in range(300)]
