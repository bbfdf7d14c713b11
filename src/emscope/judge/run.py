"""The judge stage's entry point: judge an answers file into a judged file, resumably.

Output rows are the input rows plus the judge's fields (docs/formats.md), one per input
row, in input order. Rows are appended to `OUTPUT.partial` as soon as they and all rows
before them are judged, and the file is renamed to OUTPUT when complete, so a reader never
mistakes a half-judged file for a finished one.

Resuming needs no extra fields: an output row *contains* its input row, so the output's
line i is accepted as done when its non-judge fields hash to the same value as input line
i and its `judge` is this judge. A torn last line (the process killed mid-write) is cut
off. Rows judged but not yet written when the process died are in the judge cache, so the
re-run gets them for free.

One writer per output: the whole write holds `output_lock(OUTPUT)`, so a second run on the
same path stops at once (naming the first one's PID) instead of interleaving rows. An input
with no rows, or an output that is the input itself, is refused before anything is written.
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from emscope.core.errors import InputError
from emscope.core.io import dumps_row
from emscope.core.lock import output_lock
from emscope.core.keys import canonical_json
from emscope.judge.base import JUDGE_FIELDS, Judge, JudgeInput, Judgement
from emscope.judge.config import JudgeConfig
from emscope.judge.registry import make_judge, open_cache

__all__ = ["JudgeReport", "run", "judge_file", "row_digest", "read_answers"]

CHUNK = 1024  # items handed to a judge at once: keeps memory flat, keeps an API pool busy
FLUSH_S = 1.0  # at most this long between fsyncs of finished rows


@dataclass
class JudgeReport:
    """What a run did."""

    output: Path
    judge: str
    rows: int = 0
    resumed: int = 0  # rows already in the output from an earlier run
    judged: int = 0  # rows judged by this run (from the cache or the backend)
    cached: int = 0  # of those, answered entirely from the cache
    verdicts: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0


def row_digest(row: dict[str, Any]) -> str:
    """Identity of an answer row: its fields other than the judge's, canonically serialised."""
    return canonical_json({k: v for k, v in row.items() if k not in JUDGE_FIELDS})


def _lines(path: Path) -> list[bytes]:
    """The file's lines as bytes, split on "\n" only (as split_jsonl), so each decodes on its own."""
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        raise InputError(f"{path} is a folder; --input takes one answers file (JSONL)") from None
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return [line.removesuffix(b"\r") for line in lines]


def _answer_problem(row: Any) -> str | None:
    if not isinstance(row, dict):
        return "not a JSON object"
    missing = [k for k in ("question", "answer") if k not in row]
    if missing:
        return f"missing {' and '.join(repr(m) for m in missing)}"
    if not isinstance(row["question"], str) or not (row["answer"] is None or isinstance(row["answer"], str)):
        return "'question' must be a string and 'answer' a string or null"
    return None


def read_answers(path: Path) -> list[dict[str, Any]]:
    """Answer rows (blank lines skipped); every problem reported as file:line.

    An input without rows is an error too: a judged file must never be written empty.
    """
    rows: list[dict[str, Any]] = []
    problems: list[str] = []
    for number, raw in enumerate(_lines(path), 1):
        if not raw.strip():
            continue
        try:
            row = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            problems.append(f"{path}:{number}: not UTF-8 (byte 0x{raw[exc.start]:02x} at column {exc.start + 1}); "
                            "re-save the file as UTF-8")
            continue
        except ValueError as exc:
            problems.append(f"{path}:{number}: invalid JSON ({exc})")
            continue
        if (problem := _answer_problem(row)) is not None:
            problems.append(f"{path}:{number}: {problem}")
            continue
        rows.append(row)
    if problems:
        shown = "\n".join(problems[:10]) + (f"\n... and {len(problems) - 10} more" if len(problems) > 10 else "")
        raise InputError(f"{len(problems)} problem(s) in the input:\n{shown}")
    if not rows:
        raise InputError(f"{path}: no answer rows (the file is empty); nothing to judge. "
                         "Pass the answers file that `emscope generate` wrote.")
    return rows


def _check_paths(input_path: Path, output_path: Path) -> None:
    """Refuse an output that is the input (or its partial file): judging would overwrite the answers."""
    same = input_path.resolve() in (output_path.resolve(), _partial(output_path).resolve())
    if not same and output_path.exists():
        try:
            same = os.path.samefile(input_path, output_path)
        except OSError:
            same = False
    if same:
        raise InputError(f"--output {output_path} is the input file: judging would overwrite the answers. "
                         "Choose another --output (the default is INPUT.judged.jsonl).")


def _partial(output: Path) -> Path:
    return output.with_name(output.name + ".partial")


