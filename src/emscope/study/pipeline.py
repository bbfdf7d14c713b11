"""The study's engine: runs the registered stage specs (study/stages/registry.py) over a RunStore.

For every job, each enabled per-job stage in registry order: build its config from the study
config, compute its key (its config's key fields plus its upstream keys), skip it when that
key is finished and intact, else run its body in the resumable work folder. Then, once over
every job's outputs, each enabled study-wide stage the same way. Keys can be computed without
running anything (every key depends only on settings and upstream keys), which is what
`study status` and `study plan --from-run` read.

A sweep point's jobs run their stages on the study config with the point's values set
(study/sweep.py), so their keys differ per point by construction. Study-wide stages see the
jobs of the headline point (and the baseline) unless their spec asks for every point
(`points="all"`: the sweep stage): the main analysis must not pool the points.

Every entry point runs `runnable(config)`: the config with the stages that need a local model
(mia and its predictors, steer) turned off when training goes through an API, so no stage waits
on weights that do not exist. `skipped(config)` says which were asked for and why they do not
run; the study prints it before starting, `study status` and `study plan` list it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from emscope.study.config import StudyConfig
from emscope.study.jobs import Job, plan_jobs
from emscope.study.stages import JobState, StageContext, StageSpec, job_stages, study_stages
from emscope.study.store import Notify, RunStore, StageRecord, run_stage, stage_key
from emscope.study.sweep import headline_point, job_config

__all__ = ["Job", "plan_jobs", "planned_stages", "job_keys", "study_keys", "run_job", "run_study_stages",
           "stage_spec", "runnable", "skipped", "seen_by"]


def _quiet(_event: Any) -> None:
    pass


def skipped(config: StudyConfig) -> list[tuple[str, str]]:
    """(stage, why) for each optional stage the study asks for but cannot run with its train backend."""
    from emscope.study.stages import mia, steer

    backend = config.train.backend
    if backend == "local":
        return []
    asked = [("mia", config.mia.enabled, mia.NEEDS_LOCAL), ("steer", config.steer.enabled, steer.NEEDS_LOCAL)]
    return [(stage, f"{stage} skipped: it needs a local model, and train.backend is {backend}. {why}")
            for stage, on, why in asked if on]


def runnable(config: StudyConfig) -> StudyConfig:
    """`config` with every stage in `skipped(config)` off (the predict stage follows mia); else `config` itself."""
    off = {stage for stage, _ in skipped(config)}
    if not off:
        return config
    return config.model_copy(update={s: getattr(config, s).model_copy(update={"enabled": False}) for s in off})


def stage_spec(spec: StageSpec, ctx: StageContext) -> tuple[Any, Any, dict[str, str]]:
    """(stage config, key config, input keys) of `spec` in `ctx`."""
    config = spec.configure(ctx)
    return config, spec.key(ctx, config), spec.inputs(ctx)


def seen_by(spec: StageSpec, config: StudyConfig, jobs: Sequence[JobState]) -> tuple[JobState, ...]:
    """The jobs a study-wide stage reads: every point's for `points="all"`, else the headline point's and the baseline."""
    if spec.points == "all" or config.sweep is None:
        return tuple(jobs)
    headline = headline_point(config)
    return tuple(j for j in jobs if j.job.point in ((), headline))


def planned_stages(config: StudyConfig) -> list[str]:
    """The stage name of every stage event the study will report, in order (jobs first)."""
    config = runnable(config)
    stages = [s.name for job in plan_jobs(config) for s in job_stages() if s.enabled(job_config(config, job), job)]
    return stages + [s.name for s in study_stages() if s.enabled(config, None)]


def job_keys(config: StudyConfig, job: Job) -> dict[str, str]:
    """The stage keys of a job, computed without running anything."""
    config = runnable(config)
    keys: dict[str, str] = {}
    config = job_config(config, job)
    for spec in job_stages():
        if spec.enabled(config, job):
            _, key_config, inputs = stage_spec(spec, StageContext(config, job, dict(keys)))
            keys[spec.name] = stage_key(spec.name, key_config, inputs)
    return keys


def study_keys(config: StudyConfig, jobs: list[JobState] | None = None) -> dict[str, str]:
    """The keys of the study-wide stages, from every job's keys (computed when `jobs` is None)."""
    config = runnable(config)
    states = tuple(jobs) if jobs is not None else tuple(JobState(j, job_keys(config, j)) for j in plan_jobs(config))
    keys: dict[str, str] = {}
    for spec in study_stages():
        if spec.enabled(config, None):
            ctx = StageContext(config, None, dict(keys), jobs=seen_by(spec, config, states))
            _, key_config, inputs = stage_spec(spec, ctx)
            keys[spec.name] = stage_key(spec.name, key_config, inputs)
    return keys


def _run_one(store: RunStore, spec: StageSpec, ctx: StageContext, label: str, notify: Notify) -> StageRecord:
    config, key_config, inputs = stage_spec(spec, ctx)
    body_ctx = replace(ctx, store=store, key=stage_key(spec.name, key_config, inputs))
    seed = ctx.job.seed if ctx.job is not None else None
    return run_stage(store, spec.name, (key_config, inputs), label, notify,
                     lambda work: spec.body(body_ctx, config, work), deps=spec.upstream(ctx), seed=seed)


def run_job(config: StudyConfig, run_dir: str, job: Job, notify: Notify | None = None) -> JobState:
    """Every enabled per-job stage of `job`, in registry order; its keys and finished records."""
    config = runnable(config)
    store, say = RunStore(run_dir), notify or _quiet
    config = job_config(config, job)
    keys: dict[str, str] = {}
    records: dict[str, StageRecord] = {}
    for spec in job_stages():
        if spec.enabled(config, job):
            record = _run_one(store, spec, StageContext(config, job, dict(keys), dict(records)), job.label, say)
            keys[spec.name], records[spec.name] = record.key, record
    return JobState(job, keys, records)


def run_study_stages(config: StudyConfig, store: RunStore, jobs: list[JobState],
                     notify: Notify) -> dict[str, StageRecord]:
    """Every enabled study-wide stage, in registry order, over every job's outputs."""
    config = runnable(config)
    keys: dict[str, str] = {}
    records: dict[str, StageRecord] = {}
    for spec in study_stages():
        if spec.enabled(config, None):
            ctx = StageContext(config, None, dict(keys), dict(records), jobs=seen_by(spec, config, jobs))
            record = _run_one(store, spec, ctx, "all", notify)
            keys[spec.name], records[spec.name] = record.key, record
    return records
