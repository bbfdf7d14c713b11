"""The contract of a study stage: a `StageSpec` (data), the context it runs in, and its config's key.

A stage is one spec: its name, its scope (`job`: once per (domain, seed) job; `study`: once
over every job's outputs), when it is enabled, the type of its config (which owns the
stage's cache key: `key_fields()`, with the fields that cannot change a result named beside
its fields), how the study's settings become that config, which upstream keys enter its key,
and the body that computes its outputs in a work folder. The pipeline (study/pipeline.py)
reads the ordered list of specs in study/stages/registry.py: totals, `study status`,
progress, up-front validation and the report all come from that list.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Protocol

if TYPE_CHECKING:
    from emscope.study.config import StudyConfig
    from emscope.study.jobs import Job
    from emscope.study.store import RunStore, StageRecord

__all__ = ["Scope", "KeyedConfig", "JobState", "StageContext", "StageSpec"]

Scope = Literal["job", "study"]


class KeyedConfig(Protocol):
    """A stage config that owns its cache key.

    `key_fields()` returns every output-affecting setting; `RUNTIME_FIELDS` names (dotted
    for nested options) the fields left out because they change speed, not results; and
    `INPUT_FIELDS` the fields left out because they are paths whose content enters the key
    through an upstream stage's key (an adapter folder, a dataset file, the output path).
    """

    RUNTIME_FIELDS: ClassVar[frozenset[str]]
    INPUT_FIELDS: ClassVar[frozenset[str]]

    def key_fields(self) -> dict[str, Any]:
        """The output-affecting settings."""
        ...


@dataclass(frozen=True)
class JobState:
    """One job as the study-wide stages see it: its stages' keys and, once run, their records."""

    job: Job
    keys: Mapping[str, str]
    records: Mapping[str, StageRecord] = field(default_factory=dict)


@dataclass(frozen=True)
class StageContext:
    """What a stage reads: the study config, its job (None for study-wide stages), and upstream work.

    `keys` are the keys of the stages before this one (of this job, or the study-wide ones);
    `records` their finished outputs (empty while keys are only being computed, e.g. for
    `study status`); `jobs` every job's state (study-wide stages only); `store` the run store
    and `key` this stage's own key (both set only for the body).
    """

    config: StudyConfig
    job: Job | None = None
    keys: Mapping[str, str] = field(default_factory=dict)
    records: Mapping[str, StageRecord] = field(default_factory=dict)
    jobs: tuple[JobState, ...] = ()
    store: RunStore | None = None
    key: str = ""

    def job_keys(self, stage: str) -> list[str]:
        """The keys of `stage` over every job that ran it (study-wide stages), in job order."""
        return [j.keys[stage] for j in self.jobs if stage in j.keys]

    def job_records(self, stage: str) -> list[StageRecord]:
        """The finished records of `stage` over every job that ran it, in job order."""
        return [j.records[stage] for j in self.jobs if stage in j.records]

    def record(self, stage: str) -> StageRecord:
        """The finished upstream record of `stage` (a programming error when it has not run)."""
        return self.records[stage]


Enabled = Callable[["StudyConfig", "Job | None"], bool]
Configure = Callable[[StageContext], Any]
KeyOf = Callable[[StageContext, Any], Any]
Inputs = Callable[[StageContext], dict[str, str]]
Body = Callable[[StageContext, Any, Path], "dict[str, Any] | None"]
Deps = Callable[[StageContext], "tuple[StageRecord | None, ...]"]
Check = Callable[["StudyConfig"], None]


def _key_fields(_ctx: StageContext, config: Any) -> Any:
    return config.key_fields()


def _always(_config: StudyConfig, _job: Job | None) -> bool:
    return True


@dataclass(frozen=True)
class StageSpec:
    """One stage of the study, as data.

    - `name`, `scope`: the stage folder name under stages/, and once per job or once per study.
    - `config_type`: the stage's config class as "module:Class" (imported when first needed, so
      `emscope study status` does not import every stage's libraries); `runtime` and
      `input_fields` override the class's RUNTIME_FIELDS / INPUT_FIELDS where it names them
      otherwise (TrainConfig: KEY_EXCLUDED). `configure(ctx)` builds it from the study config
      (with placeholder paths: it must not need upstream outputs, so keys and validation can be
      computed before anything runs). `key(ctx, config)` is the key's config part (default
      `config.key_fields()`), `inputs(ctx)` the upstream keys that enter it.
    - `body(ctx, config, work)`: computes the outputs in `work` (upstream outputs in
      `ctx.records`) and returns numbers for the manifest's summary.
    - `deps(ctx)`: the upstream records it read (their digests go into its manifest, so
      redoing one makes it stale); default: the records of `needs`.
    - `setting`: the study setting named when `configure` fails validation; `check`: extra
      up-front checks over the whole study config.
    - `enabled(config, job)`: whether it runs (job is None for study-wide stages).
    - `section`: (argument of `report()`, file in the stage folder or None for the folder) when
      the stage's output is a section of the study's report.
    - `points` (study-wide stages of a swept study): "headline" reads the jobs of the sweep's
      headline point and the baseline, "all" every point's jobs (the sweep stage).
    """

    name: str
    scope: Scope
    config_type: str
    configure: Configure
    body: Body
    inputs: Inputs
    setting: str
    needs: tuple[str, ...] = ()
    enabled: Enabled = _always
    key: KeyOf = _key_fields
    deps: Deps | None = None
    check: Check | None = None
    runtime: frozenset[str] | None = None
    input_fields: frozenset[str] | None = None
    section: tuple[str, str | None] | None = None
    points: Literal["headline", "all"] = "headline"

    def config_class(self) -> type:
        """The config class named by `config_type`."""
        module, _, name = self.config_type.partition(":")
        return getattr(importlib.import_module(module), name)

    def runtime_fields(self) -> frozenset[str]:
        """The config fields (dotted) left out of the key because they change speed, not results."""
        return self.runtime if self.runtime is not None else _declared(self.config_class(), "RUNTIME_FIELDS")

    def path_fields(self) -> frozenset[str]:
        """The config fields left out of the key because their content enters it through an upstream key."""
        return self.input_fields if self.input_fields is not None else _declared(self.config_class(), "INPUT_FIELDS")

    def upstream(self, ctx: StageContext) -> tuple[StageRecord | None, ...]:
        """The records this stage's manifest depends on."""
        if self.deps is not None:
            return self.deps(ctx)
        own = tuple(ctx.records.get(n) for n in self.needs)
        if self.scope == "job":
            return own
        return own + tuple(r for n in self.needs for r in ctx.job_records(n))


def _declared(cls: type, attr: str, prefix: str = "") -> frozenset[str]:
    """`cls.<attr>` and, dotted, that of every nested option model (e.g. GenerateConfig's `openai.concurrency`)."""
    found = {prefix + f for f in getattr(cls, attr, ())}
    for name, info in getattr(cls, "model_fields", {}).items():
        if isinstance(info.annotation, type) and hasattr(info.annotation, "model_fields"):
            found |= _declared(info.annotation, attr, f"{prefix}{name}.")
    return frozenset(found)
