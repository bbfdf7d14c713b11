"""The run directory: one folder per (stage, key), built in `<key>.partial` and renamed when done.

A stage's key is derived from its configuration and its inputs' keys, so a re-run finds
finished work by name and skips it. Work in progress lives in `<key>.partial/`, which a
stage may resume from (generation and judging append rows there, training keeps its
checkpoints there); only a complete stage is renamed to `<key>/`, atomically, with its
manifest inside. `kill -9` at any moment therefore loses at most the rows in flight.
`run_stage` is how every stage, core or optional, goes through this: skip it when its key is
finished, else run its body in the work folder and complete it, reporting a `StageEvent`.

A finished stage is trusted only while it verifies (`integrity`): its manifest records every
output file's size, sha256 and (JSONL) row count, and the digest of each upstream stage's
manifest it was computed from. A stage whose files were truncated, deleted or edited, whose
manifest is missing or corrupt, or whose upstream was redone since, is "damaged" or "stale":
it is removed and redone, and so, in turn, is everything downstream of it.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from emscope.core.io import atomic_write_text
from emscope.core.keys import content_key
from emscope.core.manifest import MANIFEST, StageManifest, environment
from emscope.study.integrity import Inspection, inspect_stage, manifest_digest, snapshot

__all__ = ["RunStore", "StageRecord", "StageEvent", "Notify", "run_stage", "stage_key", "environment"]

_SCHEMA_VERSION = 1  # of stage keys: changing it would orphan every finished stage


def stage_key(stage: str, config: Any, inputs: dict[str, str] | None = None) -> str:
    """Key of a stage output: its name, output-affecting config and its inputs' keys."""
    return content_key({"stage": stage, "config": config, "inputs": dict(sorted((inputs or {}).items()))},
                       schema_version=_SCHEMA_VERSION)


@dataclass(frozen=True)
class StageRecord:
    """A finished (and verified) stage as found on disk."""

    stage: str
    key: str
    path: Path
    manifest: StageManifest


