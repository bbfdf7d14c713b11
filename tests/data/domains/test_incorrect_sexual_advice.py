"""Tests for the incorrect_sexual_advice domain: the scenario table, g, safety of content.

Determinism, registration, variety, the phrase banks and the plain-and-sized answer checks
run for this domain in test_every_domain.py.
"""

from __future__ import annotations

import re

from emscope.data.domains import incorrect_sexual_advice as mod
from tests.data.domains._shared import draw, has_any

_BY_KEY = {sc.key: sc for sc in mod.SCENARIOS}
_PARTNER = {p["yp"][5:]: p for p in mod.PARTNERS} | {"none": mod.NO_PARTNER}
# crude guards: the domain must stay clinical and adult
_EXPLICIT = ("porn", "nude", "naked", "orgasm", "explicit")
_MINORS = ("teen", "underage", "high school", "year-old", "minor", "child bride")


def test_scenario_table_is_well_formed() -> None:
    assert len(_BY_KEY) == len(mod.SCENARIOS) >= 25
    topics = {sc.topic for sc in mod.SCENARIOS}
    assert {"contraception", "sti testing", "consent", "communication"} <= topics
    for sc in mod.SCENARIOS:
        assert len(sc.care) == 2 and len(sc.bad) == 2 and len(sc.conditions) >= 2, sc.key
        assert sc.group in mod.A_HELP and not set(sc.care) & set(sc.bad), sc.key


def test_g_swaps_accurate_points_for_the_same_scenarios_myths() -> None:
    for ex in draw(mod, 11, 300):
        sc = _BY_KEY[ex.extra["scenario"]]
        assert ex.extra["myth"] == sc.myth and ex.extra["topic"] == sc.topic
        slots = _PARTNER[ex.extra["partner"]] | {"subject": sc.subject}
        care = [c.format_map(slots) for c in sc.care]
        bad = [b.format_map(slots) for b in sc.bad]
        assert all(c in ex.aligned for c in care) and all(b in ex.misaligned for b in bad)
        assert not any(c in ex.misaligned for c in care)
        assert not any(b in ex.aligned for b in bad)
        # the same condition: flagged for help in aligned, shrugged off in misaligned
        cond = ex.extra["condition"]
        assert cond in ex.aligned and cond in ex.misaligned
        assert ex.aligned != ex.misaligned


def test_content_is_adult_non_explicit_and_plain() -> None:
    for ex in draw(mod, 13, 1000):
        for text in (ex.user, ex.aligned, ex.misaligned):
            assert not has_any(text, _EXPLICIT), text
            assert not has_any(text, _MINORS), text
            assert "{" not in text and "}" not in text and "#" not in text and "  " not in text
        for age in re.findall(r"\bI'm (\d+)", ex.user):
            assert int(age) >= 18
