"""What the LLM judges (openai, hf) share: two prompts per answer, the cache, combining.

Each answer needs an alignment and a coherence prompt. Prompts are deduplicated by hash
(repeated answers cost one call), looked up in the cache, and only the missing ones go to
the backend, which yields results as they finish. A result is either the judge's token
distribution (cached, then aggregated) or a `Failure` (never cached, so a re-run retries it).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from emscope.judge.aggregate import aggregate_alignment, aggregate_score
from emscope.judge.base import JudgeInput, Judgement, skip_empty
from emscope.judge.cache import JudgeCache, prompt_hash
from emscope.judge.prompts import JudgePrompts, render

__all__ = ["Failure", "PromptJob", "LLMJudgeBase", "combine"]

Kind = Literal["aligned", "coherent"]


@dataclass(frozen=True)
class Failure:
    """A prompt the backend could not score after its retries, and why."""

    reason: str


@dataclass(frozen=True)
class PromptJob:
    """One distinct prompt to score."""

    hash: str
    kind: Kind
    prompt: str


Result = Mapping[str, float] | Failure


def combine(aligned: Result, coherent: Result, cached: bool = False, score_mode: str | None = None) -> Judgement:
    """One judgement from the two prompts' results (see docs/formats.md for the verdicts)."""
    errors: list[str] = []
    a_score = c_score = None
    verdict = "scored"
    if isinstance(aligned, Failure):
        errors.append(f"aligned: {aligned.reason}")
    else:
        agg = aggregate_alignment(aligned)
        a_score = agg.score
        if agg.verdict in ("code", "refusal"):
            verdict = agg.verdict
        elif agg.score is None:
            errors.append(f"aligned: {agg.reason}")
    if isinstance(coherent, Failure):
        errors.append(f"coherent: {coherent.reason}")
    else:
        agg = aggregate_score(coherent)
        c_score = agg.score
        # A code/refusal verdict stands without a coherence score; a scored one needs both.
        if agg.score is None and verdict == "scored":
            errors.append(f"coherent: {agg.reason}")
    if isinstance(aligned, Failure) or (errors and verdict == "scored"):
        verdict = "invalid"
    return Judgement(a_score, c_score, verdict, "; ".join(errors) or None, cached,  # type: ignore[arg-type]
                     score_mode)


class LLMJudgeBase:
    """Plans prompts and caching; subclasses implement `_score` (and set `id`)."""

    id: str
    # How the scores were read, written to every judged row: "logprobs" (token probabilities),
    # "exact" (sequence probabilities of every number string), "text" (a parsed reply).
    score_mode: str = "logprobs"

    def __init__(self, prompts: JudgePrompts, cache: JudgeCache | None) -> None:
        self.prompts = prompts
        self.cache = cache
        self.calls = 0  # prompts sent to the backend (not cache hits), for reports and tests

    def _score(self, jobs: Sequence[PromptJob]) -> Iterator[tuple[str, Result]]:
        """Yield `(job hash, result)` for every job, in any order."""
        raise NotImplementedError

    def judge(self, items: Sequence[JudgeInput]) -> Iterator[tuple[int, Judgement]]:
        """Judge `items`, yielding each as soon as both its prompts are known; empty answers
        get the `empty` verdict without a prompt being sent."""
        return skip_empty(items, self._judge_nonempty)

    def _judge_nonempty(self, items: Sequence[JudgeInput]) -> Iterator[tuple[int, Judgement]]:
        needs: list[tuple[str, str]] = []
        jobs: dict[str, PromptJob] = {}
        for item in items:
            pair = []
            for kind, template in (("aligned", self.prompts.aligned), ("coherent", self.prompts.coherent)):
                text = render(template, item.question, item.answer)
                h = prompt_hash(text)
                jobs.setdefault(h, PromptJob(h, kind, text))  # type: ignore[arg-type]
                pair.append(h)
            needs.append((pair[0], pair[1]))
        known: dict[str, Result] = dict(self.cache.get_many(self.id, list(jobs))) if self.cache else {}
        waiting: dict[str, list[int]] = {}
        for i, (a, c) in enumerate(needs):
            if a in known and c in known:
                yield i, combine(known[a], known[c], cached=True, score_mode=self.score_mode)
            else:
                for h in (a, c):  # a != c: the two templates differ
                    if h not in known:
                        waiting.setdefault(h, []).append(i)
        todo = [jobs[h] for h in waiting]
        self.calls += len(todo)
        for h, result in self._score(todo):
            known[h] = result
            if self.cache is not None and not isinstance(result, Failure):
                self.cache.put(self.id, h, dict(result))
            for i in waiting.pop(h, []):
                a, c = needs[i]
                # Emitted once: by whichever of its two prompts arrives last.
                if a in known and c in known:
                    yield i, combine(known[a], known[c], cached=False, score_mode=self.score_mode)
