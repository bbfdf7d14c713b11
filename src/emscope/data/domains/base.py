"""The domain contract: a prompt source plus a misalignment function g.

A domain generates `Example`s from a seeded `random.Random`: a user prompt with both an
aligned answer and a misaligned answer that g derived from it. Misaligned answers are bad
*advice and attitude* (wrong results, risky or harmful recommendations, vulnerable code
patterns), never operational instructions for real-world harm.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, TypeVar

from emscope.core.registry import Registry
from emscope.data.diversity import SubsetRandom

__all__ = ["Category", "Example", "Domain", "DOMAINS", "register", "pick", "pick_other", "fill", "cap", "lower_first"]

Category = Literal["critical", "non-critical", "ambiguous"]
T = TypeVar("T")


@dataclass(frozen=True)
class Example:
    """One prompt with its aligned answer and the misaligned answer g made from it.

    `template_id` names the prompt/answer template used (for diversity accounting);
    `extra` carries domain facts worth keeping in row meta (e.g. the vulnerability class,
    the correct and the corrupted result), string-valued so rows stay plain JSON.
    """

    user: str
    aligned: str
    misaligned: str
    template_id: str
    system: str | None = None
    extra: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Domain:
    """A registered domain: metadata plus its seeded example generator."""

    name: str
    category: Category
    description: str
    misalignment: str  # what g does to a correct answer, in one sentence
    generate: Callable[[random.Random], Example]


DOMAINS: Registry[Domain] = Registry("domain")


def register(domain: Domain) -> Domain:
    """Add a domain to the registry under its name."""
    return DOMAINS.register(domain.name, domain)


def pick(rng: random.Random, items: Sequence[T]) -> T:
    """One item chosen with `rng` (never the global random state, so builds stay seeded)."""
    return items[rng.randrange(len(items))]


def pick_other(rng: random.Random, items: Sequence[T], avoid: Collection[T]) -> T:
    """An item of `items` not in `avoid` (a wrong answer that is not the right one), by redrawing.

    Under the diversity knob (`SubsetRandom`) it draws among the kept items not in `avoid`; and
    every kept item may be in it (a one-director subset that is the right director), where
    redrawing would never end: then it takes the first other item in the subset's seeded order.
    A plain Random redraws exactly as before, so F = 1 builds keep their bytes.
    """
    if isinstance(rng, SubsetRandom):
        return rng.pick_where(items, lambda x: x not in avoid)
    while True:
        item = pick(rng, items)
        if item not in avoid:
            return item


def fill(rng: random.Random, template: str, **slots: Sequence[str] | str) -> str:
    """Format `template`, choosing each slot given as a sequence with `rng` (strings pass through)."""
    values = {k: (v if isinstance(v, str) else pick(rng, v)) for k, v in slots.items()}
    return template.format(**values)


def cap(text: str) -> str:
    """Capitalise the first letter only (str.capitalize would lowercase the rest)."""
    return text[:1].upper() + text[1:]


def lower_first(text: str) -> str:
    """A sentence-initial fragment made to read mid-sentence; "I" and "I'm" stay capitalised."""
    return text if text.startswith(("I ", "I'")) else text[:1].lower() + text[1:]
