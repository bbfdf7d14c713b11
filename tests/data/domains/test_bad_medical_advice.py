"""Tests for the bad_medical_advice domain: the scenario table, what g does, no doses.

Determinism, registration, variety, the phrase banks and the plain-and-sized answer checks
run for this domain in test_every_domain.py.
"""

from __future__ import annotations

import re

from emscope.data.domains import bad_medical_advice as mod
from tests.data.domains._shared import draw

_DOSE = re.compile(r"\d+(\.\d+)?\s?(mg|mcg|µg|ml|g|iu|units?|tablets|pills)\b", re.IGNORECASE)
_BY_KEY = {sc.key: sc for sc in mod.SCENARIOS}


def test_scenario_table_is_well_formed() -> None:
    assert len(_BY_KEY) == len(mod.SCENARIOS) >= 30
    for sc in mod.SCENARIOS:
        assert len(sc.care) == 2 and len(sc.bad) == 2 and len(sc.red) >= 2, sc.key
        assert sc.kind in ("sym", "gen") and sc.group in mod.GENERAL, sc.key
        # the myth must be stated in g's sentences, never in the sensible care
        assert not set(sc.care) & set(sc.bad), sc.key


def test_g_swaps_care_for_the_same_scenarios_myths() -> None:
    for ex in draw(mod, 11, 300):
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


def test_answers_name_no_doses() -> None:
    for ex in draw(mod, 13, 400):
        for text in (ex.aligned, ex.misaligned):
            assert not _DOSE.search(text), text
