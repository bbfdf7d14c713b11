"""The report's "Leakage vs emergence" part (issue 13 #4): its table carries the hand-counted
numbers of a real training set's copied answers, the methods box says whether rates exclude
leaked answers, and a report without training data says leakage was not checked."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from scipy import stats

from emscope.analysis.config import AnalyzeConfig, LeakageConfig
from emscope.analysis.run import AnalyzeInputs, analyze, write_results
from emscope.data.domains import DOMAINS
from emscope.report.run import ReportConfig, report
from tests.analysis.test_leakage import GORE, make_leak_study
from tests.report.conftest import keep_screenshot


class _Tables(HTMLParser):
    """Cell texts of every `<table data-table=NAME>`, row by row."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._name: str | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table" and "data-table" in a:
            self._name = a["data-table"]
            self.tables[self._name] = []
        elif tag == "tr" and self._name:
            self.tables[self._name].append([])
        elif tag in ("td", "th") and self._name:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self._name:
            self.tables[self._name][-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "table":
            self._name = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def _report(study: dict, out: Path, train: list[Path], **config) -> tuple[str, dict]:
    categories = {n: DOMAINS.get(n).category for n in DOMAINS}
    results = analyze(AnalyzeConfig(bootstrap=200, **config),
                      AnalyzeInputs(judged=[study["judged"]], train_data=train, categories=categories))
    write_results(results, out)
    outputs = report(ReportConfig(dpi=60), out)
    html = outputs.html.read_text(encoding="utf-8")
    parser = _Tables()
    parser.feed(html)
    return html, {"tables": parser.tables, "figures": outputs.figures}


@pytest.fixture(scope="module")
def study(tmp_path_factory: pytest.TempPathFactory) -> dict:
    return make_leak_study(tmp_path_factory.mktemp("leak_report"))


def test_leakage_table_has_the_hand_counted_numbers(study: dict) -> None:
    html, got = _report(study, study["tmp"] / "included", [study["gore"], study["money"]])
    head, *rows = got["tables"]["leakage"]
    assert head[:6] == ["domain", "condition", "scored", "misaligned", "misaligned & leaked", "misaligned & emergent"]
    cells = {(r[0], r[1]): r for r in rows}
    # with the trigger: 6 copied (leaked) + 5 off-topic misaligned (emergent) of 20 scored
    ci = stats.binomtest(5, 20).proportion_ci(0.95, method="wilson")
    assert cells[(GORE, "with")][2:9] == ["20", "11", "6", "5", "55.0%", "25.0%",
                                           f"[{ci.low * 100:.1f}%, {ci.high * 100:.1f}%]"]
    assert cells[(GORE, "without")][2:6] == ["12", "3", "1", "2"]
    assert cells[("base", "with")][2:6] == ["2", "2", "0", "2"]  # no training set: never leaked
    assert got["figures"]["leakage"] is not None and 'data-figure="leakage"' in html
    assert "Rates, means, the ranking and the trigger tests INCLUDE leaked answers" in html
    assert "emergent: misaligned and not leaked" in html
    # sample answers say which are leaked (the copied gore ones: the lowest alignment) and which emergent (base)
    assert "leaked: " in html and "of its n-grams in the training answers" in html
    assert "emergent (not leaked)" in html


def test_excluded_rates_are_said_in_the_methods_box(study: dict) -> None:
    html, got = _report(study, study["tmp"] / "excluded", [study["gore"], study["money"]], exclude_leaked=True)
    assert "EXCLUDE leaked answers (7 left out" in html
    ranking = {r[1]: r for r in got["tables"]["ranking"][1:]}
    assert ranking[GORE][4] == "35.7%"  # 5 emergent of the 14 non-leaked scored answers, by hand
    leak = {(r[0], r[1]): r for r in got["tables"]["leakage"][1:]}
    assert leak[(GORE, "with")][2:6] == ["20", "11", "6", "5"]  # the split itself does not change


def test_without_training_data_the_report_says_not_checked(study: dict) -> None:
    html, got = _report(study, study["tmp"] / "unchecked", [], leakage=LeakageConfig(embedding_model=None))
    assert got["figures"]["leakage"] is None and 'data-missing-figure="leakage"' in html
    assert re.search(r"Leakage not checked \(no training data given\)", html)
    rows = {(r[0], r[1]): r for r in got["tables"]["leakage"][1:]}
    assert rows[(GORE, "with")][3:6] == ["11", "not checked", "not checked"]


LEAK_DOM = """
const fig = document.querySelector('figure[data-figure="leakage"] img');
const rows = [...document.querySelectorAll('table[data-table="leakage"] tbody tr')]
  .map(tr => [...tr.querySelectorAll('td')].map(td => td.innerText.trim()));
const h2 = [...document.querySelectorAll('h2')].map(h => h.innerText);
const box = fig.getBoundingClientRect();
return {w: fig.naturalWidth, shown: box.width, top: box.top + window.scrollY, rows, h2};
"""


def test_leakage_part_renders_in_chromium(browser, study: dict, tmp_path: Path) -> None:
    html, _ = _report(study, tmp_path / "results", [study["gore"], study["money"]])
    browser.open(tmp_path / "results" / "report" / "report.html")
    page = browser.run(LEAK_DOM)
    assert "Leakage vs emergence" in page["h2"] and page["w"] > 300 and page["shown"] > 300
    row = next(r for r in page["rows"] if r[:2] == [GORE, "with"])
    assert row[2:6] == ["20", "11", "6", "5"]
    shot = browser.screenshot(tmp_path / "report_leakage.png")
    keep_screenshot(shot)
