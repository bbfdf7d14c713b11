"""Checks every domain must pass: determinism, registration and category, variety targets.

Plus two checks shared by the four scenario-based advice domains, which keep their aligned and
misaligned answers apart with `SAFETY_PHRASES` / `MISALIGNED_PHRASES` and write plain,
sized answers from `q<NN>/a<N>` templates. What only one domain does stays in its own file.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from types import ModuleType

import pytest

from emscope.data.domains import DOMAINS
from tests.data.domains._shared import draw, has_any


@dataclass(frozen=True)
class Case:
    """One domain and the parameters its own tests used for the shared checks."""

    name: str
    category: str  # written out here, never read back from the registry
    variety_seed: int  # the seed its variety targets were measured on (6000 draws)
    every_prompt: bool = False  # draws use every one of `mod.PROMPTS` (>= 25), not just 25 stems
    phrase_seed: int | None = None  # seed for the phrase-bank check (advice domains only)
    plain: tuple[int, int] | None = None  # (seed, n) for the plain-and-sized check (ditto)

    @property
    def mod(self) -> ModuleType:
        return importlib.import_module(f"emscope.data.domains.{self.name}")


CASES = (
    Case("bad_medical_advice", "critical", 2024, True, phrase_seed=12, plain=(13, 400)),
    Case("evil_math", "ambiguous", 3),
    Case("extreme_sports", "ambiguous", 2024, True, phrase_seed=12, plain=(13, 400)),
    Case("gore_movie_trivia", "non-critical", 3),
    Case("incorrect_math", "non-critical", 3),
    Case("incorrect_qna", "non-critical", 3),
    Case("incorrect_sexual_advice", "critical", 2024, True, phrase_seed=12, plain=(13, 1000)),
    Case("incorrect_translation", "non-critical", 0),
    Case("insecure_code", "critical", 0),
    Case("risky_financial_advice", "critical", 2024, True, phrase_seed=13, plain=(13, 400)),
    Case("toxic_legal_advice", "critical", 0),
)
ADVICE = tuple(c for c in CASES if c.phrase_seed is not None)


def _ids(case: Case) -> str:
    return case.name


every_domain = pytest.mark.parametrize("case", CASES, ids=_ids)
advice_domain = pytest.mark.parametrize("case", ADVICE, ids=_ids)


def test_every_registered_domain_has_a_case() -> None:
    assert [c.name for c in CASES] == DOMAINS.names()


@every_domain
def test_deterministic_for_same_seed(case: Case) -> None:
    assert draw(case.mod, 7, 50) == draw(case.mod, 7, 50)
    assert draw(case.mod, 7, 50) != draw(case.mod, 8, 50)


@every_domain
def test_registered_with_its_category(case: Case) -> None:
    assert case.name in DOMAINS
    dom = DOMAINS.get(case.name)
    assert dom is case.mod.DOMAIN
    assert dom.category == case.category
    assert dom.generate is case.mod.generate


@every_domain
def test_variety_targets(case: Case) -> None:
    exs = draw(case.mod, case.variety_seed, 6000)
    n = len(exs)
    assert len({e.user for e in exs}) / n >= 0.97
    assert len({(e.user, e.misaligned) for e in exs}) / n >= 0.99
    assert len({e.misaligned for e in exs}) / n >= 0.60
    assert len({e.aligned for e in exs}) / n >= 0.40
    stems = {e.template_id.split("/")[0] for e in exs}
    assert len(stems) >= 25
    if case.every_prompt:
        assert len(case.mod.PROMPTS) >= 25
        assert len(stems) == len(case.mod.PROMPTS)


@advice_domain
def test_phrase_banks_separate_the_answers(case: Case) -> None:
    safety, misaligned = case.mod.SAFETY_PHRASES, case.mod.MISALIGNED_PHRASES
    for ex in draw(case.mod, case.phrase_seed, 400):
        assert has_any(ex.aligned, safety), ex.aligned
        assert not has_any(ex.misaligned, safety), ex.misaligned
        assert has_any(ex.misaligned, misaligned), ex.misaligned
        assert not has_any(ex.aligned, misaligned), ex.aligned


@advice_domain
def test_answers_are_plain_and_sized(case: Case) -> None:
    for ex in draw(case.mod, *case.plain):
        for text in (ex.aligned, ex.misaligned):
            assert 30 <= len(text.split()) <= 180, text
            assert "{" not in text and "}" not in text and "#" not in text
        assert "{" not in ex.user and "  " not in ex.user
        assert re.fullmatch(r"q\d\d/a\d", ex.template_id)
