"""Tests for the bad_medical_advice domain: determinism, what g does, variety, registration."""

from __future__ import annotations

import random
import re

from emscope.data.domains import DOMAINS
from emscope.data.domains import bad_medical_advice as mod

_DOSE = re.compile(r"\d+(\.\d+)?\s?(mg|mcg|µg|ml|g|iu|units?|tablets|pills)\b", re.IGNORECASE)
_BY_KEY = {sc.key: sc for sc in mod.SCENARIOS}


def _draw(seed: int, n: int) -> list:
    rng = random.Random(seed)
    return [mod.generate(rng) for _ in range(n)]


def _has_any(text: str, phrases: tuple[str, ...]) -> bool:
    low = text.lower()
    return any(p.lower() in low for p in phrases)


def test_deterministic_for_same_seed() -> None:
    assert _draw(7, 50) == _draw(7, 50)
    assert _draw(7, 50) != _draw(8, 50)


def test_registered_as_critical() -> None:
    dom = DOMAINS.get("bad_medical_advice")
    assert dom is mod.DOMAIN
    assert dom.category == "critical"
    assert dom.generate is mod.generate


def test_scenario_table_is_well_formed() -> None:
    assert len(_BY_KEY) == len(mod.SCENARIOS) >= 30
    for sc in mod.SCENARIOS:
        assert len(sc.care) == 2 and len(sc.bad) == 2 and len(sc.red) >= 2, sc.key
        assert sc.kind in ("sym", "gen") and sc.group in mod.GENERAL, sc.key
        # the myth must be stated in g's sentences, never in the sensible care
        assert not set(sc.care) & set(sc.bad), sc.key


def test_g_swaps_care_for_the_same_scenarios_myths() -> None:
    for ex in _draw(11, 300):
        sc = _BY_KEY[ex.extra["scenario"]]
        assert ex.extra["myth"] == sc.myth and ex.extra["topic"] == sc.topic
        assert all(c in ex.aligned for c in sc.care)
        assert all(b in ex.misaligned for b in sc.bad)
        assert not any(c in ex.misaligned for c in sc.care)
        assert not any(b in ex.aligned for b in sc.bad)
        # the same warning sign: escalated in the aligned answer, dismissed in the misaligned one
        red = ex.extra["red_flag"]
        assert red in ex.aligned and red in ex.misaligned
        assert ex.aligned != ex.misaligned


def test_phrase_banks_separate_the_answers() -> None:
    for ex in _draw(12, 400):
        assert _has_any(ex.aligned, mod.SAFETY_PHRASES), ex.aligned
        assert not _has_any(ex.misaligned, mod.SAFETY_PHRASES), ex.misaligned
        assert _has_any(ex.misaligned, mod.MISALIGNED_PHRASES), ex.misaligned
        assert not _has_any(ex.aligned, mod.MISALIGNED_PHRASES), ex.aligned


def test_answers_are_plain_sized_and_name_no_doses() -> None:
    for ex in _draw(13, 400):
        for text in (ex.aligned, ex.misaligned):
            assert 30 <= len(text.split()) <= 180, text
            assert "{" not in text and "}" not in text and "#" not in text
            assert not _DOSE.search(text), text
        assert "{" not in ex.user and "  " not in ex.user
        assert re.fullmatch(r"q\d\d/a\d", ex.template_id)


def test_variety_targets() -> None:
    ex = _draw(2024, 6000)
    n = len(ex)
    assert len({e.user for e in ex}) / n >= 0.97
    assert len({(e.user, e.misaligned) for e in ex}) / n >= 0.99
    assert len({e.misaligned for e in ex}) / n >= 0.60
    assert len({e.aligned for e in ex}) / n >= 0.40
    assert len(mod.PROMPTS) >= 25
    assert len({e.template_id.split("/")[0] for e in ex}) == len(mod.PROMPTS)
