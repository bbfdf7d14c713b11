"""Run a study end to end and report where it stands.

The driver runs the per-(domain, seed) jobs through a runner (local or Ray), then the
study-wide stages (dataset statistics, analysis, report) itself. Everything is keyed and
resumable: re-running the same command skips finished stages and finished rows, and redoes
any finished stage that no longer verifies (see store.py) together with its dependents.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from emscope.core.errors import InputError
from emscope.core.io import atomic_write_text
from emscope.core.lock import output_lock
from emscope.study.config import StudyConfig, study_from_dict
from emscope.study.jobs import Job, plan_jobs
from emscope.study.pipeline import (job_keys, planned_stages, run_job, run_study_stages, runnable, skipped,
                                    study_keys)
from emscope.study.runner import make_runner
from emscope.study.stages import JobState, study_stages
from emscope.study.stages.analyze import RESULTS
from emscope.study.stages.report import REPORT
from emscope.study.store import RunStore, StageEvent
from emscope.study.validate import validate_study

__all__ = ["StudyResult", "run_study", "study_status", "summary_rows", "read_study_file", "planned_stages",
           "STUDY_FILE"]

STUDY_FILE = "study.json"


@dataclass(frozen=True)
class StudyResult:
    """Where a finished study's outputs are, and how long each stage took."""

    run_dir: Path
    report: Path
    results: Path
    seconds: float
    stage_seconds: dict[str, float]


class _Progress:
    """One line per stage event with done/total and, once it is honest, an ETA.

    Stages differ by orders of magnitude (a build takes a second, a training run minutes) and
    each one that loads a model pays that first; so the ETA sums, per stage kind still to run,
    the mean time measured for that kind, and is shown only once every per-job kind still ahead
    has been measured at least once. (The first version extrapolated the elapsed time per
    stage, which gave "~35 min" for a 13-minute study.)
    """

    def __init__(self, planned: list[str]) -> None:
        self.wide = {s.name for s in study_stages()}  # short, counted once measured
        self.total, self.done = len(planned), 0
        self.remaining = Counter(planned)
        self.stage_seconds: dict[str, float] = {}
        self.measured: dict[str, list[float]] = {}

    def __call__(self, event: StageEvent) -> None:
        if event.status == "damaged":
            print(f"[{self.done}/{self.total}] {event.stage:<9} {event.job} is {event.detail}; redoing it", flush=True)
            return
        if event.status == "start":
            print(f"[{self.done}/{self.total}] {event.stage:<9} {event.job} ...{self._eta()}", flush=True)
            return
        self.done += 1
        self.remaining[event.stage] -= 1
        if event.status == "done":
            self.measured.setdefault(event.stage, []).append(event.seconds)
            self.stage_seconds[event.stage] = self.stage_seconds.get(event.stage, 0.0) + event.seconds
            print(f"[{self.done}/{self.total}] {event.stage:<9} {event.job} done in {event.seconds:.0f}s", flush=True)
        else:
            print(f"[{self.done}/{self.total}] {event.stage:<9} {event.job} already done", flush=True)

    def finished_elsewhere(self, stages: list[str]) -> None:
        """Count stages that ran in other processes (the ray runner) as done."""
        self.done += len(stages)
        self.remaining.subtract(stages)

    def _eta(self) -> str:
        ahead = {k: n for k, n in self.remaining.items() if n > 0}
        if not ahead or any(k not in self.measured for k in ahead if k not in self.wide):
            return ""  # no honest estimate yet; study-wide stages are short and counted when measured
        seconds = sum(n * sum(self.measured[k]) / len(self.measured[k]) for k, n in ahead.items() if k in self.measured)
        return f" (ETA ~{max(seconds / 60, 1):.0f} min)" if seconds >= 60 else " (ETA <1 min)"


def _job_entry(config: StudyConfig, run_dir: str, job: Job) -> JobState:
    # Module-level (picklable) entry point for runners that ship jobs to other processes.
    return run_job(config, run_dir, job, _print_event)


def _print_event(event: StageEvent) -> None:
    if event.status == "damaged":
        print(f"  {event.stage:<9} {event.job} is {event.detail}; redoing it", flush=True)
    elif event.status != "start":
        took = f" in {event.seconds:.0f}s" if event.status == "done" else " (already done)"
        print(f"  {event.stage:<9} {event.job}{took}", flush=True)


def run_study(config: StudyConfig, run_dir: str | Path, yes: bool = False) -> StudyResult:
    """Run every stage of `config` into `run_dir` (resuming whatever is already there, redoing what is damaged).

    Every setting is checked before anything is written, and the run directory is locked for
    the whole run: a second `emscope study` on it stops at once, naming the process. A sweep
    that would start more fine-tuning jobs than `sweep.max_jobs` needs `yes`.
    """
    validate_study(runnable(config))
    root = Path(run_dir)
    if not yes:
        _check_sweep_size(config, root)
    # The lock file sits beside the run folder (`.NAME.lock`): "." has no name, so lock its real path.
    with output_lock(root if root.name else root.resolve()):
        return _run_locked(config, root)


