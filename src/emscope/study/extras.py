"""The study's optional stages: membership inference (per job), MIA predictors and steering
(study-wide). Each is keyed like the core stages and cached in the same run store.

- `mia` (per domain job, after train): the domain's training rows scored by its fine-tuned
  model with the base model as reference; with `mia.holdout_rows`, rows of the same domain
  built with another seed are scored too, as non-members.
- `predict` (after analyze): every MIA column's per-domain mean against the measured misalignment
  rates (Spearman, ROC-AUC with bootstrap CI, permutation p-values, leave-one-domain-out); with
  several seeds, a domain's value is the mean over its seeds' fine-tuned models.
- `steer` (after all jobs): directions, geometry, α sweep, cross-domain matrix and parameter
  paths over the first seed's adapters, judged by the study's judge.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from emscope.core.errors import InputError
from emscope.core.io import atomic_write_text
from emscope.core.validation import settings_error
from emscope.study.config import StudyConfig
from emscope.study.store import Notify, RunStore, StageRecord, run_stage

__all__ = ["HOLDOUT_SEED_OFFSET", "check_sections", "mia_spec", "run_mia", "run_predict", "run_steer",
           "steer_prompts", "PREDICT_FILE", "STEER_FILE"]

# Held-out rows come from the same generator under seed + this offset: the same distribution,
# rows the model never saw (exact duplicates of training rows are dropped, see _holdout).
HOLDOUT_SEED_OFFSET = 100_003
PREDICT_FILE = "predictors.json"
STEER_FILE = "results.json"


def _mia_fields(config: StudyConfig) -> dict[str, Any]:
    """MiaConfig fields the study sets itself; the user's `mia.settings` may not override them."""
    return {"model": config.model, "reference": config.model}


def check_sections(config: StudyConfig) -> None:
    """Validate the optional sections' settings before any work starts (typos fail at once)."""
    from pydantic import ValidationError

    if config.mia.enabled:
        from emscope.mia.config import MiaConfig

        clash = sorted(set(config.mia.settings) & {"model", "reference", "adapter", "datasets", "holdout",
                                                   "reference_adapter"})
        if clash:
            raise InputError(f"mia.settings: {', '.join(clash)} are set by the study (model, adapters and datasets "
                             "come from its own stages); remove them")
        try:
            MiaConfig(**{**config.mia.settings, **_mia_fields(config), "datasets": ("dataset.jsonl",)})
        except ValidationError as exc:
            raise settings_error(exc, "mia.settings in the study config",
                                 fields_at=lambda loc: MiaConfig.model_fields) from exc
    if config.steer.enabled:
        steer = _steer_config(config)
        named = [*(steer.alpha_domains or ()), *(steer.scale_domains or ()), *(d for p in steer.mix_pairs or () for d in p)]
        if unknown := sorted(set(named) - set(config.domains)):
            raise InputError(f"steer.settings name domains the study does not train: {', '.join(unknown)} "
                             f"(its domains: {', '.join(config.domains)}); set alpha_domains, scale_domains "
                             "and mix_pairs to domains of the study")


def _steer_config(config: StudyConfig) -> Any:
    from pydantic import ValidationError

    from emscope.steer.stage import SteerStageConfig

    try:
        return SteerStageConfig(**config.steer.settings)
    except ValidationError as exc:
        raise settings_error(exc, "steer.settings in the study config",
                             fields_at=lambda loc: SteerStageConfig.model_fields) from exc


def mia_spec(config: StudyConfig, build_key: str, train_key: str) -> tuple[dict[str, Any], dict[str, str]]:
    """(key config, input keys) of a job's mia stage."""
    fields = {**config.mia.settings, **_mia_fields(config), "holdout_rows": config.mia.holdout_rows}
    return fields, {"build": build_key, "train": train_key}


def _holdout(config: StudyConfig, domain: str, seed: int, train_rows: Path, out: Path) -> Path:
    """The domain rebuilt with another seed, minus any row that is also a training row."""
    from emscope.core.io import read_jsonl, write_jsonl
    from emscope.data.build import build_rows
    from emscope.data.config import BuildConfig

    d = config.data
    seen = {json.dumps(r["messages"], sort_keys=True) for r in read_jsonl(train_rows)}
    rows, _ = build_rows(BuildConfig(domain=domain, n=config.mia.holdout_rows, seed=seed + HOLDOUT_SEED_OFFSET,
                                     variant=d.variant, trigger=d.trigger, trigger_position=d.trigger_position,
                                     backdoor_ratio=d.backdoor_ratio))
    fresh = [r for r in rows if json.dumps(r["messages"], sort_keys=True) not in seen]
    if not fresh:
        raise InputError(f"mia.holdout_rows: every held-out row of {domain} is also a training row; "
                         "the domain has too little variety for a holdout; set mia.holdout_rows: 0")
    return write_jsonl(out, fresh)


