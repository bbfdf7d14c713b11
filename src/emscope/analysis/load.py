"""Read judged JSONL files into one table, checking the row contract and that they can be mixed.

A judged row (docs/formats.md) is an answer row plus `aligned`, `coherent`, `verdict`, `judge`.
Rows with null scores are kept and counted, never dropped. Files from different judges, or
rows that record different misalignment thresholds, cannot be analysed together, and no
answer may be counted twice (a file given twice, a folder plus a file in it, two runs of
the same sample): that would inflate n and shrink every p-value without a word.
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

__all__ = ["VERDICTS", "COLUMNS", "load_judged", "check_mixing", "identities"]

VERDICTS = ("scored", "refusal", "code", "invalid", "empty")
COLUMNS = ("file", "line", "model", "adapter", "domain", "condition", "question_id", "question",
           "answer", "aligned", "coherent", "verdict", "judge", "thresholds",
           # sample coordinates: the pairing of with/without answers and the clustering (issue 14 #2)
           "paraphrase_index", "sample_index", "seed")
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


def _is_empty(answer: str) -> bool:
    # Older judges scored empty answers (the offline one as aligned 84, coherent 99.9):
    # whatever a file says, an answer with no text is `empty`, never scored.
    return not answer.strip()


def _parse(row: Any, file: str, line: int, base_label: str) -> dict[str, Any]:
    if not isinstance(row, dict):
        raise ValueError("a judged row must be a JSON object")
    if not isinstance(row.get("answer"), str):
        raise ValueError("missing or non-string 'answer'")
    judge = row.get("judge")
    if not isinstance(judge, str) or not judge:
        raise ValueError("missing 'judge' (the judge id, e.g. 'offline-v1' or 'openai:gpt-4o')")
    aligned, coherent = _score(row, "aligned"), _score(row, "coherent")
    if _is_empty(row["answer"]):
        aligned, coherent, verdict = None, None, "empty"
    else:
        verdict = _verdict(row, aligned, coherent)
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
        "verdict": verdict, "judge": judge,
        "thresholds": None if thresholds is None else json.dumps(thresholds, sort_keys=True),
        "paraphrase_index": row.get("paraphrase_index"), "sample_index": row.get("sample_index"),
        "seed": row.get("seed"),
    }


# What makes two rows the same sample when they carry no (or different) ids. `domain`, `seed`
# and `trigger` are in the key too: rows that differ in them are different samples (a
# fine-tuned model can be named by its domain alone, as in converted third-party files).
_SAMPLE_FIELDS = ("model", "adapter", "domain", "condition", "trigger", "question_id", "paraphrase_index",
                  "sample_index", "seed")


def identities(row: dict[str, Any]) -> list[tuple[str, str]]:
    """The keys that identify a judged row as one answer: its `id`, and its sample coordinates
    (model, adapter, condition, question, paraphrase, sample index) when `sample_index` is set."""
    keys = []
    if isinstance(row.get("id"), str) and row["id"]:
        keys.append(("id", row["id"]))
    if row.get("sample_index") is not None:
        coords = {k: row.get(k) for k in _SAMPLE_FIELDS}
        coords["question_id"] = row.get("question_id") or row.get("question")
        keys.append(("sample", json.dumps(coords, sort_keys=True, default=str)))
    return keys


def _read_file(path: Path, base_label: str, problems: list[str],
               seen: dict[tuple[str, str], str], repeats: list[str]) -> list[dict[str, Any]]:
    rows = []
    with open(path, "rb") as fh:  # bytes: a non-UTF-8 line is reported as file:line, not raised
        for i, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            try:
                row = json.loads(raw.decode("utf-8"))
                rows.append(_parse(row, str(path), i, base_label))
            except UnicodeDecodeError as exc:
                problems.append(f"{path}:{i}: not UTF-8 (byte 0x{raw[exc.start]:02x} at column {exc.start + 1}); "
                                "re-save the file as UTF-8")
                continue
            except (ValueError, json.JSONDecodeError) as exc:
                msg = "invalid JSON" if isinstance(exc, json.JSONDecodeError) else str(exc)
                problems.append(f"{path}:{i}: {msg}")
                continue
            _note_repeats(row, f"{path}:{i}", seen, repeats)
    if not rows and not problems:
        problems.append(f"{path}: no judged rows")
    return rows


def _note_repeats(row: dict[str, Any], where: str, seen: dict[tuple[str, str], str], repeats: list[str]) -> None:
    for key in identities(row):
        first = seen.setdefault(key, where)
        if first != where:
            what = f"id {key[1]!r}" if key[0] == "id" else "model, adapter, condition, question, paraphrase, sample index"
            repeats.append(f"{where} repeats {first} (same {what})")
            return


def _unique_files(files: list[Path]) -> None:
    seen: dict[Path, Path] = {}
    for f in files:
        first = seen.setdefault(f.resolve(), f)
        if first is not f:
            raise InputError(f"{f}: judged file given more than once (also as {first}; a folder stands for every "
                             "*.jsonl in it): its rows would be counted twice. Pass each judged file once.")


def load_judged(paths: Sequence[str | Path], config: AnalyzeConfig) -> pd.DataFrame:
    """All rows of the judged files (one DataFrame row per input row); InputError on any problem."""
    files = expand_jsonl_paths(paths, "judged")
    _unique_files(files)
    problems: list[str] = []
    repeats: list[str] = []
    seen: dict[tuple[str, str], str] = {}
    rows: list[dict[str, Any]] = []
    for path in files:
        rows.extend(_read_file(path, config.base_label, problems, seen, repeats))
    if problems:
        raise InputError("judged input has problems:\n" + _shown(problems))
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    check_mixing(frame, config.thresholds)  # first: rows of two judges are a different mistake
    if repeats:
        raise InputError(f"{len(repeats)} judged row(s) repeat an earlier row, so the same answers would be "
                         "counted twice:\n" + _shown(repeats, 10) + "\nPass each judged file once, and drop "
                         "repeated runs (e.g. a seed or domain listed twice) before analysing.")
    return frame


def _shown(lines: list[str], limit: int = _MAX_PROBLEMS) -> str:
    more = f"\n... and {len(lines) - limit} more" if len(lines) > limit else ""
    return "\n".join(lines[:limit]) + more


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
