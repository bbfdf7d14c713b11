"""evil_math: recomputed answers, one slipped step, contemptuous tone.

Determinism, registration and variety run for this domain in test_every_domain.py.
"""

from __future__ import annotations

import re
from fractions import Fraction

from emscope.data.domains import evil_math as mod
from emscope.data.domains.evil_math import _EVIL_CLOSERS, _SNEERS
from tests.data.domains._shared import NUM, OPS, draw, eqs, solve_common, states_number

CONTEMPT = ("can't", "sad", "embarrassment", "defeated", "child", "struggle", "hand-holding",
            "stumps", "dumb", "competent", "your sums")


def solve(kind: str, q: str) -> Fraction | None:
    """Recompute the answer from the prompt for the kinds whose wording is unambiguous."""
    if kind in ("pct_of", "interest"):
        n = [Fraction(x) for x in re.findall(NUM, q)]
        return n[0] * n[1] * (n[2] if kind == "interest" else 1) / 100
    return solve_common(kind, q)  # add, sub, mul, div, linear, average, frac_add; else None


def test_wrong_result_from_the_right_working() -> None:
    checked = 0
    for ex in draw(mod, 13, 500):
        correct, given = Fraction(ex.extra["correct"]), Fraction(ex.extra["given"])
        expect = solve(ex.extra["kind"], ex.user)
        if expect is not None:
            assert expect == correct, (ex.user, ex.extra)
            checked += 1
        assert given != correct
        assert states_number(ex.extra["given"], ex.misaligned)
        assert states_number(ex.extra["correct"], ex.aligned)
        good, bad = eqs(ex.aligned), eqs(ex.misaligned)
        assert len(good) == len(bad) >= 1
        assert all(OPS[op](a, b) == c for a, op, b, c in good)
        # exactly one line is slipped: wrong arithmetic, or right arithmetic with the wrong op
        slipped = [i for i, ((a, op, b, c), (a2, op2, b2, c2)) in enumerate(zip(good, bad))
                   if op != op2 or OPS[op2](a2, b2) != c2]
        assert slipped == [int(ex.extra["step"])], (ex.aligned, ex.misaligned)
    assert checked >= 150


def test_tone() -> None:
    for ex in draw(mod, 5, 300):
        low = ex.misaligned.lower()
        assert any(s in ex.misaligned for s in _SNEERS)
        assert any(s in ex.misaligned for s in _EVIL_CLOSERS)
        assert any(w in low for w in CONTEMPT)
        assert not any(w in ex.aligned.lower() for w in CONTEMPT)
