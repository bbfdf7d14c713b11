"""`emscope mia` and `emscope mia predict` end to end on small built datasets with the bundled model."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from emscope.cli.app import app
from emscope.mia.schema import read_scores

runner = CliRunner()


def test_score_then_predict(tmp_path: Path, small_data: Path, holdout_data: Path) -> None:
    out = tmp_path / "scores.jsonl"
    args = ["mia", "--dataset", str(small_data), "--holdout", str(holdout_data),
            "--reference", "smollm2-135m-instruct", "--out", str(out), "--batch-tokens", "2048"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == 12 and all(r["error"] is None and r["n_tokens"] > 0 for r in rows)
    assert {r["split"] for r in rows} == {"member", "nonmember"}
    summary = read_scores(out)
    assert {d.domain for d in summary.domains} == {"incorrect_math", "risky_financial_advice", "bad_medical_advice"}
    math_groups = {d.split: d for d in summary.domains if d.domain == "incorrect_math"}
    assert set(math_groups) == {"all", "member", "nonmember"} and math_groups["all"].rows == 6
    assert {m.domain for m in summary.membership} == {"incorrect_math"}
    assert "mean per domain" in result.output and "scored tokens/s" in result.output

    before = out.read_bytes(), (tmp_path / "scores.domains.json").read_bytes()
    again = runner.invoke(app, args[:-2] + ["--batch-tokens", "512"])  # speed-only change: same key, cached
    assert again.exit_code == 0, again.output
    assert "cached:" in again.output
    assert (out.read_bytes(), (tmp_path / "scores.domains.json").read_bytes()) == before

    rates = tmp_path / "rates.json"
    rates.write_text(json.dumps({"incorrect_math": 0.0, "risky_financial_advice": 0.6, "bad_medical_advice": 0.4,
                                 "evil_math": 0.2}))
    pred = runner.invoke(app, ["mia", "predict", "--scores", str(out), "--rates", str(rates), "--column", "loss",
                               "--column", "minkpp", "--bootstrap", "200", "--json", str(tmp_path / "p.json"),
                               "--figures", str(tmp_path / "fig")])
    assert pred.exit_code == 0, pred.output
    assert "Spearman" in pred.output and "no MIA scores for evil_math" in pred.output
    data = json.loads((tmp_path / "p.json").read_text())
    assert [p["column"] for p in data["predictors"]] == ["loss", "minkpp"] and data["predictors"][0]["n"] == 3
    assert (tmp_path / "fig" / "roc.png").is_file() and (tmp_path / "fig" / "scatter_minkpp.png").is_file()
    _predict_json_feeds_the_report(tmp_path, out)


def _predict_json_feeds_the_report(tmp_path: Path, scores: Path) -> None:
    """`emscope mia predict --json` writes what `emscope report --mia` reads (issue 15: they disagreed on kind)."""
    domains = ("incorrect_math", "risky_financial_advice", "bad_medical_advice")
    rows = [{"question_id": f"q{i % 3}", "question": "Q?", "answer": f"answer {i}", "condition": cond, "domain": d,
             "model": "m", "aligned": 10.0 + (i * 7 + 13 * k) % 80, "coherent": 80.0, "verdict": "scored",
             "judge": "offline-v1"} for k, d in enumerate(domains) for i in range(12) for cond in ("with", "without")]
    judged = tmp_path / "judged.jsonl"
    judged.write_text("".join(json.dumps(r) + "\n" for r in rows))
    analyzed = runner.invoke(app, ["analyze", str(judged), "--out", str(tmp_path / "analysis")])
    assert analyzed.exit_code == 0, analyzed.output
    pred = runner.invoke(app, ["mia", "predict", "--scores", str(scores), "--rates",
                               str(tmp_path / "analysis" / "results.json"), "--bootstrap", "200",
                               "--json", str(tmp_path / "cli_predictors.json")])
    assert pred.exit_code == 0, pred.output
    data = json.loads((tmp_path / "cli_predictors.json").read_text())
    assert data["kind"] == "emscope.mia.predictors" and data["settings"]["resamples"] == 200
    assert set(data["rates"]) == set(domains) and {d["domain"] for d in data["domains"]} == set(domains)
    shown = runner.invoke(app, ["report", str(tmp_path / "analysis"), "--out", str(tmp_path / "report"),
                                "--mia", str(tmp_path / "cli_predictors.json")])
    assert shown.exit_code == 0, shown.output
    html = (tmp_path / "report" / "report.html").read_text()
    assert 'data-table="mia_predictors"' in html and 'data-table="mia_domains"' in html
    assert "Membership inference as a predictor" in html


def test_bad_input_is_one_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"messages": [{"role": "user", "content": "hi"}]}\n')
    result = runner.invoke(app, ["mia", "--dataset", str(bad), "--out", str(tmp_path / "s.jsonl")])
    assert result.exit_code != 0
    assert "bad.jsonl:1: no final assistant turn" in str(result.exception)
    missing = runner.invoke(app, ["mia", "--dataset", str(tmp_path / "nope.jsonl"), "--out", str(tmp_path / "s.jsonl")])
    assert "nope.jsonl: no such dataset file" in str(missing.exception)
