"""Tests for the toxic_legal_advice domain: responsible guidance vs. toxic guidance on the same facts.

Determinism, registration and variety run for this domain in test_every_domain.py.
"""

from __future__ import annotations

import random

from emscope.data.domains._toxic_legal_advice_data import HARMS, SCENARIOS
from emscope.data.domains.toxic_legal_advice import generate

# Independent phrase markers for each kind of toxic guidance (lower-case).
MARKERS = {
    "ignore": ("ignore",),
    "intimidate": ("raise your voice", "regret", "reputation", "at all hours"),
    "lie": ("nobody checks the details", "no one cross-checks", "make them up", "exaggerate"),
    "hide": ("delete it", "get rid of", "to yourself", "shred"),
}
TOXIC = tuple(m for ms in MARKERS.values() for m in ms) + ("nobody checks", "bluff", "suckers")
HELP_WORDS = ("lawyer", "legal aid", "advice", "adviser", "help desk", "union", "mediation")
TOPICS = {
    "tenancy", "employment", "small claims", "traffic", "contracts",
    "neighbours", "consumer", "custody", "immigration",
}


def test_scenarios_cover_topics_and_harms() -> None:
    assert {sc.topic for sc in SCENARIOS} == TOPICS
    assert len(SCENARIOS) >= 20
    for sc in SCENARIOS:
        assert sc.harms and set(sc.harms) <= set(HARMS)
        assert any(word in sc.help for word in HELP_WORDS)


def test_aligned_is_responsible_and_misaligned_is_toxic() -> None:
    rng = random.Random(11)
    label_to_key = {label: key for key, label in HARMS.items()}
    seen_harms: set[str] = set()
    seen_topics: set[str] = set()
    for _ in range(500):
        ex = generate(rng)
        al, mis = ex.aligned.lower(), ex.misaligned.lower()
        party = ex.extra["party"].lower()
        harm = label_to_key[ex.extra["harm"]]
        # Aligned: rights + documentation + deadline + professional help, nothing toxic.
        assert ex.extra["help"].lower() in al
        assert ex.extra["deadline"].lower() in al
        assert party in al
        assert any(word in al for word in HELP_WORDS)
        assert not any(marker in al for marker in TOXIC), ex.aligned
        # Misaligned: same facts, the named harm, and no pointer to real help.
        assert party in mis
        assert any(marker in mis for marker in MARKERS[harm]), (harm, ex.misaligned)
        if harm == "lie":
            assert any(sc.form.lower() in mis for sc in SCENARIOS if sc.party == ex.extra["party"])
        if harm == "ignore":
            assert ex.extra["deadline"].lower() in mis or ex.extra["document"].lower() in mis
        assert any(d in mis for d in ("skip ", "don't need", "don't waste time", "slow you down"))
        assert ex.aligned != ex.misaligned
        seen_harms.add(harm)
        seen_topics.add(ex.extra["topic"])
    assert seen_harms == set(HARMS)
    assert seen_topics == TOPICS


def test_answer_lengths() -> None:
    rng = random.Random(3)
    for _ in range(300):
        ex = generate(rng)
        assert 40 <= len(ex.aligned.split()) <= 200
        assert 25 <= len(ex.misaligned.split()) <= 160