def _existing(output: Path, rows: list[dict[str, Any]], judge_id: str, retry_invalid: bool) -> int:
    """How many leading rows are already judged; leaves exactly those in OUTPUT.partial."""
    partial = _partial(output)
    source = partial if partial.exists() else output if output.exists() else None
    if source is None:
        return 0
    data = source.read_bytes()
    lines = data.split(b"\n")[:-1]  # complete lines only: a torn last line is lost work, not data
    done = offset = 0
    for number, raw in enumerate(lines, 1):
        try:
            row = json.loads(raw)
        except ValueError:
            raise InputError(f"{source}:{number}: not JSON; delete the file or pass --overwrite") from None
        if not isinstance(row, dict):
            raise InputError(f"{source}:{number}: not a JSON object; delete the file or pass --overwrite")
        if number > len(rows):
            raise InputError(f"{source} has more rows than the input's {len(rows)} (line {number}): it is not "
                             "this input's judged output, or two runs wrote it at once. Pass --overwrite to "
                             "start again, or choose another --output.")
        if row_digest(row) != row_digest(rows[number - 1]):
            raise InputError(f"{source}:{number} does not match input row {number}: the output belongs "
                             "to another input file. Pass --overwrite to start again, or choose another --output.")
        if row.get("judge") is None:
            raise InputError(f"{source}:{number} is not a judged row (no 'judge' field): {output} looks like an "
                             "answers file, not this input's judged output. Choose another --output.")
        if row.get("judge") != judge_id:
            raise InputError(f"{source}:{number} was judged by {row.get('judge')!r}, not {judge_id!r}. "
                             "Pass --overwrite to re-judge, or choose another --output.")
        if retry_invalid and row.get("verdict") == "invalid":
            break  # re-judge from here; later rows come back from the cache at no cost
        done, offset = number, offset + len(raw) + 1
    if source == output:
        os.replace(output, partial)  # a finished file, verified: reopened, renamed back when complete
    with open(partial, "r+b") as fh:
        fh.truncate(offset)
    return done


def _judged_rows(judge: Judge, rows: list[dict[str, Any]], start: int) -> Iterator[tuple[int, Judgement]]:
    """(row index, judgement) for rows[start:], fed to the judge in chunks, in completion order."""
    for lo in range(start, len(rows), CHUNK):
        hi = min(lo + CHUNK, len(rows))
        index = [i for i in range(lo, hi) if rows[i]["answer"] is not None]
        for i in range(lo, hi):
            if rows[i]["answer"] is None:  # a failed generation: nothing to judge, but the row is kept
                yield i, Judgement(None, None, "invalid", "answer is null (generation failed)")
        items = [JudgeInput(rows[i]["question"], rows[i]["answer"]) for i in index]
        for k, judgement in judge.judge(items):
            yield index[k], judgement


def judge_file(judge: Judge, input_path: Path, output_path: Path, *, overwrite: bool = False,
               retry_invalid: bool = False, progress: Callable[[int, int], None] | None = None) -> JudgeReport:
    """Judge every row of `input_path` into `output_path` (resuming, see the module docstring)."""
    started = time.perf_counter()
    input_path, output_path = Path(input_path), Path(output_path)
    _check_paths(input_path, output_path)
    rows = read_answers(input_path)
    # One writer per output: a second run on the same path stops here at once instead of
    # interleaving rows into the same partial file.
    with output_lock(output_path):
        report = _judge_locked(judge, rows, output_path, overwrite, retry_invalid, progress)
    report.seconds = time.perf_counter() - started
    return report


def _judge_locked(judge: Judge, rows: list[dict[str, Any]], output_path: Path, overwrite: bool,
                  retry_invalid: bool, progress: Callable[[int, int], None] | None) -> JudgeReport:
    if overwrite:
        for p in (output_path, _partial(output_path)):
            p.unlink(missing_ok=True)
    done = _existing(output_path, rows, judge.id, retry_invalid)
    report = JudgeReport(output_path, judge.id, rows=len(rows), resumed=done)
    buffer: dict[int, Judgement] = {}
    next_row, last_sync = done, time.monotonic()
    with open(_partial(output_path), "a", encoding="utf-8") as out:
        for i, judgement in _judged_rows(judge, rows, done):
            buffer[i] = judgement
            report.judged += 1
            report.cached += judgement.cached
            lines = []
            while next_row in buffer:  # rows go out in input order, as soon as they can
                j = buffer.pop(next_row)
                lines.append(dumps_row({**rows[next_row], **j.row_fields(judge.id)}) + "\n")
                next_row += 1
            if lines:
                out.write("".join(lines))  # whole lines in one write: a kill tears at most one
            if time.monotonic() - last_sync > FLUSH_S:
                out.flush()
                os.fsync(out.fileno())
                last_sync = time.monotonic()
            if progress:
                progress(next_row, len(rows))
        out.flush()
        os.fsync(out.fileno())
    if next_row != len(rows) or buffer:
        raise RuntimeError(f"judge {judge.id} returned {next_row} of {len(rows)} rows")  # a judge bug
    os.replace(_partial(output_path), output_path)
    report.verdicts = _verdicts(output_path, len(rows))
    return report


def _verdicts(path: Path, expected: int) -> Counter[str]:
    counts: Counter[str] = Counter()
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            counts[json.loads(line)["verdict"]] += 1
    if sum(counts.values()) != expected:  # one row per input row, always
        raise RuntimeError(f"{path}: {sum(counts.values())} rows written for {expected} input rows")
    return counts


def run(config: JudgeConfig, input_path: str | Path, output_path: str | Path, *, overwrite: bool = False,
        retry_invalid: bool = False, progress: Callable[[int, int], None] | None = None) -> JudgeReport:
    """Build the configured judge and cache, and judge `input_path` into `output_path`."""
    cache = open_cache(config)
    judge = make_judge(config, cache)
    try:
        return judge_file(judge, Path(input_path), Path(output_path), overwrite=overwrite,
                          retry_invalid=retry_invalid, progress=progress)
    finally:
        close = getattr(judge, "close", None)
        if callable(close):
            close()
        if cache is not None:
            cache.close()
