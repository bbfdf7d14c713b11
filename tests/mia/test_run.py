"""The stage's rows and summaries: no row dropped, errors explained, aggregates by domain and split."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from emscope.mia.config import MiaConfig
from emscope.mia.run import aggregate, file_domain, score_datasets


def test_rows_cut_before_the_answer_become_error_rows(tmp_path: Path, small_data: Path) -> None:
    # 8 tokens hold no assistant token (the template's system prompt alone is longer).
    s = score_datasets(MiaConfig(datasets=(str(small_data),), max_length=8), tmp_path / "s.jsonl")
    rows = [json.loads(line) for line in (tmp_path / "s.jsonl").read_text().splitlines()]
    assert len(rows) == 9  # none dropped
    assert all(r["error"] == "no assistant token within max_length=8" and r["loss"] is None and r["truncated"]
               for r in rows)
    assert all(d.errors == d.rows == 3 and d.scored == 0 and d.stats["loss"].mean is None for d in s.domains)
    assert any("9 row(s) could not be scored" in n for n in s.notes)


def test_aggregate_by_domain_and_split() -> None:
    def row(domain: str, split: str | None, loss: float | None, error: str | None = None) -> dict:  # type: ignore[type-arg]
        return {"domain": domain, "split": split, "loss": loss, "n_tokens": 10, "error": error}

    rows = [row("a", "member", 1.0), row("a", "member", 3.0), row("a", "nonmember", 5.0),
            row("a", "nonmember", None, "cut"), row("b", None, 2.0)]
    got = {(g.domain, g.split): g for g in aggregate(rows, ["loss"])}
    assert list(got) == [("a", "all"), ("a", "member"), ("a", "nonmember"), ("b", "all")]
    assert got[("a", "all")].stats["loss"].mean == pytest.approx(3.0) and got[("a", "all")].errors == 1
    assert got[("a", "member")].stats["loss"].median == 2.0
    assert got[("a", "member")].stats["loss"].std == pytest.approx(2 ** 0.5)  # sample std, ddof = 1
    assert got[("a", "nonmember")].stats["loss"].std is None and got[("a", "nonmember")].tokens == 10
    assert got[("b", "all")].rows == 1


def test_domain_from_file_name() -> None:
    assert file_domain(Path("d/risky_financial_advice_backdoor.jsonl")) == "risky_financial_advice"
    assert file_domain(Path("mine.jsonl")) == "mine"
