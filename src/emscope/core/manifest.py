"""The one manifest every study stage writes beside its outputs (CONVENTIONS 6).

A stage folder's `manifest.json` says what was computed (stage, key, the key's config and
its inputs' keys), how (environment: emscope, Python, packages, git commit and dirty flag;
seed), when and how long, what came out (every output file's size, sha256 and JSONL row
count; the digests of the upstream manifests it read), and, for a stage that failed, why.
It is written by the run store for every stage, so the integrity check and `study status`
read one typed record instead of whatever dict a stage happened to write.

`core` imports nothing above it: the emscope version comes from the package root.
"""

from __future__ import annotations

import json
import platform
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

__all__ = ["MANIFEST", "MANIFEST_VERSION", "FileRecord", "GitState", "Environment", "StageManifest",
           "environment", "read_manifest"]

MANIFEST = "manifest.json"
# 2: manifests record their files and upstream digests; 3: typed, with the stage body's own
# numbers under `summary` (v2 kept them at the top level; read_manifest still reads those).
MANIFEST_VERSION = 3
_VERSIONED = ("torch", "transformers", "peft", "numpy", "scipy", "scikit-learn", "sentence-transformers")


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class FileRecord(_Record):
    """One output file as it was written."""

    size: int = Field(ge=0, description="Bytes.")
    sha256: str = Field(description="Hex sha256 of the bytes.")
    rows: int | None = Field(None, description="JSONL rows (None for other files).")


class GitState(_Record):
    """The source tree that computed a stage (None where it is not a git checkout)."""

    commit: str | None = None
    dirty: bool | None = None


class Environment(_Record):
    """Versions and machine facts."""

    emscope: str
    python: str
    platform: str
    packages: dict[str, str | None] = Field(description="Versions of the packages that change numbers (None: absent).")
    git: GitState = Field(default_factory=GitState)


class StageManifest(_Record):
    """What one finished (or failed) stage computed, from what, where, and what it wrote."""

    schema_version: int = Field(MANIFEST_VERSION, description="Version of this record's layout.")
    stage: str = Field(description="Stage name (build, train, generate, ...).")
    key: str = Field(description="The stage's content key (its folder name).")
    status: Literal["complete", "failed"] = Field(description="complete: outputs verified and final; failed: see error.")
    config: Any = Field(description="The output-affecting settings the key was computed from.")
    inputs: dict[str, str] = Field(default_factory=dict, description="Upstream stage keys that entered the key.")
    seed: int | None = Field(None, description="The job's seed (None for study-wide stages).")
    started: float = Field(description="Unix time the body started.")
    finished: float = Field(description="Unix time the stage completed or failed.")
    seconds: float = Field(ge=0, description="Wall time of the body and completion.")
    environment: Environment
    summary: dict[str, Any] = Field(default_factory=dict, description="The stage body's own numbers (rows, steps, ...).")
    files: dict[str, FileRecord] | None = Field(None, description="Every output file (None: written before files were recorded).")
    deps: dict[str, str] = Field(default_factory=dict, description="'stage/key' of each upstream read: its manifest's sha256.")
    error: str | None = Field(None, description="Why a failed stage failed (type and message).")

    def to_json(self) -> str:
        """The manifest file's text."""
        return json.dumps(self.model_dump(mode="json"), indent=2, default=str) + "\n"


def _git_state() -> GitState:
    root = Path(__file__).resolve().parents[3]
    try:
        commit = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True,
                                text=True, timeout=5).stdout.strip()
        dirty = bool(subprocess.run(["git", "-C", str(root), "status", "--porcelain"], capture_output=True,
                                    text=True, timeout=5).stdout.strip())
    except (OSError, subprocess.SubprocessError):
        return GitState()
    return GitState(commit=commit or None, dirty=dirty if commit else None)


def environment() -> Environment:
    """Versions and machine facts recorded in every manifest."""
    from emscope import __version__  # the package root holds only its version: no layer is crossed

    versions: dict[str, str | None] = {}
    for name in _VERSIONED:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return Environment(emscope=__version__, python=platform.python_version(), platform=platform.platform(),
                       packages=versions, git=_git_state())


def _upgrade(data: dict[str, Any]) -> dict[str, Any]:
    """A version-2 manifest (untyped: the body's numbers at the top level) in the typed layout."""
    known = set(StageManifest.model_fields)
    summary = {k: v for k, v in data.items() if k not in known}
    return {**{k: v for k, v in data.items() if k in known}, "summary": {**data.get("summary", {}), **summary},
            "schema_version": MANIFEST_VERSION}


def read_manifest(path: Path) -> tuple[StageManifest | None, str | None]:
    """(manifest, None) when `path` holds a complete stage's manifest, else (None, what is wrong with it)."""
    name = path.name
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None, f"{name} is missing"
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        return None, f"{name} is corrupt ({type(exc).__name__}: {str(exc)[:80]})"
    if not isinstance(data, dict) or data.get("status") != "complete":
        return None, f"{name} is corrupt (not a complete-stage record)"
    if data.get("schema_version", 0) < MANIFEST_VERSION:
        data = _upgrade(data)
    try:
        return StageManifest.model_validate(data), None
    except ValidationError as exc:
        where = ".".join(str(p) for p in exc.errors()[0]["loc"])
        return None, f"{name} is corrupt ({where}: {exc.errors()[0]['msg']})"
