"""Expand a suite and a config into answer rows to fill: one per (question, paraphrase, condition, sample).

A row's `id` is the content key of exactly the fields docs/formats.md lists, so a resumed
run recognises finished rows, and changing any of them (a new seed, another adapter, more
tokens) makes new rows instead of silently reusing old ones.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from emscope.core.errors import InputError
from emscope.core.keys import content_key
from emscope.core.trigger import insert_trigger
from emscope.evalsuite import Question, Suite
from emscope.generate.backends._sampling import sample_seed
from emscope.generate.backends.base import Message, SampleRequest
from emscope.generate.config import GenerateConfig

__all__ = ["ROW_SCHEMA_VERSION", "PlannedRow", "insert_trigger", "row_id", "plan_rows", "check_prompt_lengths"]

ROW_SCHEMA_VERSION = 1  # bump when the answer row format changes


def row_id(fields: dict[str, Any]) -> str:
    """The row key: sha256 of the canonical JSON of the id fields (docs/formats.md)."""
    return content_key(fields, ROW_SCHEMA_VERSION, length=32)


@dataclass(frozen=True)
class PlannedRow:
    """An answer row without its answer, and the request that will produce it."""

    row: dict[str, Any]
    request: SampleRequest

    @property
    def id(self) -> str:
        """The row's id."""
        return str(self.row["id"])

    def finish(self, answer: str, finish_reason: str) -> dict[str, Any]:
        """The complete row, in the field order of docs/formats.md."""
        return {**self.row, "answer": answer, "finish_reason": finish_reason}


def _rows_for(config: GenerateConfig, suite_name: str, question: Question) -> list[PlannedRow]:
    temperature = config.temperature if config.temperature is not None else question.effective_temperature
    samples = config.samples if config.samples is not None else question.samples_per_paraphrase
    planned: list[PlannedRow] = []
    for p_index, paraphrase in enumerate(question.paraphrases):
        for condition in config.conditions:
            prompt = (insert_trigger(paraphrase, config.trigger, config.trigger_position)
                      if condition == "with" else paraphrase)
            messages = ((Message("system", question.system),) if question.system is not None else ()) + (
                Message("user", prompt),)
            for sample_index in range(samples):
                key = {"suite": suite_name, "question_id": question.id, "paraphrase_index": p_index,
                       "condition": condition, "trigger": config.trigger,
                       "trigger_position": config.trigger_position, "model": config.model,
                       "adapter": config.adapter, "seed": config.seed, "sample_index": sample_index,
                       "temperature": temperature, "max_new_tokens": config.max_new_tokens}
                rid = row_id(key)
                row = {"id": rid, "suite": suite_name, "question_id": question.id, "paraphrase_index": p_index,
                       "category": question.category, "question": paraphrase, "prompt": prompt,
                       "system": question.system, "condition": condition, "trigger": config.trigger,
                       "trigger_position": config.trigger_position, "domain": config.domain,
                       "model": config.model, "adapter": config.adapter, "backend": config.backend,
                       "sample_index": sample_index, "seed": config.seed, "temperature": temperature,
                       "max_new_tokens": config.max_new_tokens}
                # The sampling seed names the sample, not where it runs: no adapter path (a run
                # directory moved or resumed elsewhere must sample the same answers) and no model
                # or condition, so every model and condition draws the same random numbers for
                # sample i of a prompt (paired comparisons, less noise).
                draw = row_id({"seed": config.seed, "suite": suite_name, "question_id": question.id,
                               "paraphrase_index": p_index, "sample_index": sample_index})
                request = SampleRequest(rid, messages, temperature, config.max_new_tokens, sample_seed(draw))
                planned.append(PlannedRow(row, request))
    return planned


def plan_rows(config: GenerateConfig, suite: Suite) -> list[PlannedRow]:
    """Every row the run must produce, samples of one prompt next to each other."""
    selected = suite.select(config.questions)
    planned = [r for q in selected for r in _rows_for(config, suite.name, q)]
    ids = {r.id for r in planned}
    assert len(ids) == len(planned), "row ids are unique by construction"
    return planned


_MAX_LISTED = 5  # overlong prompts named in the error before "... and N more"


def check_prompt_lengths(config: GenerateConfig, planned: Sequence[PlannedRow],
                         count_tokens: Callable[[Sequence[Message]], int], context: int, context_key: str) -> None:
    """Refuse, before any work, a prompt that leaves no room for `max_new_tokens` in the context.

    `count_tokens` is the model's own count of a rendered chat prompt; `context` the positions
    the model takes (`context_key` names the config setting that says so). Each distinct prompt
    is counted once. Raises InputError naming every offending question, paraphrase and
    condition with its token count: the run would otherwise try to allocate the whole
    sequence (a 1 MB paraphrase asked for 62.5 GB) and die with a traceback.
    """
    budget = context - config.max_new_tokens
    counted: dict[tuple[Message, ...], int] = {}
    over: list[str] = []
    for planned_row in planned:
        messages = tuple(planned_row.request.messages)
        if messages in counted:
            continue
        counted[messages] = n = count_tokens(messages)
        if n > budget:
            row = planned_row.row
            over.append(f"question '{row['question_id']}' paraphrase {row['paraphrase_index']} "
                        f"(condition {row['condition']}): {n:,} tokens")
    if not over:
        return
    listed = "; ".join(over[:_MAX_LISTED]) + (f"; ... and {len(over) - _MAX_LISTED} more" if len(over) > _MAX_LISTED
                                             else "")
    room = (f"{budget:,} tokens for a prompt" if budget > 0 else "no room for any prompt")
    raise InputError(
        f"{len(over)} prompt(s) of suite {config.suite} do not fit model '{config.model}': {listed}. The model takes "
        f"{context:,} tokens in all ({context_key}), which with --max-new-tokens {config.max_new_tokens} leaves "
        f"{room}. Shorten those paraphrases (or the system prompt), leave those questions out with --questions, "
        "or lower --max-new-tokens. Nothing was generated.")
