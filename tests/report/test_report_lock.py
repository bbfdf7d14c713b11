"""Issue 12 #7 for `report`: a second writer of one report folder stops at once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from emscope.analysis.config import AnalyzeConfig
from emscope.analysis.run import AnalyzeInputs, analyze, write_results
from emscope.core.lock import OutputBusyError, lock_path, output_lock
from emscope.data.domains import DOMAINS
from emscope.report.run import REPORT_FILE, ReportConfig, report
from tests.analysis import synthetic as syn


@pytest.fixture(scope="module")
def results_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("report-lock")
    study = syn.make_study(tmp / "study")
    categories = {n: DOMAINS.get(n).category for n in DOMAINS}
    results = analyze(AnalyzeConfig(), AnalyzeInputs(judged=[study.judged], dataset_stats=study.stats,
                                                     train_data=study.train, categories=categories))
    write_results(results, tmp / "results")
    return tmp / "results"


def test_a_held_report_folder_stops_a_second_cli_writer_at_once(results_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "report"
    with output_lock(out):
        done = subprocess.run([sys.executable, "-m", "emscope", "report", str(results_dir), "--out", str(out)],
                              capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"{out} is being written by process {os.getpid()}" in done.stderr and "Traceback" not in done.stderr
    assert not (out / REPORT_FILE).exists()


def test_the_lock_is_released_after_a_report(results_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "report"
    with output_lock(out):
        with pytest.raises(OutputBusyError):
            report(ReportConfig(), results_dir, out)
    assert report(ReportConfig(), results_dir, out).html == out / REPORT_FILE
    assert not lock_path(out).exists()


def test_a_long_output_path_prints_unbroken_when_piped_at_40_columns(results_dir: Path, tmp_path: Path) -> None:
    # Issue 12 #1: piped output was hard-wrapped at 80 columns (a path split across lines).
    out = tmp_path / ("a-long-folder-name-" * 5) / ("another-long-folder-" * 4) / "report"
    env = {**os.environ, "COLUMNS": "40"}
    done = subprocess.run([sys.executable, "-m", "emscope", "report", str(results_dir), "--out", str(out)],
                          capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert f"report: {out / REPORT_FILE}" in lines
    assert f"ranking: {out / 'ranking.png'}, {out / 'ranking.svg'}" in lines
