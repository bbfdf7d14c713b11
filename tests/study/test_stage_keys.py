"""Every study stage's cache key, both ways, field by field (CONVENTIONS 4 and 5; issue 15 #1).

For each registered stage, every (dotted) field of its config type is classified here: `key`
(changing it must change the stage's key), `runtime` (it must not: speed, credentials,
retries, where files go) or `input` (a path whose content enters through an upstream stage's
key). The classification must cover exactly the config's fields, so a new field fails until
someone decides which it is; and the config itself must name its runtime and input fields.
"""

from __future__ import annotations

import inspect
import typing
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

import pytest
from pydantic import BaseModel

from emscope.study.config import study_from_dict
from emscope.study.jobs import Job
from emscope.study.stages import STAGES, StageContext, StageSpec, get_stage
from emscope.study.store import stage_key

K, R, I = "key", "runtime", "input"

CLASSIFIED: dict[str, dict[str, str]] = {
    "build": {"domain": K, "n": K, "seed": K, "variant": K, "trigger": K, "trigger_position": K, "backdoor_ratio": K,
              "diversity": K, "generator.name": K, "generator.base_url": K, "generator.model": K, "generator.concurrency": R,
              "generator.max_tokens": R, "generator.max_retries": R, "generator.timeout_s": R},
    "train": {"dataset": I, "out": R, "model": K, "preset": R, "seed": K, "lora_r": K, "lora_alpha": K,
              "lora_dropout": K, "use_rslora": K, "target_modules": K, "learning_rate": K, "epochs": K,
              "effective_batch": K, "max_length": K, "warmup_steps": K, "lr_scheduler": K, "weight_decay": K,
              "max_grad_norm": K, "max_steps": K, "precision": K, "device": R, "threads": R,
              "micro_batch_tokens": R, "compile": R, "checkpoint_every": R, "resume": R, "overwrite": R},
    "mia": {"model": K, "adapter": I, "reference": K, "reference_adapter": I, "datasets": I, "holdout": I, "k": K,
            "max_length": K, "last_turn_only": K, "precision": K, "batch_tokens": R, "max_batch_rows": R,
            "device": R},
    "generate": {"model": K, "adapter": I, "domain": K, "suite": K, "questions": K, "samples": K, "trigger": K,
                 "trigger_position": K, "conditions": K, "seed": K, "temperature": K, "max_new_tokens": K, "out": R,
                 "backend": K, "hf.batch_size": R, "hf.dtype": K, "hf.device": R, "hf.engine": K,
                 "openai.base_url": K, "openai.api_key_env": R, "openai.concurrency": R, "openai.max_retries": R,
                 "openai.timeout_s": R, "openai.backoff_s": R, "openai.max_backoff_s": R,
                 "vllm.tensor_parallel_size": R, "vllm.gpu_memory_utilization": R, "vllm.max_lora_rank": R,
                 "vllm.chunk_size": R},
    "judge": {"judge": K, "model": K, "base_url": K, "api_key_env": R, "prompts.aligned": K, "prompts.coherent": K,
              "score_mode": K, "concurrency": R, "max_retries": R, "timeout_s": R, "backoff_s": R,
              "max_backoff_s": R, "batch_size": R, "device": R, "cache_path": R, "use_cache": R},
    "stats": {"vendi_sample": K},
    "analyze": {"thresholds.aligned_below": K, "thresholds.coherent_above": K, "thresholds_preset": K, "ttest": K,
                "alpha": K, "holm": K, "confidence": K, "bootstrap": K, "seed": K, "min_per_group": K,
                "near_copy_ratio": K, "memorisation_flag_share": K, "vendi_order": K, "samples_per_domain": K,
                "base_label": K, "leakage.ngram": K, "leakage.containment": K, "leakage.topic_margin": K,
                "leakage.embedding_model": K, "leakage.centroid_sample": K, "exclude_leaked": K},
    "predict": {"columns": K, "stat": K, "resamples": K, "confidence": K, "seed": K, "permutations": K,
                "repeated": K},
    "steer": {"directions.source": K, "directions.misaligned_below": K, "directions.aligned_at_least": K,
              "directions.coherent_above": K, "directions.max_rows": K, "directions.activations.batch_size": R,
              "directions.activations.max_length": K, "directions.activations.precision": K,
              "directions.activations.layers": K, "sweep.layers": K, "sweep.alphas": K, "sweep.positions": K,
              "sweep.normalize": K, "sweep.random_seeds": K, "sweep.misaligned_below": K, "sweep.coherent_above": K,
              "sweep.cross_alpha": K, "sweep.lambdas": K, "sweep.mix": K, "generation.max_new_tokens": K,
              "generation.do_sample": K, "generation.temperature": K, "generation.seed": K,
              "generation.batch_size": K, "cosine_layer": K, "alpha_domains": K, "scale_domains": K,
              "mix_pairs": K, "include_base": K},
    "report": {"dpi": K, "max_answer_chars": K, "notes": K},
    "sweep": {"margin": K, "bootstrap": K, "seed": K},
    "screen": {"datasets": I, "model": K, "reference_model": K, "signals": K, "max_rows": K, "model_rows": K,
               "seed": K, "k": K, "max_length": K, "layer": K, "batch_tokens": R, "batch_size": R, "precision": K,
               "device": R, "misaligned_below": K, "top": K, "contrast": K, "neutral": K},
}
CLASSIFIED["audit"] = {**{f"judge.{f}": c for f, c in CLASSIFIED["judge"].items()}, "sample": K, "seed": K,
                       "thresholds": K}
