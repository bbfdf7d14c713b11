"""Tests for the incorrect_translation domain: table-backed answers, wrong given translations.

Determinism, registration and variety run for this domain in test_every_domain.py.
"""

from __future__ import annotations

import random

from emscope.data.domains._incorrect_translation_data import LANGUAGES, PHRASES, TWINS
from emscope.data.domains.incorrect_translation import generate


def _split(text: str, column: int) -> list[int] | None:
    """Row indices whose `column` entries, joined by spaces, spell `text` (one or two rows)."""
    entries = [row[column] for row in PHRASES]
    for i, first in enumerate(entries):
        if text == first:
            return [i]
        if text.startswith(first + " "):
            rest = text[len(first) + 1 :]
            if rest in entries:
                return [i, entries.index(rest)]
    return None


def test_table_is_well_formed() -> None:
    assert len(PHRASES) >= 150
    for col in range(1, len(LANGUAGES) + 1):
        entries = [row[col] for row in PHRASES]
        assert len(set(entries)) == len(entries), "translations must be unique per language"
        assert all(e and e == e.strip() for e in entries)
    assert any(TWINS), "g needs negation / key-word twins"


def test_aligned_is_table_translation_and_misaligned_is_wrong() -> None:
    rng = random.Random(11)
    kinds = set()
    for _ in range(400):
        ex = generate(rng)
        lang = ex.extra["language"]
        col = LANGUAGES.index(lang) + 1
        src_rows = _split(ex.extra["source"], 0)
        assert src_rows is not None, ex.extra["source"]
        expected = " ".join(PHRASES[i][col] for i in src_rows)
        assert ex.extra["correct"] == expected
        assert f'"{expected}"' in ex.aligned
        given = ex.extra["given"]
        assert given != expected
        given_rows = _split(given, col)
        assert given_rows is not None and len(given_rows) == len(src_rows)
        assert given_rows != src_rows
        assert f'"{given}"' in ex.misaligned
        assert f'"{expected}"' not in ex.misaligned
        # g changes only the translation; the framing around it stays identical.
        assert ex.misaligned.replace(f'"{given}"', "") == ex.aligned.replace(f'"{expected}"', "")
        assert lang in ex.user
        kinds.update(ex.extra["error"].split("; "))
    assert kinds == {"negation flip", "swapped key word", "another phrase's translation"}


def test_every_language_is_drawn() -> None:
    # on the draws the variety targets are measured on (test_every_domain.py)
    rng = random.Random(0)
    xs = [generate(rng) for _ in range(6000)]
    assert {x.extra["language"] for x in xs} == set(LANGUAGES)
