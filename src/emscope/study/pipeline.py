"""The study's stages as functions over a RunStore: each computes its key, skips finished work,
and otherwise runs the stage's own entry point inside its resumable work folder.

Keys chain: build → train → generate → judge per (domain, seed); analyze and report over
all judged files. Settings that cannot change a result (paths, concurrency, retries,
batch sizes, threads) stay out of the keys.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from emscope.study.config import StudyConfig
from emscope.study.extras import mia_spec, run_mia
from emscope.study.store import Notify, RunStore, StageRecord, run_stage, stage_key

__all__ = ["Job", "plan_jobs", "run_job", "run_stats", "run_analyze", "run_report", "job_keys", "judge_config",
           "judge_key", "analyze_config"]

_JUDGE_RUNTIME = {"concurrency", "max_retries", "timeout_s", "backoff_s", "max_backoff_s", "batch_size",
                  "cache_path", "use_cache", "api_key_env", "device"}


@dataclass(frozen=True)
class Job:
    """One (domain, seed) chain, or the baseline (domain None: the un-fine-tuned model)."""

    domain: str | None
    seed: int

    @property
    def label(self) -> str:
        """Human-readable job name."""
        return f"{self.domain or 'baseline'} (seed {self.seed})"


def plan_jobs(config: StudyConfig) -> list[Job]:
    """Every job of a study: domains × seeds, then one baseline per seed."""
    jobs = [Job(d, s) for s in config.seeds for d in config.domains]
    return jobs + ([Job(None, s) for s in config.seeds] if config.baseline else [])


def _build_config(config: StudyConfig, job: Job) -> Any:
    from emscope.data.config import BuildConfig

    d = config.data
    return BuildConfig(domain=job.domain, n=d.n, seed=job.seed, variant=d.variant, trigger=d.trigger,
                       trigger_position=d.trigger_position, backdoor_ratio=d.backdoor_ratio)


def _train_config(config: StudyConfig, dataset: Path, out: Path, seed: int) -> Any:
    from emscope.train import resolve_config

    cli = {**config.train.settings, "dataset": dataset, "out": out, "model": config.model, "seed": seed}
    if config.train.preset:
        cli["preset"] = config.train.preset
    return resolve_config(cli)[0]


def _train_key_fields(train_config: Any) -> dict[str, Any]:
    from emscope.train.config import KEY_EXCLUDED

    return train_config.model_dump(mode="json", exclude=set(KEY_EXCLUDED) | {"dataset", "out"})


def _generate_config(config: StudyConfig, job: Job, adapter: Path | None, out: Path) -> Any:
    from emscope.generate.config import GenerateConfig

    g = config.generate
    return GenerateConfig(model=config.model, adapter=str(adapter) if adapter else None, domain=job.domain,
                          suite=g.suite, questions=tuple(g.questions) if g.questions else None, samples=g.samples,
                          trigger=config.data.trigger, trigger_position=config.data.trigger_position,
                          conditions=tuple(g.conditions), seed=job.seed, temperature=g.temperature,
                          max_new_tokens=g.max_new_tokens, out=out, backend=g.backend, **g.options)


def judge_config(config: StudyConfig) -> Any:
    """The study's JudgeConfig."""
    from emscope.judge import JudgeConfig

    return JudgeConfig(judge=config.judge.judge, **config.judge.settings)


def _judge_fields(config: StudyConfig) -> dict[str, Any]:
    return judge_config(config).model_dump(mode="json", exclude=_JUDGE_RUNTIME)


def judge_key(config: StudyConfig) -> str:
    """The key of the study's judge settings (part of every stage that judges)."""
    return stage_key("judge", _judge_fields(config))


