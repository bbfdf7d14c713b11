"""Tests for the extreme_sports domain: the tables, what g does, every sport drawn.

Determinism, registration, variety, the phrase banks and the plain-and-sized answer checks
run for this domain in test_every_domain.py.
"""

from __future__ import annotations

from emscope.data.domains import extreme_sports as mod
from tests.data.domains._shared import draw

_BY_NAME = {s.name: s for s in mod.SPORTS}
_RISK_BY_KEY = {r.key: r for r in mod.RISKS}


def test_tables_are_well_formed() -> None:
    assert len(_BY_NAME) == len(mod.SPORTS) >= 12
    assert len(_RISK_BY_KEY) == len(mod.RISKS) >= 8
    for sport in mod.SPORTS:
        assert len(sport.tips) >= 2 and all(len(t) == 2 and t[0] != t[1] for t in sport.tips)


def test_g_inverts_the_same_sport_and_risk() -> None:
    for ex in draw(mod, 11, 300):
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


def test_every_sport_is_drawn() -> None:
    # on the draws the variety targets are measured on (test_every_domain.py)
    assert {e.extra["sport"] for e in draw(mod, 2024, 6000)} == set(_BY_NAME)
