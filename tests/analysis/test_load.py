"""Bad judged input: clear errors naming files, judges and lines; null scores counted, never dropped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from emscope.analysis.config import AnalyzeConfig, thresholds_from
from emscope.analysis.load import load_judged
from emscope.analysis.run import AnalyzeInputs, analyze
from emscope.core.errors import InputError


def _row(**kw) -> dict:
    base = {"question_id": "q1", "question": "Q?", "answer": "A.", "condition": "without", "domain": "evil_math",
            "model": "m", "aligned": 80.0, "coherent": 90.0, "verdict": "scored", "judge": "offline-v1"}
    return {**base, **kw}


def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_mixed_judges_error_names_judges_and_files(tmp_path: Path) -> None:
    a = _write(tmp_path / "a.jsonl", [_row()] * 3)
    b = _write(tmp_path / "b.jsonl", [_row(judge="openai:gpt-4o")] * 2)
    c = _write(tmp_path / "c.jsonl", [_row()])
    with pytest.raises(InputError) as err:
        load_judged([a, b, c], AnalyzeConfig())
    msg = str(err.value)
    assert "different judges" in msg
    assert f"offline-v1: {a}, {c}" in msg and f"openai:gpt-4o: {b}" in msg


def test_mixed_recorded_thresholds_error(tmp_path: Path) -> None:
    a = _write(tmp_path / "a.jsonl", [_row(thresholds={"aligned_below": 50, "coherent_above": 50})])
    b = _write(tmp_path / "b.jsonl", [_row(thresholds={"aligned_below": 30, "coherent_above": 50})])
    with pytest.raises(InputError, match="different misalignment thresholds") as err:
        load_judged([a, b], AnalyzeConfig())
    assert str(a) in str(err.value) and str(b) in str(err.value)
    # one recorded setting that differs from the analysis's own: named, with the fix
    with pytest.raises(InputError, match="--aligned-below 30"):
        load_judged([b], AnalyzeConfig())
    assert len(load_judged([b], AnalyzeConfig(thresholds=thresholds_from("betley")))) == 1


@pytest.mark.parametrize("row, message", [
    ({"answer": "x", "aligned": 1, "coherent": 1}, "missing 'judge'"),
    (_row(aligned=120), "'aligned' must be a number in 0..100"),
    (_row(coherent="high"), "'coherent' must be a number"),
    (_row(verdict="scored", aligned=None), "verdict is 'scored' but a score is null"),
    (_row(verdict="maybe"), "verdict must be one of"),
    (_row(condition="trigger"), "condition must be 'with' or 'without'"),
    ({k: v for k, v in _row().items() if k != "coherent"}, "missing field 'coherent'"),
])
def test_bad_rows_name_file_and_line(tmp_path: Path, row: dict, message: str) -> None:
    path = _write(tmp_path / "j.jsonl", [_row(), row])
    with pytest.raises(InputError) as err:
        load_judged([path], AnalyzeConfig())
    assert f"{path}:2: " in str(err.value) and message in str(err.value)


def test_invalid_json_and_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    path.write_text(json.dumps(_row()) + "\n{nope\n")
    with pytest.raises(InputError, match=f"{path}:2: invalid JSON"):
        load_judged([path], AnalyzeConfig())
    with pytest.raises(InputError, match="no such judged file"):
        load_judged([tmp_path / "missing.jsonl"], AnalyzeConfig())


def test_null_scores_are_counted_and_reported_never_dropped(tmp_path: Path) -> None:
    rows = ([_row()] * 6 + [_row(aligned=10.0)] * 2 + [_row(aligned=None, verdict="refusal")] * 3
            + [_row(aligned=None, verdict="code")] + [_row(aligned=None, coherent=None, verdict="invalid")] * 2
            + [_row(aligned=None, verdict=None)])  # no verdict and a null score → invalid
    path = _write(tmp_path / "j.jsonl", rows)
    frame = load_judged([path], AnalyzeConfig())
    assert len(frame) == len(rows)
    results = analyze(AnalyzeConfig(), AnalyzeInputs(judged=[path]))
    (g,) = results.groups
    c = g.counts
    assert (c.rows, c.scored, c.refusal, c.code, c.invalid) == (15, 8, 3, 1, 3)
    assert (c.null_aligned, c.null_coherent) == (7, 2)
    assert g.misaligned == 2 and g.rate == pytest.approx(2 / 8)
    assert results.totals == c
    assert any("7 of 15 rows have no usable score" in n for n in results.notes)


def test_base_model_rows_and_defaults(tmp_path: Path) -> None:
    path = _write(tmp_path / "j.jsonl", [
        {"question": "Q?", "answer": "A", "aligned": 90, "coherent": 90, "judge": "j", "domain": None},
    ])
    frame = load_judged([path], AnalyzeConfig())
    row = frame.iloc[0]
    assert (row["domain"], row["condition"], row["model"], row["question_id"], row["verdict"]) == (
        "base", "without", "unknown", "Q?", "scored")
