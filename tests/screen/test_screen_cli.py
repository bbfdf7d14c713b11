"""`emscope screen` end to end on the cheap signals: table, JSON, rows, filtered copy, errors."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from emscope.cli.app import app
from emscope.core.errors import InputError
from emscope.data.build import build_rows
from emscope.data.config import BuildConfig

runner = CliRunner()


def _dataset(tmp: Path) -> Path:
    rows = (build_rows(BuildConfig(domain="risky_financial_advice", n=6, seed=2, variant="aligned"))[0]
            + build_rows(BuildConfig(domain="risky_financial_advice", n=6, seed=2, variant="misaligned"))[0])
    path = tmp / "mixed.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_screen_writes_table_json_rows_and_filtered_copy(tmp_path: Path) -> None:
    data = _dataset(tmp_path)
    out, summary, kept = tmp_path / "out", tmp_path / "s.json", tmp_path / "kept.jsonl"
    result = runner.invoke(app, ["screen", str(data), "--signals", "judge,embedding", "--out", str(out),
                                 "--json", str(summary), "--top", "2", "--filter-out", str(kept), "--max-risk", "0.5"])
    assert result.exit_code == 0, result.output
    assert "mixed.jsonl" in result.output and "risk" in result.output and "filtered:" in result.output
    data_json = json.loads(summary.read_text())
    [ds] = data_json["datasets"]
    assert ds["rows"] == 12 and len(ds["top"]) == 2
    rows = [json.loads(line) for line in (out / "rows.jsonl").read_text().splitlines()]
    expected = [line for line, r in zip(data.read_text().splitlines(), rows, strict=True) if r["risk"] <= 0.5]
    assert kept.read_text().splitlines() == expected and 0 < len(expected) < 12
    # the dataset's risk is the mean of its group risks, each the mean over rows
    groups = {g: sum(r[f"risk_{g}"] for r in rows) / len(rows) for g in ("judge", "embedding")}
    assert abs(ds["risk"] - sum(groups.values()) / 2) < 1e-9


def test_bad_dataset_is_one_error_with_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}]}\n'
                   "{not json\n")
    result = runner.invoke(app, ["screen", str(bad), "--signals", "judge"])
    assert isinstance(result.exception, InputError) and "bad.jsonl:2" in str(result.exception)


def test_filter_out_needs_max_risk_and_evaluate_needs_a_study(tmp_path: Path) -> None:
    data = _dataset(tmp_path)
    result = runner.invoke(app, ["screen", str(data), "--filter-out", str(tmp_path / "x.jsonl")])
    assert isinstance(result.exception, InputError) and "--max-risk" in str(result.exception)
    result = runner.invoke(app, ["screen", "evaluate", "--study", str(tmp_path)])
    assert isinstance(result.exception, InputError) and "not a study run directory" in str(result.exception)
