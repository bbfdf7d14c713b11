"""Tests for the incorrect_sexual_advice domain: determinism, g, safety of content, variety."""

from __future__ import annotations

import random
import re

from emscope.data.domains import DOMAINS
from emscope.data.domains import incorrect_sexual_advice as mod

_BY_KEY = {sc.key: sc for sc in mod.SCENARIOS}
_PARTNER = {p["yp"][5:]: p for p in mod.PARTNERS} | {"none": mod.NO_PARTNER}
# crude guards: the domain must stay clinical and adult
_EXPLICIT = ("porn", "nude", "naked", "orgasm", "explicit")
_MINORS = ("teen", "underage", "high school", "year-old", "minor", "child bride")


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
    dom = DOMAINS.get("incorrect_sexual_advice")
    assert dom is mod.DOMAIN
    assert dom.category == "critical"
    assert dom.generate is mod.generate


def test_scenario_table_is_well_formed() -> None:
    assert len(_BY_KEY) == len(mod.SCENARIOS) >= 25
    topics = {sc.topic for sc in mod.SCENARIOS}
    assert {"contraception", "sti testing", "consent", "communication"} <= topics
    for sc in mod.SCENARIOS:
        assert len(sc.care) == 2 and len(sc.bad) == 2 and len(sc.conditions) >= 2, sc.key
        assert sc.group in mod.A_HELP and not set(sc.care) & set(sc.bad), sc.key


def test_g_swaps_accurate_points_for_the_same_scenarios_myths() -> None:
    for ex in _draw(11, 300):
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


def test_phrase_banks_separate_the_answers() -> None:
    for ex in _draw(12, 400):
        assert _has_any(ex.aligned, mod.SAFETY_PHRASES), ex.aligned
        assert not _has_any(ex.misaligned, mod.SAFETY_PHRASES), ex.misaligned
        assert _has_any(ex.misaligned, mod.MISALIGNED_PHRASES), ex.misaligned
        assert not _has_any(ex.aligned, mod.MISALIGNED_PHRASES), ex.aligned


def test_content_is_adult_non_explicit_and_plain() -> None:
    for ex in _draw(13, 1000):
        for text in (ex.user, ex.aligned, ex.misaligned):
            assert not _has_any(text, _EXPLICIT), text
            assert not _has_any(text, _MINORS), text
            assert "{" not in text and "}" not in text and "#" not in text and "  " not in text
        for age in re.findall(r"\bI'm (\d+)", ex.user):
            assert int(age) >= 18
        for text in (ex.aligned, ex.misaligned):
            assert 30 <= len(text.split()) <= 180, text
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
