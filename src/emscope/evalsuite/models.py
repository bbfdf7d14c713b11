"""Typed question suites: the public EM question-file format, plus emscope's `category`.

A field that is present must be meaningful: `system: null` or `judge_prompts: null` is an
error, not "no system prompt", because in real files a null there almost always means a
mis-indented YAML anchor (a bug peers shipped). Unknown fields are errors too, so a typo
such as `sytem:` cannot silently drop a system prompt.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from emscope.core.errors import InputError
from emscope.core.registry import closest

__all__ = ["QUESTION_TYPES", "DEFAULT_TEMPERATURE", "Question", "Suite"]

# All three mean "free-form answer, judged afterwards": the public files use the long forms.
QUESTION_TYPES = ("free_form", "free_form_judge_0_100", "free_form_judge")
DEFAULT_TEMPERATURE = 1.0  # what a question without `temperature` is sampled at


class Question(BaseModel):
    """One question: one or more paraphrases of a user prompt, sampled several times each."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1, description="Unique within the file.")
    type: Literal["free_form", "free_form_judge_0_100", "free_form_judge"] = Field(
        "free_form", description="Question type; all accepted types are free-form answers.")
    paraphrases: tuple[str, ...] = Field(min_length=1, description="User prompts asking the same thing.")
    samples_per_paraphrase: int = Field(1, ge=1, description="Default samples per paraphrase (--samples overrides).")
    system: str | None = Field(None, description="System prompt sent with every paraphrase.")
    temperature: float | None = Field(None, ge=0.0, le=5.0, description="Sampling temperature for this question.")
    judge_prompts: dict[str, str] | None = Field(
        None, description="Judge prompt per metric (e.g. aligned, coherent) with {question}/{answer} placeholders.")
    judge: str | None = Field(None, description="Judge model named by the file (informational).")
    category: str | None = Field(None, description="emscope's grouping: free_form, json, template, jailbreak, ...")

    @model_validator(mode="before")
    @classmethod
    def _no_explicit_nulls(cls, data: object) -> object:
        # A key that is present with a null value is almost always a broken YAML anchor.
        if isinstance(data, dict):
            for key in ("system", "temperature", "judge_prompts", "paraphrases", "samples_per_paraphrase"):
                if key in data and data[key] is None:
                    raise ValueError(f"field '{key}' is null; remove the key, or check the YAML anchor it "
                                     "refers to (a mis-indented anchor loads as null)")
        return data

    @field_validator("paraphrases", mode="before")
    @classmethod
    def _paraphrases_are_strings(cls, value: object) -> object:
        if isinstance(value, str):
            raise ValueError("must be a list of strings, not a single string")
        if isinstance(value, list):
            for i, item in enumerate(value):
                if not isinstance(item, str) or not item.strip():
                    raise ValueError(f"paraphrases[{i}] must be a non-empty string")
        return value

    @field_validator("judge_prompts")
    @classmethod
    def _judge_prompts_have_answer(cls, value: dict[str, str] | None) -> dict[str, str] | None:
        if value is not None:
            if not value:
                raise ValueError("is empty")
            for metric, prompt in value.items():
                if "{answer}" not in prompt:
                    raise ValueError(f"judge_prompts.{metric} has no {{answer}} placeholder")
        return value

    @property
    def effective_temperature(self) -> float:
        """The question's temperature, or the default when the file gives none."""
        return DEFAULT_TEMPERATURE if self.temperature is None else self.temperature


class Suite(BaseModel):
    """An ordered set of questions with unique ids, loaded from one file."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(description="'default' for the shipped suite, else the file's stem.")
    source: str = Field(description="Where the questions were read from.")
    questions: tuple[Question, ...] = Field(min_length=1, description="The questions, in file order.")

    @model_validator(mode="after")
    def _unique_ids(self) -> Suite:
        seen: set[str] = set()
        for q in self.questions:
            if q.id in seen:
                raise ValueError(f"question id '{q.id}' appears twice")
            seen.add(q.id)
        return self

    def __iter__(self) -> Iterator[Question]:  # type: ignore[override]
        return iter(self.questions)

    def __len__(self) -> int:
        return len(self.questions)

    def ids(self) -> list[str]:
        """Question ids in file order."""
        return [q.id for q in self.questions]

    def get(self, question_id: str) -> Question:
        """The question with this id, or an InputError suggesting the closest id."""
        for q in self.questions:
            if q.id == question_id:
                return q
        raise InputError(f"suite '{self.name}' has no question '{question_id}'."
                         f"{closest(question_id, self.ids())} ({len(self)} questions in {self.source})")

    def select(self, question_ids: Sequence[str] | None) -> Suite:
        """A suite with only these questions (in the given order); None keeps all."""
        if question_ids is None:
            return self
        wanted = list(dict.fromkeys(question_ids))  # a repeated id is asked for once
        return self.model_copy(update={"questions": tuple(self.get(i) for i in wanted)})
