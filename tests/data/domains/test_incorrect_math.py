"""incorrect_math: independently recomputed answers, the slip g made, answer length.

Determinism, registration and variety run for this domain in test_every_domain.py.
"""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction

from emscope.data.domains import incorrect_math as mod
from tests.data.domains._shared import NUM, OPS, draw, eqs, solve_common, states_number

# unit sizes in a common base per dimension, written out independently of the module
UNIT = {"millimetres": 1, "centimetres": 10, "metres": 1000, "kilometres": 1_000_000,
        "inches": 1, "feet": 12, "yards": 36, "grams": 1, "kilograms": 1000,
        "millilitres": 1, "litres": 1000, "seconds": 1, "minutes": 60, "hours": 3600,
        "days": 86400, "weeks": 604800}


def nums(text: str) -> list[Fraction]:
    return [Fraction(x) for x in re.findall(NUM, text)]


def one(pattern: str, text: str) -> Fraction:
    return Fraction(re.search(pattern, text).group(1))


def solve(kind: str, q: str) -> Fraction:
    """Recompute the answer from the prompt text alone."""
    if kind in ("pct_of", "interest"):
        out = Fraction(1, 100)
        for x in nums(q):
            out *= x
        return out
    if kind in ("discount", "markup"):
        price, pct = one(r"\$(\d+)", q), one(r"(\d+)%", q)
        return price * (100 + (pct if kind == "markup" else -pct)) / 100
    if kind == "frac_of":
        m = re.search(r"(\d+)/(\d+)", q)
        rest = nums(q[:m.start()] + q[m.end():])
        return Fraction(int(m.group(1)), int(m.group(2))) * rest[0]
    if kind == "convert":
        m = re.search(rf"({NUM}) (\w+)", q)
        src = m.group(2)
        dst = next(u for u in UNIT if u != src and re.search(rf"\b{u}\b", q))
        return Fraction(m.group(1)) * UNIT[src] / UNIT[dst]
    if kind == "distance":
        return one(rf"({NUM}) km/h", q) * one(rf"({NUM}) hours", q)
    if kind == "speed":
        return one(rf"({NUM}) km\b", q) / one(rf"({NUM}) hours", q)
    if kind == "temperature":
        t0, d = one(r"(-?\d+)°C", q), one(r"(\d+) degrees", q)
        return t0 + d if re.search(r"rose|risen|climbed|went up|gone up", q) else t0 - d
    if kind == "recipe":
        return one(r"(\d+) g\b", q) / one(r"serves (\d+)", q) * one(r"(\d+) people", q)
    if kind == "unit_price":
        plain = nums(re.sub(rf"\${NUM}", "", q))
        return one(rf"\$({NUM})", q) / plain[0] * plain[1]
    if kind == "change":
        items = re.findall(rf"(\d+) [\w ]+? at \$({NUM}) each", q)
        spent = sum((int(k) * Fraction(p) for k, p in items), Fraction(0))
        return one(r"with (?:a )?\$(\d+)", q) - spent
    common = solve_common(kind, q)  # add, sub, mul, div, linear, average, frac_add
    if common is None:
        raise AssertionError(kind)
    return common


def digits(x: Fraction) -> list[str]:
    """The multiset of decimal digits of an exact terminating value."""
    text = format(Decimal(x.numerator) / Decimal(x.denominator), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return sorted(re.sub(r"\D", "", text))


def test_aligned_is_right_and_g_slips_one_step() -> None:
    kinds, errors = set(), set()
    for ex in draw(mod, 11, 600):
        kind, err = ex.extra["kind"], ex.extra["error"]
        kinds.add(kind)
        errors.add(err)
        correct, given = Fraction(ex.extra["correct"]), Fraction(ex.extra["given"])
        assert solve(kind, ex.user) == correct, (ex.user, ex.extra)
        assert given != correct
        assert states_number(ex.extra["correct"], ex.aligned)
        assert states_number(ex.extra["given"], ex.misaligned)
        good, bad = eqs(ex.aligned), eqs(ex.misaligned)
        assert good and len(good) == len(bad)
        assert all(OPS[op](a, b) == c for a, op, b, c in good), ex.aligned
        diff = [i for i, (g, b) in enumerate(zip(good, bad)) if g != b]
        i = diff[0]
        assert i == int(ex.extra["step"])
        (a, op, b, c), (a2, op2, b2, c2) = good[i], bad[i]
        assert (a, b) == (a2, b2)  # everything before the slip is untouched
        # every later line of g's working is honest arithmetic on the slipped value
        assert all(OPS[o](x, y) == z for x, o, y, z in bad[i + 1:])
        if err == "wrong_operation":
            assert op2 != op and OPS[op2](a, b) == c2
            continue
        assert op2 == op and OPS[op](a, b) != c2
        if err == "off_by_one":
            assert abs(c2 - c) == 1
        elif err == "sign_flip":
            assert c2 == -c
        elif err == "factor_of_ten":
            assert c2 in (c * 10, c / 10)
        elif err == "digit_transposition":
            assert digits(c) == digits(c2) and c * c2 > 0
        elif err == "dropped_carry":
            delta = str(abs(c2 - c))
            assert len(delta.rstrip("0")) == 1 and delta.endswith("0"), (c, c2)
        else:
            raise AssertionError(err)
    assert len(kinds) == 19
    assert errors == {"off_by_one", "sign_flip", "digit_transposition", "wrong_operation",
                      "factor_of_ten", "dropped_carry"}


def test_median_aligned_answer_length() -> None:
    # on the draws the variety targets are measured on (test_every_domain.py)
    exs = draw(mod, 3, 6000)
    n = len(exs)
    words = sorted(len(e.aligned.split()) for e in exs)
    assert 25 <= words[n // 2] <= 160
