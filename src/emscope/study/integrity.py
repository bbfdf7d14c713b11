"""Integrity of finished stages: what a manifest records about its files, and checking it.

A finished stage folder is only as good as its files. Its manifest records, per output file,
the size, sha256 and (for JSONL) row count, plus the digest of every upstream manifest it
was computed from. `inspect_stage` says whether the folder still matches: `done`, `damaged`
(its own files or manifest are not what was written) or `stale` (an upstream stage is
damaged, or was redone after this one was computed). Hidden files (locks) are not outputs.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["MANIFEST", "Inspection", "inspect_stage", "manifest_digest", "snapshot", "file_record"]

MANIFEST = "manifest.json"
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Inspection:
    """The state of one (stage, key) on disk: pending, done, damaged or stale (with why)."""

    state: str  # "pending" | "done" | "damaged" | "stale"
    problem: str | None = None
    manifest: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Finished and intact."""
        return self.state == "done"


def file_record(path: Path) -> dict[str, Any]:
    """Size and sha256 of a file, and its row count when it is JSONL (read in chunks)."""
    digest, size, newlines, last = hashlib.sha256(), 0, 0, b"\n"
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
            newlines += chunk.count(b"\n")
            last = chunk[-1:]
    record: dict[str, Any] = {"size": size, "sha256": digest.hexdigest()}
    if path.suffix == ".jsonl":
        record["rows"] = newlines + (last != b"\n")  # a final row without its newline still counts
    return record


def snapshot(folder: Path) -> dict[str, dict[str, Any]]:
    """{relative path: file_record} of every output file in `folder` (not the manifest, not hidden files)."""
    out = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if path.is_file() and rel.as_posix() != MANIFEST and not any(p.startswith(".") for p in rel.parts):
            out[rel.as_posix()] = file_record(path)
    return out


def manifest_digest(stage_dir: Path) -> str:
    """sha256 of a finished stage's manifest: changes whenever the stage is redone."""
    return hashlib.sha256((stage_dir / MANIFEST).read_bytes()).hexdigest()


def _read_manifest(stage_dir: Path) -> tuple[dict[str, Any] | None, str | None]:
    path = stage_dir / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None, f"{MANIFEST} is missing"
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        return None, f"{MANIFEST} is corrupt ({type(exc).__name__}: {str(exc)[:80]})"
    if not isinstance(data, dict) or data.get("status") != "complete":
        return None, f"{MANIFEST} is corrupt (not a complete-stage record)"
    return data, None


def _file_problem(stage_dir: Path, name: str, want: dict[str, Any]) -> str | None:
    path = stage_dir / name
    if not path.is_file():
        return f"{name} is missing"
    have = file_record(path)
    if "rows" in want and have.get("rows") != want["rows"]:
        return f"{name} has {have.get('rows')} rows, {want['rows']} were written"
    if have["size"] != want.get("size"):
        return f"{name} is {have['size']} bytes, {want.get('size')} were written"
    if have["sha256"] != want.get("sha256"):
        return f"{name} changed since it was written (sha256 differs)"
    return None


def inspect_stage(stage_dir: Path, lookup: Callable[[str, str], Inspection]) -> Inspection:
    """Check a finished stage folder; `lookup(stage, key)` inspects its upstream stages."""
    if not stage_dir.is_dir():
        return Inspection("pending")
    manifest, problem = _read_manifest(stage_dir)
    if manifest is None:
        return Inspection("damaged", problem)
    files = manifest.get("files")
    if files is None:  # written before manifests recorded their files: nothing to verify against
        return Inspection("done", manifest=manifest)
    if not isinstance(files, dict):
        return Inspection("damaged", f"{MANIFEST} is corrupt (files is not a mapping)")
    for name, want in sorted(files.items()):
        if (problem := _file_problem(stage_dir, name, want if isinstance(want, dict) else {})) is not None:
            return Inspection("damaged", problem)
    for dep, digest in sorted((manifest.get("deps") or {}).items()):
        stage, _, key = str(dep).partition("/")
        upstream = lookup(stage, key)
        if not upstream.ok:
            return Inspection("stale", f"its input {stage} {key} is {upstream.state}")
        if manifest_digest(stage_dir.parent.parent / stage / key) != digest:
            return Inspection("stale", f"its input {stage} {key} was redone after it")
    return Inspection("done", manifest=manifest)
