"""Run a study end to end and report where it stands.

The driver runs the per-(domain, seed) jobs through a runner (local or Ray), then the
study-wide stages (dataset statistics, analysis, report) itself. Everything is keyed and
resumable: re-running the same command skips finished stages and finished rows.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from emscope.core.io import atomic_write_text
from emscope.study.config import StudyConfig
from emscope.study.extras import check_sections, run_predict, run_steer
from emscope.study.pipeline import (
    Job,
    job_keys,
    judge_config,
    judge_key,
    plan_jobs,
    run_analyze,
    run_job,
    run_report,
    run_stats,
)
from emscope.study.runner import make_runner
from emscope.study.store import RunStore, StageEvent

__all__ = ["StudyResult", "run_study", "study_status", "summary_rows", "STUDY_FILE"]

STUDY_FILE = "study.json"
_JOB_STAGES = 4  # build, train, generate, judge (the baseline has two; mia adds one)


@dataclass(frozen=True)
class StudyResult:
    """Where a finished study's outputs are, and how long each stage took."""

    run_dir: Path
    report: Path
    results: Path
    seconds: float
    stage_seconds: dict[str, float]


class _Progress:
    """One line per stage event with done/total and an ETA from the stages finished so far."""

    def __init__(self, total: int) -> None:
        self.total, self.done, self.started = total, 0, time.time()
        self.stage_seconds: dict[str, float] = {}
        self.worked = 0.0

    def __call__(self, event: StageEvent) -> None:
        if event.status == "start":
            print(f"[{self.done}/{self.total}] {event.stage:<9} {event.job} ...{self._eta()}", flush=True)
            return
        self.done += 1
        if event.status == "done":
            self.worked += event.seconds
            self.stage_seconds[event.stage] = self.stage_seconds.get(event.stage, 0.0) + event.seconds
            print(f"[{self.done}/{self.total}] {event.stage:<9} {event.job} done in {event.seconds:.0f}s", flush=True)
        else:
            print(f"[{self.done}/{self.total}] {event.stage:<9} {event.job} already done", flush=True)

    def _eta(self) -> str:
        # Average wall time of the stages that actually ran (skipped ones cost nothing).
        ran = sum(1 for _ in self.stage_seconds) and self.worked
        if not ran:
            return ""
        per_stage = (time.time() - self.started) / max(self.done, 1)
        return f" (ETA ~{per_stage * (self.total - self.done) / 60:.0f} min)"


def _job_entry(config: StudyConfig, run_dir: str, job: Job) -> dict[str, str]:
    # Module-level (picklable) entry point for runners that ship jobs to other processes.
    return run_job(config, run_dir, job, _print_event)


def _print_event(event: StageEvent) -> None:
    if event.status != "start":
        took = f" in {event.seconds:.0f}s" if event.status == "done" else " (already done)"
        print(f"  {event.stage:<9} {event.job}{took}", flush=True)


def run_study(config: StudyConfig, run_dir: str | Path) -> StudyResult:
    """Run every stage of `config` into `run_dir` (resuming whatever is already there)."""
    check_sections(config)
    root = Path(run_dir)
    store = RunStore(root)
    atomic_write_text(root / STUDY_FILE, json.dumps(config.model_dump(mode="json"), indent=2) + "\n")
    jobs = plan_jobs(config)
    per_job = _JOB_STAGES + int(config.mia.enabled)
    total = (sum(per_job if j.domain else 2 for j in jobs) + 2 + int(config.stats.enabled)
             + int(config.mia.enabled) + int(config.steer.enabled))
    progress = _Progress(total)
    started = time.time()
    runner = make_runner(config.runner.name, **config.runner.options)
    if runner.name == "local":
        outputs = [run_job(config, str(root), job, progress) for job in jobs]
    else:
        outputs = runner.map(partial(_job_entry, config, str(root)), jobs)
        progress.done += sum(per_job if j.domain else 2 for j in jobs)
    datasets = [o["dataset"] for o in outputs if "dataset" in o]
    judged = [o["judged"] for o in outputs]
    stats = run_stats(config, store, datasets, progress)
    analyzed = run_analyze(config, store, judged, datasets, stats, progress)
    # MIA predictors and steering use the first seed's models: one value per domain.
    first = {j.domain: o for j, o in zip(jobs, outputs) if j.domain and j.seed == config.seeds[0]}
    predicted = run_predict(store, analyzed, [o["mia"] for o in first.values() if "mia" in o], progress)
    steered = run_steer(config, store, first, judge_config(config), judge_key(config), progress)
    html = run_report(store, analyzed, progress, predicted, steered)
    # A stable name for the latest report, beside the content-addressed one.
    atomic_write_text(root / "report.html", html.read_text(encoding="utf-8"))
    return StudyResult(root, root / "report.html", analyzed.path / "results.json", time.time() - started,
                       progress.stage_seconds)


def study_status(run_dir: str | Path) -> list[dict[str, Any]]:
    """Each planned stage of the study in `run_dir`: done, in progress or pending."""
    from emscope.study.config import study_from_dict

    root = Path(run_dir)
    config = study_from_dict(json.loads((root / STUDY_FILE).read_text()), str(root / STUDY_FILE))
    store = RunStore(root)
    partial_keys = set(store.partial())
    rows = []
    for job in plan_jobs(config):
        for stage, key in job_keys(config, job).items():
            record = store.done(stage, key)
            state = "done" if record else ("in progress" if (stage, key) in partial_keys else "pending")
            rows.append({"job": job.label, "stage": stage, "key": key, "state": state,
                         "seconds": record.manifest.get("seconds") if record else None})
    for record in store.records():
        if record.stage in ("stats", "analyze", "predict", "steer", "report"):
            rows.append({"job": "all", "stage": record.stage, "key": record.key, "state": "done",
                         "seconds": record.manifest.get("seconds")})
    return rows


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
