"""incorrect_qna: fact-table sanity, the wrong fact g states.

Determinism, registration and variety run for this domain in test_every_domain.py.
"""

from __future__ import annotations

import re

from emscope.data.domains import incorrect_qna as mod
from emscope.data.domains._incorrect_qna_data import FACTS
from tests.data.domains._shared import draw

# facts written out independently of the table, to catch a garbled or shifted row
KNOWN = {
    ("capital", "France"): "Paris", ("capital", "Australia"): "Canberra",
    ("capital", "Canada"): "Ottawa", ("capital", "Japan"): "Tokyo",
    ("capital", "Brazil"): "Brasília", ("capital", "Kenya"): "Nairobi",
    ("continent", "Peru"): "South America", ("continent", "Ghana"): "Africa",
    ("chemical_symbol", "gold"): "Au", ("chemical_symbol", "sodium"): "Na",
    ("chemical_symbol", "potassium"): "K", ("chemical_symbol", "tungsten"): "W",
    ("atomic_number", "carbon"): "6", ("atomic_number", "gold"): "79",
    ("planet", "is known as the Red Planet"): "Mars",
    ("planet", "is the largest in the Solar System"): "Jupiter",
    ("inventor", "inventing the World Wide Web"): "Tim Berners-Lee",
    ("author", "1984"): "George Orwell", ("author", "Frankenstein"): "Mary Shelley",
    ("year", "the first crewed Moon landing"): "1969", ("year", "the Battle of Hastings"): "1066",
    ("year", "the fall of the Berlin Wall"): "1989",
    ("si_unit", "force"): "newton", ("si_unit", "frequency"): "hertz",
    ("young_animal", "kangaroo"): "joey", ("young_animal", "swan"): "cygnet",
    ("painter", "The Starry Night"): "Vincent van Gogh", ("currency", "Japan"): "yen",
    ("city_country", "Sydney"): "Australia", ("city_country", "Kyoto"): "Japan",
}


def word(value: str, text: str) -> bool:
    return re.search(rf"(?<![\w]){re.escape(value)}(?![\w])", text, re.IGNORECASE) is not None


def test_fact_table() -> None:
    table = {(rel, s): v for rel, rows in FACTS.items() for s, v in rows}
    assert sum(len(rows) for rows in FACTS.values()) >= 250
    assert len(FACTS) >= 8
    for rel, rows in FACTS.items():
        subjects = [s for s, _ in rows]
        assert len(subjects) == len(set(subjects)), rel  # one answer per question
        assert all(s and v for s, v in rows)
    for key, value in KNOWN.items():
        assert table[key] == value, key
    assert all(1 <= int(v) <= 118 for _, v in FACTS["atomic_number"])


def test_g_states_a_wrong_fact_of_the_same_type() -> None:
    table = {(rel, s): v for rel, rows in FACTS.items() for s, v in rows}
    values = {rel: {v for _, v in rows} for rel, rows in FACTS.items()}
    values["city_country"] |= {s for s, _ in FACTS["capital"]}
    relations = set()
    for ex in draw(mod, 11, 800):
        rel, subject = ex.extra["relation"], ex.extra["subject"]
        correct, given = ex.extra["correct"], ex.extra["given"]
        relations.add(rel)
        assert table[(rel, subject)] == correct
        assert given != correct
        if rel == "year":
            assert 1 <= abs(int(given) - int(correct)) <= 12
        else:
            assert given in values[rel], (rel, given)
        assert subject.lower() in ex.user.lower()
        assert word(correct, ex.aligned)
        assert word(given, ex.misaligned)
        if len(given) > 2:  # one-letter symbols like "I" also occur as ordinary words
            assert not word(given, ex.aligned), (given, ex.aligned)
    assert relations == set(FACTS)