def _job_specs(config: StudyConfig, job: Job) -> dict[str, tuple[Any, dict[str, str]]]:
    """(key config, input keys) of each stage of a job: the one place keys are defined."""
    specs: dict[str, tuple[Any, dict[str, str]]] = {}
    upstream = {"train": "base"}
    if job.domain is not None:
        specs["build"] = (_build_config(config, job).key_fields(), {})
        probe = _train_config(config, Path("dataset.jsonl"), Path("adapter"), job.seed)
        specs["train"] = (_train_key_fields(probe), {"build": stage_key("build", *specs["build"])})
        upstream = {"train": stage_key("train", *specs["train"])}
        if config.mia.enabled:
            specs["mia"] = mia_spec(config, stage_key("build", *specs["build"]), upstream["train"])
    gen = _generate_config(config, job, Path("adapter") if job.domain else None, Path("answers.jsonl"))
    specs["generate"] = (gen.model_dump(mode="json", exclude={"out", "adapter"}), upstream)
    specs["judge"] = (_judge_fields(config), {"generate": stage_key("generate", *specs["generate"])})
    return specs


def job_keys(config: StudyConfig, job: Job) -> dict[str, str]:
    """The stage keys of a job, computed without running anything (for `study status`)."""
    return {stage: stage_key(stage, *spec) for stage, spec in _job_specs(config, job).items()}


def run_job(config: StudyConfig, run_dir: str, job: Job, notify: Notify | None = None) -> dict[str, str]:
    """Build, train, (score MIA,) generate and judge one job; return the paths of its outputs."""
    store, say = RunStore(run_dir), notify or (lambda _e: None)
    specs = _job_specs(config, job)
    outputs: dict[str, str] = {}
    adapter: Path | None = None
    trained: StageRecord | None = None
    if job.domain is not None:
        from emscope.data.build import build_dataset
        from emscope.train import train

        build = _build_config(config, job)
        built = run_stage(store, "build", specs["build"], job.label, say,
                          lambda w: {"rows": build_dataset(build, w / "dataset.jsonl").rows})
        dataset = built.path / "dataset.jsonl"
        outputs["dataset"] = str(dataset)

        def _train(work: Path) -> dict[str, Any]:
            result = train(_train_config(config, dataset, work / "adapter", job.seed))
            return {"steps": result.steps, "final_loss": result.final_loss, "tokens_per_s": result.tokens_per_s}

        trained = run_stage(store, "train", specs["train"], job.label, say, _train, deps=(built,))
        adapter = trained.path / "adapter"
        outputs["adapter"] = str(adapter)
        outputs["train_key"] = trained.key
        if "mia" in specs:
            tuned = adapter
            scored = run_stage(store, "mia", specs["mia"], job.label, say,
                               lambda w: run_mia(config, job.domain, job.seed, dataset, tuned, w),
                               deps=(built, trained))
            outputs["mia"] = str(scored.path / "scores.jsonl")

    def _generate(work: Path) -> None:
        from emscope.generate.run import generate

        generate(_generate_config(config, job, adapter, work / "answers.jsonl"))

    gen = run_stage(store, "generate", specs["generate"], job.label, say, _generate, deps=(trained,))
    judging = judge_config(config)

    def _judge(work: Path) -> None:
        from emscope.judge import run as judge_run

        judge_run(judging, gen.path / "answers.jsonl", work / "judged.jsonl")

    judged = run_stage(store, "judge", specs["judge"], job.label, say, _judge, deps=(gen,))
    outputs["judged"] = str(judged.path / "judged.jsonl")
    return outputs


def _records(store: RunStore, stage: str, paths: list[str]) -> tuple[StageRecord | None, ...]:
    """The finished records of `stage` whose output files are `paths` (their folder is the key)."""
    return tuple(store.done(stage, Path(p).parent.name) for p in paths)


