"""The run directory: one folder per (stage, key), built in `<key>.partial` and renamed when done.

A stage's key is derived from its configuration and its inputs' keys, so a re-run finds
finished work by name and skips it. Work in progress lives in `<key>.partial/`, which a
stage may resume from (generation and judging append rows there, training keeps its
checkpoints there); only a complete stage is renamed to `<key>/`, atomically, with its
manifest inside. `kill -9` at any moment therefore loses at most the rows in flight.
`run_stage` is how every stage, core or optional, goes through this: skip it when its key is
finished, else run its body in the work folder and complete it, reporting a `StageEvent`.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from emscope import __version__
from emscope.core.io import atomic_write_text
from emscope.core.keys import content_key

__all__ = ["RunStore", "StageRecord", "StageEvent", "Notify", "run_stage", "stage_key", "environment"]

_SCHEMA_VERSION = 1
_VERSIONED = ("torch", "transformers", "peft", "trl", "numpy", "scipy", "scikit-learn", "sentence-transformers")


def stage_key(stage: str, config: Any, inputs: dict[str, str] | None = None) -> str:
    """Key of a stage output: its name, output-affecting config and its inputs' keys."""
    return content_key({"stage": stage, "config": config, "inputs": dict(sorted((inputs or {}).items()))},
                       schema_version=_SCHEMA_VERSION)


def _git_state() -> dict[str, Any]:
    root = Path(__file__).resolve().parents[3]
    try:
        commit = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True,
                                text=True, timeout=5).stdout.strip()
        dirty = bool(subprocess.run(["git", "-C", str(root), "status", "--porcelain"], capture_output=True,
                                    text=True, timeout=5).stdout.strip())
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}
    return {"commit": commit or None, "dirty": dirty if commit else None}


def environment() -> dict[str, Any]:
    """Versions and machine facts recorded in every manifest."""
    versions = {}
    for name in _VERSIONED:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {"emscope": __version__, "python": platform.python_version(), "platform": platform.platform(),
            "packages": versions, "git": _git_state()}


@dataclass(frozen=True)
class StageRecord:
    """A finished stage as found on disk."""

    stage: str
    key: str
    path: Path
    manifest: dict[str, Any]


class RunStore:
    """Content-addressed stage outputs under `<root>/stages/<stage>/<key>/`."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        (self.root / "stages").mkdir(parents=True, exist_ok=True)

    def path(self, stage: str, key: str) -> Path:
        """Where the finished output of (stage, key) lives."""
        return self.root / "stages" / stage / key

    def done(self, stage: str, key: str) -> StageRecord | None:
        """The finished output of (stage, key), or None when it has not completed."""
        path = self.path(stage, key)
        manifest = path / "manifest.json"
        if not manifest.exists():
            return None
        return StageRecord(stage, key, path, json.loads(manifest.read_text()))

    def workdir(self, stage: str, key: str) -> Path:
        """The in-progress folder of (stage, key); kept across runs so stages can resume."""
        path = self.path(stage, key).with_name(f"{key}.partial")
        path.mkdir(parents=True, exist_ok=True)
        return path

    def complete(self, stage: str, key: str, config: Any, inputs: dict[str, str],
                 started: float, extra: dict[str, Any] | None = None) -> StageRecord:
        """Write the manifest into the work folder and rename it to its final name."""
        work = self.workdir(stage, key)
        manifest = {"schema_version": _SCHEMA_VERSION, "stage": stage, "key": key, "status": "complete",
                    "config": config, "inputs": inputs, "started": started, "finished": time.time(),
                    "seconds": round(time.time() - started, 3), "environment": environment(), **(extra or {})}
        atomic_write_text(work / "manifest.json", json.dumps(manifest, indent=2, default=str) + "\n")
        final = self.path(stage, key)
        if final.exists():  # finished by a concurrent worker: keep theirs
            shutil.rmtree(work, ignore_errors=True)
        else:
            os.replace(work, final)
        record = self.done(stage, key)
        assert record is not None
        return record

    def records(self) -> list[StageRecord]:
        """Every finished stage output in the run directory."""
        found = []
        for manifest in sorted((self.root / "stages").glob("*/*/manifest.json")):
            if not manifest.parent.name.endswith(".partial"):
                found.append(StageRecord(manifest.parent.parent.name, manifest.parent.name, manifest.parent,
                                         json.loads(manifest.read_text())))
        return found

    def partial(self) -> list[tuple[str, str]]:
        """(stage, key) pairs with work in progress."""
        return [(p.parent.name, p.name.removesuffix(".partial"))
                for p in sorted((self.root / "stages").glob("*/*.partial")) if p.is_dir()]


@dataclass(frozen=True)
class StageEvent:
    """Progress report: a stage of a job started, was skipped as done, or finished."""

    stage: str
    job: str
    status: str  # "start" | "skip" | "done"
    seconds: float = 0.0


Notify = Callable[[StageEvent], None]


def run_stage(store: RunStore, stage: str, spec: tuple[Any, dict[str, str]], job: str, notify: Notify,
              body: Callable[[Path], dict[str, Any] | None]) -> StageRecord:
    """Skip (stage, key) when finished; else run `body(workdir)` and complete it (returning its record)."""
    key_config, inputs = spec
    key = stage_key(stage, key_config, inputs)
    found = store.done(stage, key)
    if found is not None:
        notify(StageEvent(stage, job, "skip"))
        return found
    notify(StageEvent(stage, job, "start"))
    started = time.time()
    extra = body(store.workdir(stage, key))
    record = store.complete(stage, key, key_config, inputs, started, extra or {})
    notify(StageEvent(stage, job, "done", time.time() - started))
    return record
