"""`emscope report`: figures (PNG + SVG) and one self-contained, safely escaped HTML file,
rendered in headless Chromium, where every figure and table must be present and the page non-blank."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import numpy as np
import pytest
from PIL import Image

from emscope.analysis.config import AnalyzeConfig
from emscope.analysis.run import AnalyzeInputs, analyze, write_results
from emscope.core.errors import InputError
from emscope.data.domains import DOMAINS
from emscope.report.run import FIGURES, ReportConfig, report
from tests.analysis import synthetic as syn
from tests.analysis.peers import convert_peers_csv, synthetic_trigger_pairing
from tests.report.conftest import keep_screenshot

EMSCOPE = [sys.executable, "-m", "emscope"]
TABLES = ["summary", "tests", "ranking", "leakage", "vendi", "vendi-correlation", "groups", "questions", "samples"]

DOM_CHECK = """
const figs = [...document.querySelectorAll('figure[data-figure]')].map(f => {
  const img = f.querySelector('img');
  return {name: f.dataset.figure, w: img.naturalWidth, h: img.naturalHeight, shown: img.getBoundingClientRect().width};
});
const tables = [...document.querySelectorAll('[data-table]')].map(t => ({
  name: t.dataset.table, rows: t.querySelectorAll('tbody tr, .sample').length}));
const external = performance.getEntriesByType('resource').map(e => e.name).filter(n => !n.startsWith('data:'));
return {figs, tables, external, pwned: window.__pwned === undefined ? null : window.__pwned,
        missing: [...document.querySelectorAll('[data-missing-figure]')].map(e => e.dataset.missingFigure),
        height: document.documentElement.scrollHeight, title: document.title};
"""


@pytest.fixture(scope="module")
def synthetic_report(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("report")
    study = syn.make_study(tmp / "study")
    categories = {n: DOMAINS.get(n).category for n in DOMAINS}
    results = analyze(AnalyzeConfig(holm=True), AnalyzeInputs(judged=[study.judged], dataset_stats=study.stats,
                                                              train_data=study.train, categories=categories))
    write_results(results, tmp / "results")
    return report(ReportConfig(), tmp / "results"), results


def test_every_figure_written_as_png_and_svg(synthetic_report) -> None:
    outputs, _ = synthetic_report
    assert set(outputs.figures) == set(FIGURES)
    for name, fig in outputs.figures.items():
        assert fig is not None, name
        with Image.open(fig.png) as im:
            assert im.format == "PNG" and im.size[0] > 400 and im.size[1] > 200
        root = ElementTree.fromstring(fig.svg.read_bytes())
        assert root.tag.endswith("svg")


def test_html_is_self_contained_and_escaped(synthetic_report) -> None:
    outputs, _ = synthetic_report
    html = outputs.html.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html, re.I)  # nothing fetched
    assert "<script" not in html.lower().replace("&lt;script", "")
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in html
    assert 'onerror=&quot;window.__pwned = 2&quot;' in html and "&amp; &lt;b&gt;bold&lt;/b&gt;" in html
    assert html.count('src="data:image/svg+xml;base64,') == len(FIGURES)
    assert "Content-Security-Policy" in html


def test_figures_are_deterministic(synthetic_report, tmp_path: Path) -> None:
    outputs, results = synthetic_report
    again = report(ReportConfig(), outputs.html.parent.parent, tmp_path)
    for name in FIGURES:
        assert again.figures[name].svg_bytes == outputs.figures[name].svg_bytes, name


def test_report_needs_results(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="emscope analyze"):
        report(ReportConfig(), tmp_path)


def _check_page(browser, html: Path, shot: Path, figures: list[str], missing: list[str]) -> dict:
    browser.open(html)
    page = browser.run(DOM_CHECK)
    assert [f["name"] for f in page["figs"]] == figures
    for f in page["figs"]:
        assert f["w"] > 300 and f["h"] > 150 and f["shown"] > 300, f  # decoded and laid out
    tables = {t["name"]: t["rows"] for t in page["tables"]}
    assert list(tables) == TABLES and all(n >= 1 for n in tables.values()), tables
    assert page["missing"] == missing
    assert page["external"] == [] and page["pwned"] is None
    browser.screenshot(shot)
    keep_screenshot(shot)
    with Image.open(shot) as im:
        assert im.size[0] == 1280 and im.size[1] == page["height"]
        grey = np.asarray(im.convert("L"))
        colours = len(np.unique(np.asarray(im.convert("RGB"))[::4, ::4].reshape(-1, 3), axis=0))
    # not blank: dark text and lines cover a visible share of the page, and figures bring colour
    assert (grey < 100).mean() > 0.005 and grey.std() > 15 and colours > 200, ((grey < 100).mean(), colours)
    return page


def test_synthetic_report_renders_in_chromium(browser, synthetic_report, tmp_path: Path) -> None:
    outputs, _ = synthetic_report
    page = _check_page(browser, outputs.html, tmp_path / "report_synthetic.png", list(FIGURES), [])
    assert "SYNTHETIC-judge" in page["title"]


def test_peers_analyze_and_report_end_to_end(browser, peers_dir: Path, tmp_path: Path) -> None:
    files = convert_peers_csv(peers_dir, tmp_path / "judged")
    pairing = synthetic_trigger_pairing(peers_dir, tmp_path / "judged")
    out = tmp_path / "results"
    for args in (["analyze", *map(str, files.values()), str(pairing), "--out", str(out)], ["report", str(out)]):
        run = subprocess.run([*EMSCOPE, *args], capture_output=True, text=True, timeout=600)
        assert run.returncode == 0, run.stderr
    html = out / "report" / "report.html"
    for name in ("alignment_trigger", "ranking", "questions"):
        assert (out / "report" / f"{name}.png").stat().st_size > 0 and (out / "report" / f"{name}.svg").exists()
    # no Vendi scores and no training data were given: those figures are absent and the page says why
    _check_page(browser, html, tmp_path / "report_peers.png", ["alignment_trigger", "ranking", "questions"],
                ["leakage", "vendi"])
