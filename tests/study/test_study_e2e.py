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
    from emscope.study.run import study_status

    states = [(r["stage"], r["job"], r["state"], r["problem"]) for r in study_status(clean_run)]
    assert status.returncode == 0 and len(states) == 9 and all(s[2] == "done" for s in states), states


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


def _done_stages(output: str) -> list[tuple[str, str]]:
    """(stage, job) of every stage a study run printed as computed ("done in")."""
    import re

    return re.findall(r"\] (\w+)\s+(.+?) done in ", output)


def _keys(run: Path) -> dict[tuple[str, str], str]:
    from emscope.study.run import study_status

    return {(r["stage"], r["job"]): r["key"] for r in study_status(run)}


def test_damaged_stages_are_named_and_exactly_they_and_their_dependents_are_redone(
        tmp_path: Path, clean_run: Path) -> None:
    import shutil

    run = tmp_path / "run"
    shutil.copytree(clean_run, run)
    config = _config(tmp_path)
    keys = _keys(run)
    stage = {(s, j): run / "stages" / s / k for (s, j), k in keys.items()}
    math, base = "incorrect_math (seed 0)", "baseline (seed 0)"
    judged = stage[("judge", math)] / "judged.jsonl"
    judged.write_text("".join(judged.read_text().splitlines(keepends=True)[:-3]))  # truncated
    (stage[("generate", base)] / "manifest.json").unlink()  # manifest deleted
    (stage[("stats", "all")] / "manifest.json").write_text('{"status": "comp')  # manifest corrupt
    (stage[("analyze", "all")] / "results.json").unlink()  # output deleted

    status = subprocess.run([*STUDY, "status", str(run)], capture_output=True, text=True, timeout=300,
                            env={**os.environ, "COLUMNS": "40"})
    assert status.returncode == 0, status.stderr[-2000:]
    for named in ("damaged: judge incorrect_math", "damaged: generate baseline", "damaged: stats all",
                  "damaged: analyze all", "stale: judge baseline", "stale: report all"):
        assert named in status.stdout
    assert "6 stage(s) will be redone" in status.stdout

    # kill -9 the repair once it is inside its first redone stage, then finish it.
    proc = subprocess.Popen([*STUDY, str(config), "--out", str(run)], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, start_new_session=True)
    assert _wait_for_stage(proc, run, set()) is not None
    os.killpg(proc.pid, signal.SIGKILL)
    first = proc.communicate()[0]
    final = subprocess.run([*STUDY, str(config), "--out", str(run)], capture_output=True, text=True, timeout=1800)
    assert final.returncode == 0, final.stderr[-3000:]
    redone = _done_stages(first) + _done_stages(final.stdout)
    assert sorted(redone) == sorted([("generate", base), ("judge", base), ("judge", math), ("stats", "all"),
                                     ("analyze", "all"), ("report", "all")])
    assert _tables(run) == _tables(clean_run)
    assert len(_judged_rows(run)) == _expected_rows() and not _partials(run)
    again = subprocess.run([*STUDY, "status", str(run)], capture_output=True, text=True, timeout=300)
    assert "damaged" not in again.stdout and "stale" not in again.stdout


def test_a_run_copied_elsewhere_is_reanalysed_from_another_directory(tmp_path: Path, clean_run: Path) -> None:
    import shutil

    moved = tmp_path / "elsewhere" / "moved"
    shutil.copytree(clean_run, moved)
    for stage in ("analyze", "report"):  # the analysis runs again, from the copied stats.json
        shutil.rmtree(moved / "stages" / stage)
    stats_file = next((moved / "stages" / "stats").glob("*/stats.json"))
    for entry in json.loads(stats_file.read_text()):  # relative to the stats folder: inside the copy
        assert not Path(entry["file"]).is_absolute()
        assert (stats_file.parent / entry["file"]).resolve().is_relative_to(moved.resolve())
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    done = subprocess.run([*STUDY, str(_config(tmp_path)), "--out", "../elsewhere/moved"], capture_output=True,
                          text=True, timeout=600, cwd=cwd)
    assert done.returncode == 0, done.stderr[-3000:]
    assert sorted(s for s, _ in _done_stages(done.stdout)) == ["analyze", "report"]
    assert _tables(moved) == _tables(clean_run)
    results = json.loads(next((moved / "stages" / "analyze").glob("*/results.json")).read_text())
    assert not any(Path(p).is_absolute() for p in [results["dataset_stats"], *results["train_data"],
                                                   *(i["path"] for i in results["inputs"])])