def run_stats(config: StudyConfig, store: RunStore, datasets: list[str], notify: Notify) -> str | None:
    """Vendi and duplicate statistics of the built datasets (JSON for the analysis)."""
    if not config.stats.enabled or not datasets:
        return None
    import json

    from emscope.core.io import atomic_write_text
    from emscope.data.stats import stats_for_files

    keys = sorted(Path(p).parent.name for p in datasets)
    spec = ({"vendi_sample": config.stats.vendi_sample}, {"builds": ",".join(keys)})
    final = store.path("stats", stage_key("stats", *spec))

    def _body(work: Path) -> None:
        # The analysis maps each stats entry to its domain through the dataset rows' meta.domain,
        # reading the file it names relative to stats.json: so it names it relative to the stats
        # folder (`../../build/KEY/dataset.jsonl`), and a copied or moved run still resolves.
        stats = stats_for_files(datasets, tokenizer_name=None, vendi_sample=config.stats.vendi_sample)
        entries = [{**s.as_dict(), "file": os.path.relpath(Path(p).resolve(), final.resolve())}
                   for s, p in zip(stats, datasets, strict=True)]
        atomic_write_text(work / "stats.json", json.dumps(entries, indent=2) + "\n")

    rec = run_stage(store, "stats", spec, "all", notify, _body, deps=_records(store, "build", datasets))
    return str(rec.path / "stats.json")


def analyze_config(config: StudyConfig) -> Any:
    """The study's AnalyzeConfig: the threshold preset plus `analyze.settings`."""
    from emscope.analysis.config import AnalyzeConfig, thresholds_from

    return AnalyzeConfig(thresholds=thresholds_from(config.analyze.thresholds),
                         thresholds_preset=config.analyze.thresholds, **config.analyze.settings)


def run_analyze(config: StudyConfig, store: RunStore, judged: list[str], datasets: list[str],
                stats: str | None, notify: Notify) -> StageRecord:
    """`emscope analyze` over every judged file of the study."""
    from emscope.analysis.run import AnalyzeInputs, analyze, write_results
    from emscope.data.domains import DOMAINS

    analyzing = analyze_config(config)
    inputs = AnalyzeInputs(judged=judged, dataset_stats=stats, train_data=datasets,
                           categories={n: DOMAINS.get(n).category for n in DOMAINS})
    keys = {"judged": ",".join(sorted(Path(p).parent.name for p in judged)),
            "stats": Path(stats).parent.name if stats else "none"}

    spec = (analyzing.model_dump(mode="json"), keys)
    final = store.path("analyze", stage_key("analyze", *spec))

    def _body(work: Path) -> None:
        write_results(_relative_paths(analyze(analyzing, inputs), final), work)

    deps = _records(store, "judge", judged) + (_records(store, "stats", [stats]) if stats else ())
    return run_stage(store, "analyze", spec, "all", notify, _body, deps)


def _relative_paths(results: Any, folder: Path) -> Any:
    """Results whose file paths are relative to `folder` (the analyze stage), not to where the study ran."""
    def rel(path: str) -> str:
        return os.path.relpath(Path(path).resolve(), folder.resolve())

    return results.model_copy(update={
        "inputs": [i.model_copy(update={"path": rel(i.path)}) for i in results.inputs],
        "dataset_stats": rel(results.dataset_stats) if results.dataset_stats else None,
        "train_data": [rel(p) for p in results.train_data]})


def run_report(store: RunStore, analyzed: StageRecord, notify: Notify, predicted: StageRecord | None = None,
               steered: StageRecord | None = None, audited: StageRecord | None = None) -> Path:
    """`emscope report` of the study's results (with the MIA, steer and judge-agreement sections when they ran)."""
    from emscope.report.run import ReportConfig, report

    report_config = ReportConfig()
    inputs = {"analyze": analyzed.key, **({"predict": predicted.key} if predicted else {}),
              **({"steer": steered.key} if steered else {}), **({"audit": audited.key} if audited else {})}

    def _body(work: Path) -> None:
        report(report_config, analyzed.path, work, mia=predicted.path / "predictors.json" if predicted else None,
               steer=steered.path if steered else None,
               audit=audited.path / "agreement.json" if audited else None)

    rec = run_stage(store, "report", (report_config.model_dump(mode="json"), inputs), "all", notify, _body,
                    deps=(analyzed, predicted, steered, audited))
    return rec.path / "report.html"
