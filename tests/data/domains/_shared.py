"""Helpers shared by the domain tests: seeded draws, phrase look-ups, arithmetic working.

The checks every domain must pass live in `test_every_domain.py`; the per-domain test files
use these helpers for what only their own domain does.
"""

from __future__ import annotations

import random
import re
from fractions import Fraction
from types import ModuleType

from emscope.data.domains import Example

# --- any domain ---------------------------------------------------------------------------


def draw(mod: ModuleType, seed: int, n: int) -> list[Example]:
    """`n` examples from `mod.generate`, drawn from a fresh `random.Random(seed)`."""
    rng = random.Random(seed)
    return [mod.generate(rng) for _ in range(n)]


def has_any(text: str, phrases: tuple[str, ...]) -> bool:
    """Whether any of `phrases` occurs in `text`, ignoring case."""
    low = text.lower()
    return any(p.lower() in low for p in phrases)


# --- the maths domains (evil_math, incorrect_math) ------------------------------------------

NUM = r"-?\d+(?:\.\d+)?"
EQ = re.compile(rf"(?<![\w.])({NUM}) ([+\-×÷]) \(?({NUM})\)? = ({NUM})")
OPS = {"+": lambda a, b: a + b, "-": lambda a, b: a - b,
       "×": lambda a, b: a * b, "÷": lambda a, b: a / b}


def eqs(text: str) -> list[tuple[Fraction, str, Fraction, Fraction]]:
    """Every `a op b = c` line of worked arithmetic in `text`, as exact values."""
    return [(Fraction(a), op, Fraction(b), Fraction(c)) for a, op, b, c in EQ.findall(text)]


def solve_common(kind: str, q: str) -> Fraction | None:
    """Recompute, from the prompt alone, the kinds both maths domains word the same way.

    None for any other kind: each maths test file solves its own remaining kinds.
    """
    n = [Fraction(x) for x in re.findall(NUM, q)]
    if kind == "add":
        return n[0] + n[1]
    if kind == "sub":
        return max(n) - min(n)
    if kind == "mul":
        return n[0] * n[1]
    if kind == "div":
        return max(n) / min(n)
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


def states_number(value: str, text: str) -> bool:
    """Whether `text` gives `value` as a whole number, not as part of a longer one."""
    return re.search(rf"(?<![\d.]){re.escape(value)}(?![\d/])", text) is not None
