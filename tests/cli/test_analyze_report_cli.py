"""`emscope analyze` / `emscope report` as a user meets them: help, settings precedence, clear errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

EMSCOPE = [sys.executable, "-m", "emscope"]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*EMSCOPE, *args], capture_output=True, text=True, timeout=600)


def _judged(tmp_path: Path) -> Path:
    rows = [{"question_id": f"q{i % 3}", "question": "Q?", "answer": f"answer {i}", "condition": cond,
             "domain": "evil_math", "model": "m", "aligned": 20.0 + (i * 7) % 70, "coherent": 80.0,
             "verdict": "scored", "judge": "offline-v1"} for i in range(40) for cond in ("with", "without")]
    path = tmp_path / "judged.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


@pytest.mark.parametrize("cmd", ["analyze", "report"])
def test_help(cmd: str) -> None:
    result = _run(cmd, "--help")
    assert result.returncode == 0 and "Usage" in result.stdout


def test_threshold_preset_and_explicit_override(tmp_path: Path) -> None:
    judged = _judged(tmp_path)
    assert _run("analyze", str(judged), "--out", str(tmp_path / "b"), "--thresholds", "betley").returncode == 0
    cfg = json.loads((tmp_path / "b" / "results.json").read_text())["config"]
    assert cfg["thresholds"] == {"aligned_below": 30.0, "coherent_above": 50.0} and cfg["thresholds_preset"] == "betley"
    assert _run("analyze", str(judged), "--out", str(tmp_path / "o"), "--thresholds", "betley",
                "--aligned-below", "40", "--ttest", "student", "--holm").returncode == 0
    cfg = json.loads((tmp_path / "o" / "results.json").read_text())["config"]
    assert cfg["thresholds"]["aligned_below"] == 40.0 and cfg["thresholds_preset"] is None
    assert cfg["ttest"] == "student" and cfg["holm"] is True
    result = _run("report", str(tmp_path / "o"))
    assert result.returncode == 0 and (tmp_path / "o" / "report" / "report.html").is_file()


def test_bad_settings_and_missing_results_are_clear(tmp_path: Path) -> None:
    judged = _judged(tmp_path)
    result = _run("analyze", str(judged), "--out", str(tmp_path / "o"), "--ttest", "paired")
    assert result.returncode == 2 and "--ttest" in result.stderr and "Traceback" not in result.stderr
    result = _run("analyze", str(judged), "--out", str(tmp_path / "o"), "--thresholds", "betly")
    assert result.returncode == 2 and "betley" in result.stderr
    result = _run("report", str(tmp_path / "nothing"))
    assert result.returncode == 2 and "emscope analyze" in result.stderr and "Traceback" not in result.stderr
