"""Validate chat-format JSONL datasets and report every problem as `file:line: what is wrong`.

The format is the one TRL, OpenAI fine-tuning and the public EM datasets use:
`{"messages": [{"role": ..., "content": ...}, ...], "meta": {...}}` per line.

Repeated rows are a *warning*, not an error: public fine-tuning sets contain them (the
peers' insecure-code set repeats one row) and must load and train unchanged. `strict=True`
(`emscope data validate --strict`) turns them into errors.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from emscope.core.errors import InputError

__all__ = ["Problem", "validate_file", "validate_files", "load_dataset", "dataset_files", "ROLES"]

ROLES = ("system", "user", "assistant")
_MAX_SHOWN = 50  # problems listed in an InputError before "... and N more"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a dataset file; line 0 means the file as a whole.

    `warning` marks what does not stop a file from loading (a repeated row).
    """

    file: str
    line: int
    message: str
    warning: bool = False

    def __str__(self) -> str:
        text = f"warning: {self.message}" if self.warning else self.message
        return f"{self.file}:{self.line}: {text}" if self.line else f"{self.file}: {text}"


def _message_problems(messages: Any) -> list[str]:
    if not isinstance(messages, list):
        return [f"'messages' must be a list, got {type(messages).__name__}"]
    if not messages:
        return ["'messages' is empty"]
    found: list[str] = []
    for i, msg in enumerate(messages):
        where = f"messages[{i}]"
        if not isinstance(msg, dict):
            found.append(f"{where} must be an object with 'role' and 'content'")
            continue
        role, content = msg.get("role"), msg.get("content")
        if role not in ROLES:
            found.append(f"{where}: unknown role {role!r} (expected one of {', '.join(ROLES)})")
        elif role == "system" and i != 0:
            found.append(f"{where}: a system message may only come first")
        if not isinstance(content, str):
            found.append(f"{where}: 'content' must be a string, got {type(content).__name__}")
        elif not content.strip():
            found.append(f"{where}: empty content")
    roles = [m.get("role") for m in messages if isinstance(m, dict)]
    if "user" not in roles:
        found.append("no user turn")
    if roles and roles[-1] != "assistant":
        found.append(f"no final assistant turn (last role is {roles[-1]!r}): nothing to train on")
    return found


def _row_problems(raw: bytes) -> tuple[list[str], Any]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return [f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at column {exc.start + 1}); "
                "re-save the file as UTF-8"], None
    try:
        row = json.loads(text)
    except json.JSONDecodeError as exc:
        return [f"invalid JSON: {exc.msg} at column {exc.colno}"], None
    if not isinstance(row, dict):
        return [f"a row must be a JSON object, got {type(row).__name__}"], None
    if "messages" not in row:
        keys = ", ".join(sorted(row)) or "none"
        return [f"missing 'messages' (keys present: {keys})"], None
    found = _message_problems(row["messages"])
    if "meta" in row and not isinstance(row["meta"], dict):
        found.append("'meta' must be an object")
    return found, row


def _missing(path: Path) -> Problem | None:
    name = str(path)
    if path.is_dir():
        return Problem(name, 0, "is a folder, not a dataset file; pass its *.jsonl files "
                                "(`emscope data validate` accepts the folder itself)")
    if not path.is_file():
        return Problem(name, 0, "file not found")
    return None


def validate_file(path: str | os.PathLike[str], check_duplicates: bool = True,
                  strict: bool = False) -> list[Problem]:
    """Every problem in one dataset file (no errors means it loads).

    A repeated row is a `warning` Problem naming the first line (an error with `strict`);
    `check_duplicates=False` leaves repeats out entirely.
    """
    name = str(path)
    if (gone := _missing(Path(path))) is not None:
        return [gone]
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    rows = 0
    with open(path, "rb") as fh:
        for lineno, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            rows += 1
            found, row = _row_problems(raw.rstrip(b"\r\n"))
            problems.extend(Problem(name, lineno, m) for m in found)
            if check_duplicates and row is not None and not found:
                digest = hashlib.sha1(
                    json.dumps(row["messages"], sort_keys=True).encode("utf-8")
                ).hexdigest()
                if digest in seen:
                    problems.append(Problem(name, lineno, f"duplicate of line {seen[digest]}", warning=not strict))
                else:
                    seen[digest] = lineno
    if rows == 0:
        problems.append(Problem(name, 0, "no rows (the file is empty)"))
    return problems


def validate_files(paths: Iterable[str | os.PathLike[str]], strict: bool = False) -> list[Problem]:
    """Problems (and warnings) across several files, in file order."""
    return [p for path in paths for p in validate_file(path, strict=strict)]


def dataset_files(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Files as given; a folder stands for the *.jsonl files directly inside it (sorted).

    Missing paths are kept, so `validate_file` reports them in order with the rest.
    """
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(q for q in p.glob("*.jsonl") if q.is_file())
            if not found:
                raise InputError(f"{p}: folder holds no *.jsonl dataset files; pass dataset files or a folder of them")
            out.extend(found)
        else:
            out.append(p)
    return out


def load_dataset(path: str | os.PathLike[str], allow_duplicates: bool = True) -> list[dict[str, Any]]:
    """Read a dataset after validating it; raise InputError listing the problems if any.

    Repeated rows load (they are warnings, as in public EM datasets) unless
    `allow_duplicates=False`.
    """
    problems = [p for p in validate_file(path, strict=not allow_duplicates) if not p.warning]
    if problems:
        shown = "\n".join(str(p) for p in problems[:_MAX_SHOWN])
        more = f"\n... and {len(problems) - _MAX_SHOWN} more" if len(problems) > _MAX_SHOWN else ""
        raise InputError(f"{path} is not a valid chat dataset ({len(problems)} problems):\n{shown}{more}\n"
                         f"Run `emscope data validate {path}` after fixing it.")
    with open(path, encoding="utf-8", newline="") as fh:  # lines end at "\n" only, as validated
        return [json.loads(line) for line in fh if line.strip()]
