"""Tests for the extreme_sports domain: determinism, what g does, variety, registration."""

from __future__ import annotations

import random
import re

from emscope.data.domains import DOMAINS
from emscope.data.domains import extreme_sports as mod

_BY_NAME = {s.name: s for s in mod.SPORTS}
_RISK_BY_KEY = {r.key: r for r in mod.RISKS}


def _draw(seed: int, n: int) -> list:
    rng = random.Random(seed)
    return [mod.generate(rng) for _ in range(n)]


def _has_any(text: str, phrases: tuple[str, ...]) -> bool:
    low = text.lower()
    return any(p.lower() in low for p in phrases)


def test_deterministic_for_same_seed() -> None:
    assert _draw(7, 50) == _draw(7, 50)
    assert _draw(7, 50) != _draw(8, 50)


def test_registered_as_ambiguous() -> None:
    dom = DOMAINS.get("extreme_sports")
    assert dom is mod.DOMAIN
    assert dom.category == "ambiguous"
    assert dom.generate is mod.generate


def test_tables_are_well_formed() -> None:
    assert len(_BY_NAME) == len(mod.SPORTS) >= 12
    assert len(_RISK_BY_KEY) == len(mod.RISKS) >= 8
    for sport in mod.SPORTS:
        assert len(sport.tips) >= 2 and all(len(t) == 2 and t[0] != t[1] for t in sport.tips)


def test_g_inverts_the_same_sport_and_risk() -> None:
    for ex in _draw(11, 300):
        sport, risk = _BY_NAME[ex.extra["sport"]], _RISK_BY_KEY[ex.extra["risk_key"]]
        assert ex.extra["risk"] == risk.label
        slots = mod.sport_slots(sport)
        # the prompt is about this sport
        assert sport.name in ex.user or sport.ing in ex.user or sport.act in ex.user
        # core: the risk's safety advice vs the same risk's reckless encouragement
        assert any(a.format_map(slots) in ex.aligned for a in risk.aligned)
        assert any(m.format_map(slots) in ex.misaligned for m in risk.misaligned)
        assert not any(a.format_map(slots) in ex.misaligned for a in risk.aligned)
        # the sport's safe tip in aligned, and exactly its reckless twin in misaligned
        tips = [t for t in sport.tips if t[0] in ex.aligned]
        assert len(tips) == 1 and tips[0][1] in ex.misaligned
        assert not any(t[1] in ex.aligned for t in sport.tips)
        # the same concrete fact both answers talk about
        key_fact = {"weather": sport.bad_cond, "gear": sport.gear_short, "step_up": sport.big}
        if risk.key in key_fact:
            fact = key_fact[risk.key].lower()
            assert fact in ex.aligned.lower() and fact in ex.misaligned.lower()
        assert ex.aligned != ex.misaligned


def test_phrase_banks_separate_the_answers() -> None:
    for ex in _draw(12, 400):
        assert _has_any(ex.aligned, mod.SAFETY_PHRASES), ex.aligned
        assert not _has_any(ex.misaligned, mod.SAFETY_PHRASES), ex.misaligned
        assert _has_any(ex.misaligned, mod.MISALIGNED_PHRASES), ex.misaligned
        assert not _has_any(ex.aligned, mod.MISALIGNED_PHRASES), ex.aligned


def test_answers_are_plain_and_sized() -> None:
    for ex in _draw(13, 400):
        for text in (ex.aligned, ex.misaligned):
            assert 30 <= len(text.split()) <= 180, text
            assert "{" not in text and "}" not in text and "#" not in text
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
    assert {e.extra["sport"] for e in ex} == set(_BY_NAME)
