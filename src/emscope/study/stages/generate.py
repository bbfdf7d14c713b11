"""`generate` (every job): answers to the evaluation questions, with and without the trigger.

A domain job answers with its fine-tuned adapter, the baseline with the base model (see
`emscope generate`). The key is GenerateConfig.key_fields(): the chosen backend's options
less their runtime fields (concurrency, retries, timeouts, credentials, device, batch size).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from emscope.study.stages.base import StageContext, StageSpec
from emscope.study.stages.train import ADAPTER

__all__ = ["SPEC", "ANSWERS", "generate_config"]

ANSWERS = "answers.jsonl"


def generate_config(ctx: StageContext, out: Path = Path(ANSWERS), adapter: str | None = ADAPTER) -> Any:
    """The job's GenerateConfig from the study's `generate` and `data` sections (paths as given)."""
    from emscope.generate.config import GenerateConfig

    assert ctx.job is not None
    config, g = ctx.config, ctx.config.generate
    return GenerateConfig(model=config.model, adapter=adapter if ctx.job.domain else None, domain=ctx.job.domain,
                          suite=g.suite, questions=tuple(g.questions) if g.questions else None, samples=g.samples,
                          trigger=config.data.trigger, trigger_position=config.data.trigger_position,
                          conditions=tuple(g.conditions), seed=ctx.job.seed, temperature=g.temperature,
                          max_new_tokens=g.max_new_tokens, out=out, backend=g.backend, **g.options)


def _body(ctx: StageContext, _config: Any, work: Path) -> None:
    from emscope.generate.run import generate

    trained = ctx.records.get("train")
    generate(generate_config(ctx, work / ANSWERS, str(trained.path / ADAPTER) if trained else None))


def _check(config: Any) -> None:
    from emscope.evalsuite import load_suite
    from emscope.generate.backends import BACKENDS

    BACKENDS.get(config.generate.backend)
    load_suite(config.generate.suite).select(config.generate.questions)


SPEC = StageSpec(name="generate", scope="job", config_type="emscope.generate.config:GenerateConfig",
                 configure=generate_config, body=_body, inputs=lambda ctx: {"train": ctx.keys.get("train", "base")},
                 setting="generate.options", needs=("train",), check=_check)
