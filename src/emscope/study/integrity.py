"""Integrity of finished stages: what a manifest records about its files, and checking it.

A finished stage folder is only as good as its files. Its manifest records, per output file,
the size, sha256 and (for JSONL) row count, plus the digest of every upstream manifest it
was computed from. `inspect_stage` says whether the folder still matches: `done`, `damaged`
(its own files or manifest are not what was written) or `stale` (an upstream stage is
damaged, or was redone after this one was computed). Hidden files (locks) are not outputs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from emscope.core.manifest import MANIFEST, FileRecord, StageManifest, read_manifest

__all__ = ["MANIFEST", "Inspection", "inspect_stage", "manifest_digest", "snapshot", "file_record"]

_CHUNK = 1 << 20


@dataclass(frozen=True)
class Inspection:
    """The state of one (stage, key) on disk: pending, done, damaged or stale (with why)."""

    state: str  # "pending" | "done" | "damaged" | "stale"
    problem: str | None = None
    manifest: StageManifest | None = None

    @property
    def ok(self) -> bool:
        """Finished and intact."""
        return self.state == "done"


def file_record(path: Path) -> FileRecord:
    """Size and sha256 of a file, and its row count when it is JSONL (read in chunks)."""
    digest, size, newlines, last = hashlib.sha256(), 0, 0, b"\n"
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
            newlines += chunk.count(b"\n")
            last = chunk[-1:]
    # A final row without its newline still counts.
    rows = newlines + (last != b"\n") if path.suffix == ".jsonl" else None
    return FileRecord(size=size, sha256=digest.hexdigest(), rows=rows)


def snapshot(folder: Path) -> dict[str, FileRecord]:
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


def _file_problem(stage_dir: Path, name: str, want: FileRecord) -> str | None:
    path = stage_dir / name
    if not path.is_file():
        return f"{name} is missing"
    have = file_record(path)
    if want.rows is not None and have.rows != want.rows:
        return f"{name} has {have.rows} rows, {want.rows} were written"
    if have.size != want.size:
        return f"{name} is {have.size} bytes, {want.size} were written"
    if have.sha256 != want.sha256:
        return f"{name} changed since it was written (sha256 differs)"
    return None


def inspect_stage(stage_dir: Path, lookup: Callable[[str, str], Inspection]) -> Inspection:
    """Check a finished stage folder; `lookup(stage, key)` inspects its upstream stages."""
    if not stage_dir.is_dir():
        return Inspection("pending")
    manifest, problem = read_manifest(stage_dir / MANIFEST)
    if manifest is None:
        return Inspection("damaged", problem)
    if manifest.files is None:  # written before manifests recorded their files: nothing to verify against
        return Inspection("done", manifest=manifest)
    for name, want in sorted(manifest.files.items()):
        if (problem := _file_problem(stage_dir, name, want)) is not None:
            return Inspection("damaged", problem)
    for dep, digest in sorted(manifest.deps.items()):
        stage, _, key = str(dep).partition("/")
        upstream = lookup(stage, key)
        if not upstream.ok:
            return Inspection("stale", f"its input {stage} {key} is {upstream.state}")
        if manifest_digest(stage_dir.parent.parent / stage / key) != digest:
            return Inspection("stale", f"its input {stage} {key} was redone after it")
    return Inspection("done", manifest=manifest)