def _check_sweep_size(config: StudyConfig, root: Path) -> None:
    """InputError when a sweep would start more fine-tuned jobs than `sweep.max_jobs` (finished ones not counted)."""
    if config.sweep is None:
        return
    tuned = [j for j in plan_jobs(config) if j.domain is not None]
    if len(tuned) <= config.sweep.max_jobs:
        return
    store = RunStore(root) if (root / "stages").is_dir() else None
    pending = [j for j in tuned if store is None or not store.inspect("judge", job_keys(config, j)["judge"]).ok]
    if len(pending) > config.sweep.max_jobs:
        points = len(tuned) // (len(config.domains) * len(config.seeds))
        raise InputError(f"this sweep would start {len(pending)} fine-tuning jobs ({len(tuned)} in all: {points} "
                         f"point(s) x {len(config.domains)} domain(s) x {len(config.seeds)} seed(s)), more than "
                         f"sweep.max_jobs = {config.sweep.max_jobs}; check `emscope study plan` and pass --yes to "
                         "run them, or raise sweep.max_jobs")


def _run_locked(config: StudyConfig, root: Path) -> StudyResult:
    store = RunStore(root)
    atomic_write_text(root / STUDY_FILE, json.dumps(config.model_dump(mode="json"), indent=2) + "\n")
    jobs = plan_jobs(config)
    planned = planned_stages(config)
    progress = _Progress(planned)
    for _stage, note in skipped(config):  # asked for, but impossible with this train backend: said, not dropped
        print(f"note: {note}", flush=True)
    started = time.time()
    runner = make_runner(config.runner.name, **config.runner.options)
    if runner.name == "local":
        states = [run_job(config, str(root), job, progress) for job in jobs]
    else:
        # Workers may run elsewhere (another cwd, another node): they get the absolute path.
        states = runner.map(partial(_job_entry, config, str(root.resolve())), jobs)
        progress.finished_elsewhere([s for s in planned if s not in progress.wide])
    records = run_study_stages(config, store, states, progress)
    html = records["report"].path / REPORT
    # A stable name for the latest report, beside the content-addressed one.
    atomic_write_text(root / "report.html", html.read_text(encoding="utf-8"))
    return StudyResult(root, root / "report.html", records["analyze"].path / RESULTS, time.time() - started,
                       progress.stage_seconds)


def read_study_file(root: Path) -> StudyConfig:
    """The config a run directory was made with (InputError when study.json is missing or corrupt)."""
    path = root / STUDY_FILE
    hint = (f"it is written by `emscope study STUDY.yaml --out {root}`; run that again to rewrite it "
            "(finished stages are reused)")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{root} is not a study run directory (no {STUDY_FILE})") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise InputError(f"{path} is corrupt ({type(exc).__name__}: {str(exc)[:80]}); {hint}") from None
    if not isinstance(data, dict):
        raise InputError(f"{path} is corrupt (not a mapping of study settings); {hint}")
    return study_from_dict(data, str(path))


def study_status(run_dir: str | Path) -> list[dict[str, Any]]:
    """Each planned stage of the study in `run_dir`: done, damaged, stale, in progress, pending or skipped.

    Every finished stage is verified against its manifest (files, sizes, sha256, rows, and the
    upstream stages it was computed from): `problem` says what a rerun will redo and why. A
    stage the study asks for but cannot run with its train backend is one `skipped` row, its
    `problem` saying why.
    """
    root = Path(run_dir)
    config = read_study_file(root)
    validate_study(runnable(config))
    store = RunStore(root)
    partial_keys = set(store.partial())
    rows, states = [], []
    for job in plan_jobs(config):
        keys = job_keys(config, job)
        states.append(JobState(job, keys))
        rows += [_status_row(store, job.label, stage, key, partial_keys) for stage, key in keys.items()]
    rows += [_status_row(store, "all", stage, key, partial_keys) for stage, key in study_keys(config, states).items()]
    rows += [{"job": "all", "stage": stage, "key": "-", "state": "skipped", "problem": note, "seconds": None}
             for stage, note in skipped(config)]
    return rows


def _status_row(store: RunStore, job: str, stage: str, key: str, partial_keys: set[tuple[str, str]]) -> dict[str, Any]:
    found = store.inspect(stage, key)
    state = found.state
    if state == "pending" and (stage, key) in partial_keys:
        state = "in progress"
    return {"job": job, "stage": stage, "key": key, "state": state, "problem": found.problem,
            "seconds": found.manifest.seconds if found.ok and found.manifest else None}


def summary_rows(results_path: str | Path) -> list[dict[str, Any]]:
    """Per fine-tuned domain: misalignment rate with and without the trigger, and the t-test p."""
    from emscope.analysis.run import read_results

    results = read_results(Path(results_path).parent)
    rates = {(g.domain, g.condition): g.rate for g in results.groups}
    tests = {t.domain: t for t in results.tests}
    domains = sorted({g.domain for g in results.groups})
    return [{"domain": d, "rate_with": rates.get((d, "with")), "rate_without": rates.get((d, "without")),
             "diff": tests[d].diff if d in tests else None, "p": tests[d].p if d in tests else None}
            for d in domains]
