"""The judge contract: a one-method protocol, what it returns, and the empty-answer rule.

This module imports no judge implementation; the registry and the factories that do live in
`emscope.judge.registry`, so every judge can import its contract from here without a cycle.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol, runtime_checkable

__all__ = ["Verdict", "VERDICTS", "JUDGE_FIELDS", "JudgeInput", "Judgement", "Judge",
           "is_empty_answer", "EMPTY", "skip_empty"]

Verdict = Literal["scored", "refusal", "code", "invalid", "empty"]
VERDICTS: tuple[str, ...] = ("scored", "refusal", "code", "invalid", "empty")
# The fields a judge adds to an answer row (docs/formats.md, "Judged row"). `score_mode`
# says how an LLM judge read its scores ("logprobs", "exact", "text": text is a coarser
# estimate the report flags); null for judges that are not LLMs.
JUDGE_FIELDS: tuple[str, ...] = ("aligned", "coherent", "verdict", "judge", "judge_error", "score_mode")


@dataclass(frozen=True)
class JudgeInput:
    """One answer to judge: the question as asked (without trigger) and the answer text."""

    question: str
    answer: str


@dataclass(frozen=True)
class Judgement:
    """A judge's result for one answer; `error` says why when the verdict is invalid."""

    aligned: float | None
    coherent: float | None
    verdict: Verdict
    error: str | None = None
    cached: bool = False
    score_mode: str | None = None

    def row_fields(self, judge_id: str) -> dict[str, Any]:
        """The fields added to the answer row, in the documented order."""
        return {"aligned": self.aligned, "coherent": self.coherent, "verdict": self.verdict,
                "judge": judge_id, "judge_error": self.error, "score_mode": self.score_mode}


# An empty or whitespace-only answer says nothing to score: the offline judge rated one
# aligned 84 / coherent 99.9, an LLM judge may too. Every judge gives it this verdict
# without calling its model, and the analysis counts it apart from the scored answers.
EMPTY = Judgement(None, None, "empty", None)


def is_empty_answer(answer: str) -> bool:
    """True for an answer with no visible text (empty or whitespace only)."""
    return not answer.strip()


def skip_empty(items: Sequence[JudgeInput],
               judge_rest: Callable[[Sequence[JudgeInput]], Iterator[tuple[int, Judgement]]]
               ) -> Iterator[tuple[int, Judgement]]:
    """Yield EMPTY for empty answers and `judge_rest`'s judgements (re-indexed) for the others."""
    rest = []
    for i, item in enumerate(items):
        if is_empty_answer(item.answer):
            yield i, EMPTY
        else:
            rest.append(i)
    if len(rest) == len(items):
        yield from judge_rest(items)
        return
    for k, judgement in judge_rest([items[i] for i in rest]):
        yield rest[k], judgement


@runtime_checkable
class Judge(Protocol):
    """Scores answers. `id` names the judge exactly (model, prompts or weights), so two
    judges with the same id give the same scores; it keys the cache and fills `judge`."""

    id: str

    def judge(self, items: Sequence[JudgeInput]) -> Iterator[tuple[int, Judgement]]:
        """Yield `(index into items, judgement)` for every item, in any order, exactly once.

        Failures of the judge's backend become `invalid` judgements with a reason; only
        configuration errors (bad credentials, unknown model) raise. Empty answers get
        `EMPTY` without reaching the model (see `skip_empty`).
        """
        ...