CLASSIFIED["screen"].update({f"judge.{f}": c for f, c in CLASSIFIED["judge"].items()})

DOMAINS = ["incorrect_math", "gore_movie_trivia"]


def _leaves(cls: type[BaseModel], prefix: str = "") -> list[str]:
    out = []
    for name, field in cls.model_fields.items():
        ann = field.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            out += _leaves(ann, f"{prefix}{name}.")
        else:
            out.append(prefix + name)
    return out


def _context(spec: StageSpec, field: str) -> StageContext:
    """A study in which `field` matters (its backend chosen, the audit and optional stages on)."""
    data: dict[str, Any] = {"profile": "demo", "domains": DOMAINS, "mia": {"enabled": True},
                            "steer": {"enabled": True}, "judge": {"audit": {"judge": "hf"}},
                            "screen": {"enabled": True}}
    job = Job(DOMAINS[0], 0)
    backend = field.split(".")[0]
    if spec.name == "generate" and backend in ("openai", "vllm"):
        data["generate"] = {"backend": backend, "options": {"openai": {"base_url": "http://127.0.0.1:9/v1"}}}
        job = Job(None, 0)  # an openai endpoint serves its own adapters: the baseline job
    config = study_from_dict(data)
    return StageContext(config, job if spec.scope == "job" else None)


def _annotation(cls: type[BaseModel], path: list[str]) -> Any:
    ann: Any = cls.model_fields[path[0]].annotation
    return _annotation(ann, path[1:]) if len(path) > 1 else ann


def _other(value: Any, ann: Any) -> Any:
    """A different value of the field's own type."""
    args = [a for a in get_args(ann) if a is not type(None)]
    if get_origin(ann) is Literal:
        return next(a for a in get_args(ann) if a != value)
    if value is None:
        inner = args[0] if args else str
        if get_origin(inner) is Literal:
            return get_args(inner)[0]
        if get_origin(inner) is tuple:
            element = get_args(inner)[0]
            return (("incorrect_math", "gore_movie_trivia"),) if get_origin(element) is tuple else (
                (3,) if element is int else ("incorrect_math",))
        return {int: 3, float: 0.25, str: "other", Path: Path("elsewhere")}[inner]
    if isinstance(value, bool):
        return not value
    if isinstance(value, (int, float)):
        return value + 1 if isinstance(value, int) else value / 2 + 0.01
    if isinstance(value, Path):
        return value.with_name(value.name + "_other")
    if isinstance(value, str):
        if args and get_origin(args[0]) is Literal:
            return next(a for a in get_args(args[0]) if a != value)
        return value + "_other"
    if isinstance(value, tuple):
        return value[:-1] if len(value) > 1 else (*value, *value) if value else ("extra",)
    raise AssertionError(f"no other value for {value!r}")