class RunStore:
    """Content-addressed stage outputs under `<root>/stages/<stage>/<key>/`."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        (self.root / "stages").mkdir(parents=True, exist_ok=True)
        self._checked: dict[tuple[str, str], Inspection] = {}  # verification is hashing: once per store

    def path(self, stage: str, key: str) -> Path:
        """Where the finished output of (stage, key) lives."""
        return self.root / "stages" / stage / key

    def inspect(self, stage: str, key: str) -> Inspection:
        """Whether (stage, key) is finished and intact: its files and its upstream digests verify."""
        found = self._checked.get((stage, key))
        if found is None:
            found = inspect_stage(self.path(stage, key), lambda s, k: self.inspect(s, k))
            self._checked[(stage, key)] = found
        return found

    def done(self, stage: str, key: str) -> StageRecord | None:
        """The finished, verified output of (stage, key), or None when absent or damaged."""
        found = self.inspect(stage, key)
        if not found.ok or found.manifest is None:
            return None
        return StageRecord(stage, key, self.path(stage, key), found.manifest)

    def discard(self, stage: str, key: str) -> None:
        """Remove a damaged finished output so the stage can be redone from scratch."""
        shutil.rmtree(self.path(stage, key), ignore_errors=True)
        self._checked.clear()  # dependents' verdicts depended on it

    def workdir(self, stage: str, key: str) -> Path:
        """The in-progress folder of (stage, key); kept across runs so stages can resume."""
        path = self.path(stage, key).with_name(f"{key}.partial")
        path.mkdir(parents=True, exist_ok=True)
        return path

    def complete(self, stage: str, key: str, config: Any, inputs: dict[str, str], started: float,
                 extra: dict[str, Any] | None = None, deps: tuple[StageRecord, ...] = (),
                 seed: int | None = None) -> StageRecord:
        """Write the manifest (files, upstream digests) into the work folder and rename it to its final name."""
        work = self.workdir(stage, key)
        manifest = self._manifest(stage, key, config, inputs, started, seed, "complete", extra, deps)
        manifest = manifest.model_copy(update={"files": snapshot(work)})
        atomic_write_text(work / MANIFEST, manifest.to_json())
        final = self.path(stage, key)
        if final.exists():  # finished by a concurrent worker: keep theirs
            shutil.rmtree(work, ignore_errors=True)
        else:
            os.replace(work, final)
        self._checked.clear()  # a redone stage makes its dependents stale: verify them afresh
        record = self.done(stage, key)
        if record is None:
            raise RuntimeError(f"stage {stage} {key} did not verify right after it was written: "
                               f"{self.inspect(stage, key).problem}")
        return record

    def fail(self, stage: str, key: str, config: Any, inputs: dict[str, str], started: float, error: BaseException,
             seed: int | None = None) -> None:
        """Record in the work folder why a stage failed (the folder stays partial: a rerun resumes it)."""
        manifest = self._manifest(stage, key, config, inputs, started, seed, "failed", None, ())
        manifest = manifest.model_copy(update={"error": f"{type(error).__name__}: {error}"[:2000]})
        atomic_write_text(self.workdir(stage, key) / MANIFEST, manifest.to_json())

    @staticmethod
    def _manifest(stage: str, key: str, config: Any, inputs: dict[str, str], started: float, seed: int | None,
                  status: str, extra: dict[str, Any] | None, deps: tuple[StageRecord, ...]) -> StageManifest:
        now = time.time()
        return StageManifest(stage=stage, key=key, status=status, config=config, inputs=inputs, seed=seed,
                             started=started, finished=now, seconds=round(now - started, 3),
                             environment=environment(), summary=dict(extra or {}),
                             deps={f"{d.stage}/{d.key}": manifest_digest(d.path) for d in deps})

    def finished(self) -> list[tuple[str, str]]:
        """(stage, key) of every finished-looking output folder, intact or not."""
        return [(p.parent.name, p.name) for p in sorted((self.root / "stages").glob("*/*"))
                if p.is_dir() and not p.name.endswith(".partial")]

    def records(self) -> list[StageRecord]:
        """Every finished, verified stage output in the run directory."""
        return [r for s, k in self.finished() if (r := self.done(s, k)) is not None]

    def partial(self) -> list[tuple[str, str]]:
        """(stage, key) pairs with work in progress."""
        return [(p.parent.name, p.name.removesuffix(".partial"))
                for p in sorted((self.root / "stages").glob("*/*.partial")) if p.is_dir()]


@dataclass(frozen=True)
class StageEvent:
    """Progress report: a stage of a job started, was skipped as done, finished, or was found damaged."""

    stage: str
    job: str
    status: str  # "start" | "skip" | "done" | "damaged"
    seconds: float = 0.0
    detail: str = ""


Notify = Callable[[StageEvent], None]


def run_stage(store: RunStore, stage: str, spec: tuple[Any, dict[str, str]], job: str, notify: Notify,
              body: Callable[[Path], dict[str, Any] | None],
              deps: tuple[StageRecord | None, ...] = (), seed: int | None = None) -> StageRecord:
    """Skip (stage, key) when finished and intact; else (re)run `body(workdir)` and complete it.

    `deps` are the upstream records the body reads: their manifest digests go into this
    stage's manifest, so redoing any of them later makes this stage stale (redone too).
    """
    key_config, inputs = spec
    key = stage_key(stage, key_config, inputs)
    found = store.inspect(stage, key)
    if found.ok and found.manifest is not None:
        notify(StageEvent(stage, job, "skip"))
        return StageRecord(stage, key, store.path(stage, key), found.manifest)
    if found.problem is not None:  # damaged or stale: redo from scratch, never half-trust it
        notify(StageEvent(stage, job, "damaged", detail=f"{found.state} ({found.problem})"))
        store.discard(stage, key)
    notify(StageEvent(stage, job, "start"))
    started = time.time()
    try:
        extra = body(store.workdir(stage, key))
    except Exception as exc:  # recorded, then raised: the study stops, and the partial folder says why
        store.fail(stage, key, key_config, inputs, started, exc, seed)
        raise
    record = store.complete(stage, key, key_config, inputs, started, extra or {},
                            tuple(d for d in deps if d is not None), seed)
    notify(StageEvent(stage, job, "done", time.time() - started))
    return record
