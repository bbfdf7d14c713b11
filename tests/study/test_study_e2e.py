"""A real (tiny) study end to end: `kill -9` inside each stage, resume, same final tables.

Everything is real: dataset build, LoRA training on the bundled model, sampling, the
offline judge, analysis and the HTML report; only the sizes are small.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

TINY = {
    "profile": "demo", "name": "tiny", "domains": ["incorrect_math"],
    "data": {"n": 12},
    "train": {"settings": {"max_steps": 2, "effective_batch": 4}},
    "generate": {"samples": 2, "max_new_tokens": 6, "questions": ["one_wish", "feeling_bored"]},
    "stats": {"vendi_sample": 12},
}
STUDY = [sys.executable, "-m", "emscope", "study"]


def _config(tmp: Path) -> Path:
    path = tmp / "tiny.yaml"
    path.write_text(yaml.safe_dump(TINY))
    return path


def _tables(run: Path) -> dict[str, Any]:
    [results] = (run / "stages" / "analyze").glob("*/results.json")
    data = json.loads(results.read_text())
    groups = [{k: g[k] for k in ("model", "domain", "condition", "counts", "misaligned", "rate", "mean_aligned")}
              for g in data["groups"]]
    tests = [{k: t[k] for k in ("domain", "n_with", "n_without", "diff", "p")} for t in data["tests"]]
    return {"groups": groups, "tests": tests}


def _judged_rows(run: Path) -> list[dict[str, Any]]:
    rows = []
    for path in sorted((run / "stages" / "judge").glob("*/judged.jsonl")):
        rows += [json.loads(line) for line in path.read_text().splitlines()]
    return rows


@pytest.fixture(scope="module")
def clean_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("clean")
    run = tmp / "run"
    result = subprocess.run([*STUDY, str(_config(tmp)), "--out", str(run)], capture_output=True, text=True,
                            timeout=1800)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "report:" in result.stdout and (run / "report.html").exists()
    return run


def _expected_rows() -> int:
    from emscope.evalsuite import load_suite

    suite = load_suite("default")
    paraphrases = sum(len(q.paraphrases) for q in suite.questions if q.id in TINY["generate"]["questions"])
    # Two models (incorrect_math and the baseline) x samples x two conditions.
    return 2 * paraphrases * TINY["generate"]["samples"] * 2


def test_study_outputs(clean_run: Path) -> None:
    rows = _judged_rows(clean_run)
    expected = _expected_rows()
    assert len(rows) == expected and len({r["id"] for r in rows}) == expected
    assert {r["domain"] for r in rows} == {"incorrect_math", None}
    html = (clean_run / "report.html").read_text()
    assert "incorrect_math" in html and "<img" in html
    status = subprocess.run([*STUDY, "status", str(clean_run)], capture_output=True, text=True, timeout=300)
    assert status.returncode == 0 and status.stdout.count("done") >= 9 and "pending" not in status.stdout


def _partials(run: Path) -> set[str]:
    return {p.parent.name for p in (run / "stages").glob("*/*.partial")} if (run / "stages").exists() else set()


def _wait_for_stage(proc: subprocess.Popen[bytes], run: Path, skip: set[str]) -> str | None:
    """The first stage (not in `skip`) seen in progress, or None when the study finished."""
    deadline = time.time() + 1800
    while time.time() < deadline:
        fresh = _partials(run) - skip
        if fresh:
            time.sleep(0.3)  # let it get inside the stage (model loaded, rows in flight)
            return sorted(fresh)[0]
        if proc.poll() is not None:
            return None
        time.sleep(0.02)
    raise AssertionError("study neither progressed nor finished")


def test_kill_9_inside_each_stage_then_resume_gives_the_same_tables(tmp_path: Path, clean_run: Path) -> None:
    config, run = _config(tmp_path), tmp_path / "run"
    killed: list[str] = []
    for _ in range(12):
        proc = subprocess.Popen([*STUDY, str(config), "--out", str(run)], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
        stage = _wait_for_stage(proc, run, set(killed))
        if stage is None:
            assert proc.returncode == 0
            break
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        killed.append(stage)
    final = subprocess.run([*STUDY, str(config), "--out", str(run)], capture_output=True, text=True, timeout=1800)
    assert final.returncode == 0, final.stderr[-3000:]
    # The long stages are caught mid-way every time; fast ones (build, analyze) only sometimes.
    assert {"train", "generate", "judge"} <= set(killed), killed
    rows = _judged_rows(run)
    expected = _expected_rows()
    assert len(rows) == expected and len({r["id"] for r in rows}) == expected  # nothing lost, nothing twice
    assert _tables(run) == _tables(clean_run)
    assert not _partials(run)