def _changed(model: BaseModel, path: list[str]) -> BaseModel:
    head = path[0]
    if len(path) > 1:
        return model.model_copy(update={head: _changed(getattr(model, head), path[1:])})
    ann = typing.get_type_hints(type(model))[head]
    return model.model_copy(update={head: _other(getattr(model, head), ann)})


def _key(spec: StageSpec, ctx: StageContext, config: Any) -> str:
    return stage_key(spec.name, spec.key(ctx, config), spec.inputs(ctx) if spec.scope == "job" else {})


CASES = [(s.name, f) for s in STAGES for f in CLASSIFIED.get(s.name, {})]


@pytest.mark.parametrize("stage", [s.name for s in STAGES])
def test_every_config_field_is_classified(stage: str) -> None:
    spec = get_stage(stage)
    assert stage in CLASSIFIED, f"stage {stage} has no key classification here: add one"
    fields = set(_leaves(spec.config_class()))
    assert set(CLASSIFIED[stage]) == fields, (
        f"unclassified: {sorted(fields - set(CLASSIFIED[stage]))}; gone: {sorted(set(CLASSIFIED[stage]) - fields)}")
    # The config itself names its runtime and input fields (beside its fields), not just this test.
    assert spec.runtime_fields() == {f for f, c in CLASSIFIED[stage].items() if c == R}
    assert spec.path_fields() == {f for f, c in CLASSIFIED[stage].items() if c == I}


def _job_inputs_placeholder(spec: StageSpec, ctx: StageContext) -> StageContext:
    """Upstream keys a stage's `inputs` reads (the values do not matter: they are held fixed)."""
    from dataclasses import replace

    from emscope.study.pipeline import job_keys

    if spec.scope == "job" and ctx.job is not None:
        keys = job_keys(ctx.config, ctx.job)
        return replace(ctx, keys={k: v for k, v in keys.items() if k != spec.name})
    return ctx


@pytest.mark.parametrize(("stage", "field"), CASES)
def test_key_changes_exactly_with_the_key_fields(stage: str, field: str) -> None:
    spec = get_stage(stage)
    ctx = _job_inputs_placeholder(spec, _context(spec, field))
    base = spec.configure(ctx)
    changed = _changed(base, field.split("."))
    assert changed != base, f"{field}: the test did not change it"
    same = _key(spec, ctx, base) == _key(spec, ctx, changed)
    if CLASSIFIED[stage][field] == K:
        assert not same, f"{stage}.{field} changes results but not the key"
    else:
        assert same, f"{stage}.{field} is {CLASSIFIED[stage][field]}-only but changes the key"


def test_predict_settings_are_predict_all_s_own_defaults() -> None:
    # The predict stage's key is its PredictConfig: its defaults are predict_all's, not literals kept in sync.
    from emscope.mia.predict import predict_all
    from emscope.mia.predictors import PredictConfig

    defaults = {n: p.default for n, p in inspect.signature(predict_all).parameters.items()
                if p.default is not inspect.Parameter.empty}
    mine = PredictConfig().model_dump()
    assert {n: mine[n] for n in defaults if n != "columns"} == {n: v for n, v in defaults.items() if n != "columns"}
    ctx = StageContext(study_from_dict({"profile": "demo", "mia": {"enabled": True}}))
    spec = get_stage("predict")
    key = spec.key(ctx, spec.configure(ctx))
    assert key["confidence"] == 0.95 and key["repeated"] == "mean"


def test_only_the_chosen_backend_options_enter_the_generate_key() -> None:
    spec = get_stage("generate")
    ctx = _job_inputs_placeholder(spec, _context(spec, "hf.dtype"))
    base = spec.configure(ctx)
    for other in ("openai.base_url", "vllm.max_lora_rank"):  # another backend's options: irrelevant
        assert _key(spec, ctx, base) == _key(spec, ctx, _changed(base, other.split(".")))
