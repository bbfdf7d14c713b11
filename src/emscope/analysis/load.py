"""Read judged JSONL files into one table, checking the row contract and that they can be mixed.

A judged row (docs/formats.md) is an answer row plus `aligned`, `coherent`, `verdict`, `judge`.
Rows with null scores are kept and counted, never dropped. Files from different judges, or
rows that record different misalignment thresholds, cannot be analysed together.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from emscope.analysis.config import AnalyzeConfig, Thresholds
from emscope.core.errors import InputError
from emscope.core.io import expand_jsonl_paths

__all__ = ["VERDICTS", "COLUMNS", "load_judged", "check_mixing"]

VERDICTS = ("scored", "refusal", "code", "invalid")
COLUMNS = ("file", "line", "model", "adapter", "domain", "condition", "question_id", "question",
           "answer", "aligned", "coherent", "verdict", "judge", "thresholds")
_MAX_PROBLEMS = 20


def _score(row: dict[str, Any], name: str) -> float | None:
    if name not in row:
        raise ValueError(f"missing field '{name}' (judged rows need aligned and coherent, null allowed)")
    v = row[name]
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, (int, float)) or math.isnan(v) or not 0.0 <= v <= 100.0:
        raise ValueError(f"'{name}' must be a number in 0..100 or null, got {v!r}")
    return float(v)


def _verdict(row: dict[str, Any], aligned: float | None, coherent: float | None) -> str:
    v = row.get("verdict")
    both = aligned is not None and coherent is not None
    if v is None:
        return "scored" if both else "invalid"
    if v not in VERDICTS:
        raise ValueError(f"verdict must be one of {', '.join(VERDICTS)}, got {v!r}")
    if v == "scored" and not both:
        raise ValueError("verdict is 'scored' but a score is null")
    return v


def _parse(row: Any, file: str, line: int, base_label: str) -> dict[str, Any]:
    if not isinstance(row, dict):
        raise ValueError("a judged row must be a JSON object")
    if not isinstance(row.get("answer"), str):
        raise ValueError("missing or non-string 'answer'")
    judge = row.get("judge")
    if not isinstance(judge, str) or not judge:
        raise ValueError("missing 'judge' (the judge id, e.g. 'offline-v1' or 'openai:gpt-4o')")
    aligned, coherent = _score(row, "aligned"), _score(row, "coherent")
    condition = row.get("condition") or "without"
    if condition not in ("with", "without"):
        raise ValueError(f"condition must be 'with' or 'without', got {condition!r}")
    qid = row.get("question_id") or row.get("question")
    if not isinstance(qid, str) or not qid:
        raise ValueError("missing 'question_id' (and no 'question' to stand in for it)")
    thresholds = row.get("thresholds")
    return {
        "file": file, "line": line, "model": str(row.get("model") or "unknown"),
        "adapter": row.get("adapter"), "domain": str(row.get("domain") or base_label),
        "condition": condition, "question_id": qid, "question": str(row.get("question") or ""),
        "answer": row["answer"], "aligned": aligned, "coherent": coherent,
        "verdict": _verdict(row, aligned, coherent), "judge": judge,
        "thresholds": None if thresholds is None else json.dumps(thresholds, sort_keys=True),
    }


def _read_file(path: Path, base_label: str, problems: list[str]) -> list[dict[str, Any]]:
    rows = []
    with open(path, encoding="utf-8", newline="") as fh:
        for i, text in enumerate(fh, 1):
            if not text.strip():
                continue
            try:
                rows.append(_parse(json.loads(text), str(path), i, base_label))
            except (ValueError, json.JSONDecodeError) as exc:
                msg = "invalid JSON" if isinstance(exc, json.JSONDecodeError) else str(exc)
                problems.append(f"{path}:{i}: {msg}")
    if not rows and not problems:
        problems.append(f"{path}: no judged rows")
    return rows


def load_judged(paths: Sequence[str | Path], config: AnalyzeConfig) -> pd.DataFrame:
    """All rows of the judged files (one DataFrame row per input row); InputError on any problem."""
    files = expand_jsonl_paths(paths, "judged")
    problems: list[str] = []
    rows: list[dict[str, Any]] = []
    for path in files:
        rows.extend(_read_file(path, config.base_label, problems))
    if problems:
        more = f"\n... and {len(problems) - _MAX_PROBLEMS} more" if len(problems) > _MAX_PROBLEMS else ""
        raise InputError("judged input has problems:\n" + "\n".join(problems[:_MAX_PROBLEMS]) + more)
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    check_mixing(frame, config.thresholds)
    return frame


def _by_value(frame: pd.DataFrame, column: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    for value, file in frame[["file", column]].drop_duplicates()[[column, "file"]].itertuples(index=False):
        if value is not None:
            found[value].append(file)
    return found


def _listing(found: dict[str, list[str]]) -> str:
    return "\n".join(f"  {value}: {', '.join(sorted(files))}" for value, files in sorted(found.items()))


def check_mixing(frame: pd.DataFrame, thresholds: Thresholds) -> None:
    """InputError naming judges/thresholds and their files when the rows cannot be analysed together."""
    judges = _by_value(frame, "judge")
    if len(judges) > 1:
        raise InputError(
            "judged files come from different judges and cannot be analysed together "
            "(scores from different judges are not comparable):\n" + _listing(judges)
            + "\nAnalyse each judge separately, or re-judge every file with the same judge.")
    recorded = _by_value(frame, "thresholds")
    if len(recorded) > 1:
        raise InputError("judged files record different misalignment thresholds:\n" + _listing(recorded)
                         + "\nAnalyse files with the same threshold settings together.")
    for value, files in recorded.items():
        try:
            rec = Thresholds.model_validate(json.loads(value))
        except ValueError as exc:
            raise InputError(f"unreadable 'thresholds' {value} in {', '.join(files)}: {exc}") from exc
        if rec != thresholds:
            raise InputError(
                f"judged files record thresholds ({rec.label()}) but this analysis uses "
                f"({thresholds.label()}): {', '.join(sorted(files))}. Pass --aligned-below "
                f"{rec.aligned_below:g} --coherent-above {rec.coherent_above:g} to match them.")
