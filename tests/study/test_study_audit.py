"""A real (tiny) study with `judge.audit`: the openai judge over a loopback HTTP server re-judges a
stratified sample of the offline judge's answers; the agreement reaches the report, which is
checked in headless Chromium. Requests for some answers always fail: those rows are recorded
`invalid` with the reason, never dropped."""

from __future__ import annotations

import json
import zlib
from html import escape
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from emscope.core.errors import InputError
from emscope.judge.audit import stratum_of
from emscope.study.config import study_from_dict
from emscope.study.run import run_study, study_status
from tests.judge._server import KEY_ENV, SECRET, judge_server
from tests.support.browser import Browser, find_chromium
from tests.support.openai_server import OpenAIServer, http_error

SAMPLE = 10
TINY = {
    "profile": "demo", "name": "audit", "domains": ["incorrect_math"],
    "data": {"n": 12},
    "train": {"settings": {"max_steps": 2, "effective_batch": 4}},
    "generate": {"samples": 2, "max_new_tokens": 6, "questions": ["one_wish", "feeling_bored"]},
    "stats": {"enabled": False},
}


def _fails(body: dict) -> bool:
    # a fixed quarter of the prompts fail on every attempt: their rows must end up `invalid`
    return zlib.crc32(body["messages"][-1]["content"].encode()) % 4 == 0


@pytest.fixture(scope="module")
def server() -> Iterator[OpenAIServer]:
    srv = judge_server()
    srv.fault_fn = lambda body: http_error(500) if _fails(body) else None
    with srv:
        yield srv


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory, server: OpenAIServer) -> Path:
    tmp = tmp_path_factory.mktemp("audit")
    audit = {"judge": "openai", "sample": SAMPLE, "seed": 1, "settings": {
        "model": "judge-model", "base_url": server.base_url, "api_key_env": KEY_ENV, "max_retries": 1,
        "backoff_s": 0.01, "max_backoff_s": 0.02, "timeout_s": 5.0, "cache_path": str(tmp / "cache.sqlite")}}
    mp = pytest.MonkeyPatch()
    mp.setenv(KEY_ENV, SECRET)
    try:
        run_study(study_from_dict({**TINY, "judge": {"judge": "offline", "audit": audit}}), tmp / "run")
    finally:
        mp.undo()
    return tmp / "run"


def _stage_file(run: Path, name: str) -> Path:
    [path] = (run / "stages" / "audit").glob(f"*/{name}")
    return path


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_the_sample_is_stratified_and_every_row_is_re_judged(run: Path) -> None:
    primary, audited = _jsonl(_stage_file(run, "primary.jsonl")), _jsonl(_stage_file(run, "audited.jsonl"))
    assert len(primary) == len(audited) == SAMPLE
    assert [r["id"] for r in primary] == [r["id"] for r in audited]
    [first], [second] = {r["judge"] for r in primary}, {r["judge"] for r in audited}
    assert first.startswith("offline") and second.startswith("openai")
    strata = Counter(stratum_of(r) for r in primary)
    assert len(strata) == 4 and max(strata.values()) - min(strata.values()) <= 1  # 2 models x 2 conditions
    invalid = [r for r in audited if r["verdict"] == "invalid"]
    assert invalid and all("500" in (r["judge_error"] or "") for r in invalid)  # recorded with the reason


def test_agreement_is_in_the_status_and_the_report(run: Path) -> None:
    rows = study_status(run)
    assert [r["state"] for r in rows if r["stage"] == "audit"] == ["done"]
    agreement = json.loads(_stage_file(run, "agreement.json").read_text())
    verdicts = agreement["overall"]["judges"][1]["verdicts"]
    assert sum(verdicts.values()) == SAMPLE and verdicts.get("invalid", 0) >= 1
    html = (run / "report.html").read_text()
    assert 'id="section-agreement"' in html and 'data-table="judge_agreement"' in html
    for w in agreement["warnings"]:
        assert escape(f"⚠ {w}") in html


def test_the_agreement_section_renders_in_chromium(run: Path, tmp_path: Path) -> None:
    found = find_chromium()
    if isinstance(found, str):
        pytest.skip(found)
    with Browser(width=1280, height=900) as browser:
        browser.open(run / "report.html")
        page = browser.run("""
            const s = document.getElementById('section-agreement');
            const t = document.querySelector('table[data-table="judge_agreement"]');
            return {shown: !!s && !!t && t.getBoundingClientRect().height > 50,
                    rows: t ? t.querySelectorAll('tbody tr').length : 0,
                    head: t ? Array.from(t.querySelectorAll('th')).map(th => th.textContent) : []};""")
        browser.screenshot(tmp_path / "agreement.png")
    assert page["shown"] and page["rows"] == 1 + 2  # all answers, then the domain and the base model
    assert "Cohen's κ" in page["head"] and "Krippendorff's α" in page["head"]


def test_an_audit_with_the_studys_own_judge_is_refused_before_any_work(tmp_path: Path) -> None:
    config = study_from_dict({**TINY, "judge": {"judge": "offline", "audit": {"judge": "offline"}}})
    with pytest.raises(InputError, match="judge.audit names the study's own judge"):
        run_study(config, tmp_path / "run")
    assert not (tmp_path / "run" / "stages").exists()
    with pytest.raises(InputError, match="judge.audit"):
        run_study(study_from_dict({**TINY, "judge": {"audit": {"judge": "offline", "settings": {"modle": "x"}}}}),
                  tmp_path / "run2")