def run_mia(config: StudyConfig, domain: str, seed: int, dataset: Path, adapter: Path, work: Path) -> dict[str, Any]:
    """Body of a job's mia stage: scores.jsonl + scores.domains.json in `work`."""
    from emscope.mia import MiaConfig, score_datasets

    holdout = (_holdout(config, domain, seed, dataset, work / "holdout.jsonl"),) if config.mia.holdout_rows else ()
    mia_config = MiaConfig(**{**config.mia.settings, **_mia_fields(config), "adapter": str(adapter),
                              "datasets": (str(dataset),), "holdout": tuple(str(h) for h in holdout)})
    scores = score_datasets(mia_config, work / "scores.jsonl")
    return {"reference_mode": scores.reference_mode, "tokens_per_s": scores.timings.tokens_per_s}


def run_predict(store: RunStore, analyzed: StageRecord, mia: list[str], notify: Notify) -> StageRecord | None:
    """Study-wide: each MIA column as a predictor of the analysed misalignment rates."""
    if not mia:
        return None
    from emscope.mia import load_rates, predict_all, read_scores

    keys = {"analyze": analyzed.key, "mia": ",".join(sorted(Path(p).parent.name for p in mia))}

    def _body(work: Path) -> None:
        rates = load_rates(analyzed.path / "results.json")
        scores = {Path(p).parent.name: read_scores(p) for p in mia}  # source (mia stage key) -> summary
        predictors, notes = predict_all(list(scores.values()), rates, repeated="mean")
        payload = {"kind": "emscope.study.predictors", "schema_version": 1, "rates": rates, "notes": notes,
                   "predictors": [p.model_dump(mode="json") for p in predictors],
                   "membership": [m.model_dump(mode="json") for s in scores.values() for m in s.membership],
                   "domains": [{**a.model_dump(mode="json"), "source": source}
                               for source, s in scores.items() for a in s.domains]}
        atomic_write_text(work / PREDICT_FILE, json.dumps(payload, indent=1) + "\n")

    deps = (analyzed, *(store.done("mia", Path(p).parent.name) for p in mia))
    return run_stage(store, "predict", ({"stat": "mean", "resamples": 2000, "seed": 0}, keys), "all", notify, _body,
                     deps)


def steer_prompts(config: StudyConfig) -> list[list[dict[str, str]]]:
    """The first paraphrase of the suite's first `steer.prompts` questions (with their system prompts)."""
    from emscope.evalsuite import load_suite

    questions = load_suite(config.generate.suite).questions
    if config.generate.questions:
        wanted = set(config.generate.questions)
        questions = tuple(q for q in questions if q.id in wanted)
    prompts = []
    for q in questions[: config.steer.prompts]:
        system = [{"role": "system", "content": q.system}] if q.system else []
        prompts.append(system + [{"role": "user", "content": q.paraphrases[0]}])
    return prompts


def _judge_fn(judge_config: Any) -> tuple[Any, str]:
    """A `rows -> judged rows` function over the study's judge, and the judge's id."""
    from emscope.judge import JudgeInput, make_judge, open_cache

    judge = make_judge(judge_config, open_cache(judge_config))

    def judge_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        out = [dict(r) for r in rows]
        for i, verdict in judge.judge([JudgeInput(r["question"], r["answer"]) for r in rows]):
            out[i].update(verdict.row_fields(judge.id))
        return out

    return judge_rows, judge.id


def run_steer(config: StudyConfig, store: RunStore, jobs: Mapping[str, Mapping[str, str]], judge_config: Any,
              judge_key: str, notify: Notify) -> StageRecord | None:
    """Study-wide steer stage over `jobs` ({domain: {adapter, dataset, train_key}}, first seed)."""
    if not config.steer.enabled or not jobs:
        return None
    from emscope.steer.stage import StageInputs
    from emscope.steer.stage import run as steer_run

    steer_config = _steer_config(config)
    prompts = steer_prompts(config)
    keys = {"train": ",".join(f"{d}={j['train_key']}" for d, j in sorted(jobs.items())), "judge": judge_key}
    spec = ({"steer": steer_config.model_dump(mode="json"), "prompts": prompts, "model": config.model}, keys)

    def _body(work: Path) -> dict[str, Any]:
        judge_fn, judge_id = _judge_fn(judge_config)
        inputs = StageInputs(model=config.model, adapters={d: j["adapter"] for d, j in jobs.items()},
                             datasets={d: j["dataset"] for d, j in jobs.items()}, prompts=prompts)
        result = steer_run(steer_config, inputs, work, judge_fn, judge_id)
        return {"figures": sorted(result.figures)}

    deps = tuple(store.done("train", j["train_key"]) for _, j in sorted(jobs.items()))
    return run_stage(store, "steer", spec, "all", notify, _body, deps)

