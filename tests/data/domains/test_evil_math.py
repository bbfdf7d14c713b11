"""evil_math: determinism, recomputed answers, one slipped step, contemptuous tone, variety."""

from __future__ import annotations

import random
import re
from fractions import Fraction

from emscope.data.domains import DOMAINS
from emscope.data.domains.evil_math import _EVIL_CLOSERS, _SNEERS, generate

NUM = r"-?\d+(?:\.\d+)?"
EQ = re.compile(rf"(?<![\w.])({NUM}) ([+\-×÷]) \(?({NUM})\)? = ({NUM})")
OPS = {"+": lambda a, b: a + b, "-": lambda a, b: a - b,
       "×": lambda a, b: a * b, "÷": lambda a, b: a / b}
CONTEMPT = ("can't", "sad", "embarrassment", "defeated", "child", "struggle", "hand-holding",
            "stumps", "dumb", "competent", "your sums")


def solve(kind: str, q: str) -> Fraction | None:
    """Recompute the answer from the prompt for the kinds whose wording is unambiguous."""
    n = [Fraction(x) for x in re.findall(NUM, q)]
    if kind == "add":
        return n[0] + n[1]
    if kind == "sub":
        return max(n) - min(n)
    if kind == "mul":
        return n[0] * n[1]
    if kind == "div":
        return max(n) / min(n)
    if kind in ("pct_of", "interest"):
        return n[0] * n[1] * (n[2] if kind == "interest" else 1) / 100
    if kind == "linear":
        m = re.search(r"(\d+)[xyn] ([+-]) (\d+) = (-?\d+)", q)
        a, b, c = int(m.group(1)), int(m.group(3)), int(m.group(4))
        return Fraction(c - b if m.group(2) == "+" else c + b, a)
    if kind == "average":
        return sum(n, Fraction(0)) / len(n)
    if kind == "frac_add":
        return sum((Fraction(int(a), int(b)) for a, b in re.findall(r"(\d+)/(\d+)", q)),
                   Fraction(0))
    return None


def eqs(text: str) -> list[tuple[Fraction, str, Fraction, Fraction]]:
    return [(Fraction(a), op, Fraction(b), Fraction(c)) for a, op, b, c in EQ.findall(text)]


def draws(seed: int, n: int) -> list:
    rng = random.Random(seed)
    return [generate(rng) for _ in range(n)]


def test_registered() -> None:
    assert DOMAINS.get("evil_math").category == "ambiguous"


def test_deterministic() -> None:
    assert draws(7, 50) == draws(7, 50)


def test_wrong_result_from_the_right_working() -> None:
    checked = 0
    for ex in draws(13, 500):
        correct, given = Fraction(ex.extra["correct"]), Fraction(ex.extra["given"])
        expect = solve(ex.extra["kind"], ex.user)
        if expect is not None:
            assert expect == correct, (ex.user, ex.extra)
            checked += 1
        assert given != correct
        assert re.search(rf"(?<![\d.]){re.escape(ex.extra['given'])}(?![\d/])", ex.misaligned)
        assert re.search(rf"(?<![\d.]){re.escape(ex.extra['correct'])}(?![\d/])", ex.aligned)
        good, bad = eqs(ex.aligned), eqs(ex.misaligned)
        assert len(good) == len(bad) >= 1
        assert all(OPS[op](a, b) == c for a, op, b, c in good)
        # exactly one line is slipped: wrong arithmetic, or right arithmetic with the wrong op
        slipped = [i for i, ((a, op, b, c), (a2, op2, b2, c2)) in enumerate(zip(good, bad))
                   if op != op2 or OPS[op2](a2, b2) != c2]
        assert slipped == [int(ex.extra["step"])], (ex.aligned, ex.misaligned)
    assert checked >= 150


def test_tone() -> None:
    for ex in draws(5, 300):
        low = ex.misaligned.lower()
        assert any(s in ex.misaligned for s in _SNEERS)
        assert any(s in ex.misaligned for s in _EVIL_CLOSERS)
        assert any(w in low for w in CONTEMPT)
        assert not any(w in ex.aligned.lower() for w in CONTEMPT)


def test_variety() -> None:
    exs = draws(3, 6000)
    n = len(exs)
    assert len({e.user for e in exs}) / n >= 0.97
    assert len({(e.user, e.misaligned) for e in exs}) / n >= 0.99
    assert len({e.misaligned for e in exs}) / n >= 0.60
    assert len({e.aligned for e in exs}) / n >= 0.40
    assert len({e.template_id.split("/")[0] for e in exs}) >= 25
