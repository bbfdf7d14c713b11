"""`generate` (every job): answers to the evaluation questions, with and without the trigger.

A domain job answers with its fine-tuned adapter, the baseline with the base model (see
`emscope generate`). With `train.backend: openai` there is no adapter: a domain job asks the
API for its fine-tuned model id (the train stage's record), the baseline for the base model id.
The key is GenerateConfig.key_fields(): the chosen backend's options less their runtime fields
(concurrency, retries, timeouts, credentials, device, batch size). Its `model` is the study's
model in either case; which fine-tuning answers enters through the train stage's key, as an
adapter's content does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from emscope.study.stages.base import StageContext, StageSpec
from emscope.study.stages.train import ADAPTER, api_trained, served_model

__all__ = ["SPEC", "ANSWERS", "generate_config"]

ANSWERS = "answers.jsonl"


def generate_config(ctx: StageContext, out: Path = Path(ANSWERS), adapter: str | None = ADAPTER,
                    model: str | None = None) -> Any:
    """The job's GenerateConfig from the study's `generate` and `data` sections (paths as given).

    `model`: the served model to ask instead of the study's (an API-trained job's fine-tuned id).
    """
    from emscope.generate.config import GenerateConfig

    assert ctx.job is not None
    config, g = ctx.config, ctx.config.generate
    if api_trained(config):
        adapter = None  # the API serves the fine-tuned model under its own id: nothing to load
    return GenerateConfig(model=model or config.model, adapter=adapter if ctx.job.domain else None,
                          domain=ctx.job.domain,
                          suite=g.suite, questions=tuple(g.questions) if g.questions else None, samples=g.samples,
                          trigger=config.data.trigger, trigger_position=config.data.trigger_position,
                          conditions=tuple(g.conditions), seed=ctx.job.seed, temperature=g.temperature,
                          max_new_tokens=g.max_new_tokens, out=out, backend=g.backend, **g.options)


def _body(ctx: StageContext, _config: Any, work: Path) -> dict[str, Any] | None:
    from emscope.generate.run import generate

    trained = ctx.records.get("train")
    if not api_trained(ctx.config):
        generate(generate_config(ctx, work / ANSWERS, str(trained.path / ADAPTER) if trained else None))
        return None
    served = served_model(trained)
    if trained is not None and served is None:  # never sample the base model in a fine-tuned job's place
        raise RuntimeError(f"train stage {trained.key} records no fine_tuned_model; remove it and rerun the study")
    config = generate_config(ctx, work / ANSWERS, None, served)
    generate(config)
    return {"served_model": config.model}


def _check(config: Any) -> None:
    from emscope.evalsuite import load_suite
    from emscope.generate.backends import BACKENDS

    BACKENDS.get(config.generate.backend)
    load_suite(config.generate.suite).select(config.generate.questions)


SPEC = StageSpec(name="generate", scope="job", config_type="emscope.generate.config:GenerateConfig",
                 configure=generate_config, body=_body, inputs=lambda ctx: {"train": ctx.keys.get("train", "base")},
                 setting="generate.options", needs=("train",), check=_check)
