"""The report's methods box names the unit of replication and each test (issue 14 #2)."""

from __future__ import annotations

import pytest

from emscope.analysis.config import AnalyzeConfig
from emscope.analysis.run import AnalyzeInputs, analyze, write_results
from emscope.data.domains import DOMAINS
from emscope.report.run import ReportConfig, report
from tests.analysis import synthetic as syn


def test_methods_box_names_unit_of_replication_and_tests(tmp_path) -> None:
    study = syn.make_study(tmp_path / "study")
    categories = {n: DOMAINS.get(n).category for n in DOMAINS}
    results = analyze(AnalyzeConfig(bootstrap=200), AnalyzeInputs(judged=[study.judged], categories=categories))
    write_results(results, tmp_path / "results")
    html = report(ReportConfig(), tmp_path / "results").html.read_text(encoding="utf-8")
    assert "<b>Methods</b>" in html and "Unit of replication: the question" in html
    assert "cluster-robust (CR1) by question" in html and "Welch t-test and answer-level bootstrap: assume independent" in html
    paired = sum(t.paired_p is not None for t in results.tests)
    assert f"({paired} of {len(results.tests)} model × domain pairs)" in html
    if paired < len(results.tests):  # a missing sample_index is stated, never silently pooled
        assert "Fallback:" in html or any(t.paired_note for t in results.tests)
