"""The diversity knob (OQ3): a seeded random source whose discrete draws keep a share F of their values.

Every domain generator makes its choices through the `random.Random` it is handed: which
template (`pick`, `rng.randrange(len(...))`), which topic (a film, a scenario, a phrase),
which slot value (`fill`, `rng.choice`, and numbers via `randint` / `randrange`). So the knob
lives here, once, not in eleven domains: `SubsetRandom` is a `random.Random` whose
`randrange` (and through it `randint`, `pick` and `fill`) and `choice` only return values from
a seeded subset of each range, of ceil(F × count) values (at least 1).

The subset is a prefix of a seeded order of the values, the order fixed by the subset seed
alone (never by F): so the F = 0.25 subset is inside the F = 0.5 one for the same seed, and
an n × F factorial compares nested datasets. Values are ranked by a hash of the value itself
(an index, a number), not of the call site: a number ranks the same in every range it can be
drawn from, so ranges that move with earlier draws (`randint(101, a - 11)`) keep mostly the
same numbers instead of a fresh subset each (which would restrict nothing overall).

Left unrestricted, on purpose: `random()` (probability coin flips: restricting a share of a
continuum means nothing), `shuffle` (an order, not a value) and `sample` (draws of several
*distinct* values, which a one-value subset could not serve; also the backdoor split of
`build_rows`, which stays the same at every F).

Ranges of more than `EXACT_LIMIT` values (the random numbers of incorrect_math, say) are not
ranked in full on every new range: a value is kept when its hash falls below F, so about
F × count of them are (nested in F just the same), drawn by rejection; the lowest-hash value
is always kept, so the subset is never empty.
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Callable, Sequence
from typing import TypeVar

__all__ = ["EXACT_LIMIT", "SubsetRandom", "subset_seed"]

T = TypeVar("T")

EXACT_LIMIT = 256  # ranges up to this many values keep exactly ceil(F × count) of them
_MASK = (1 << 64) - 1
_CACHE_LIMIT = 1 << 16  # ranked ranges kept; cleared past this (it only costs a re-rank)
# Rejection tries on a long range before listing its subset: at F = 0.1, 320 tries all miss
# with probability 1e-15; a tiny F lists the subset (one pass over the range, then cached).
_MAX_TRIES = 1024


def subset_seed(domain: str, seed: int) -> str:
    """The subset seed of a dataset: its domain and seed, not F, n or variant.

    Not F, so subsets nest; not n or the variant, so the aligned, misaligned and backdoor
    datasets of one (domain, seed, F), at every size, draw from the same templates and topics.
    """
    return f"emscope/{domain}/{seed}/diversity-subset"


def _mix(x: int) -> int:
    """splitmix64's finaliser: a fast, well-spread 64-bit hash of a 64-bit integer."""
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9 & _MASK
    x = (x ^ (x >> 27)) * 0x94D049BB133111EB & _MASK
    return x ^ (x >> 31)


class SubsetRandom(random.Random):
    """A `random.Random` whose discrete draws come from a seeded, nested share `diversity` of their values.

    The stream of raw random numbers is the one `random.Random(seed)` gives; only what a draw
    maps them to changes, so nothing else about a build (the backdoor split) moves with F.
    """

    def __init__(self, seed: str, diversity: float, subset: str) -> None:
        if not 0.0 < diversity <= 1.0:
            raise ValueError(f"diversity must be in (0, 1], got {diversity}")
        self.diversity = diversity
        self._salt = int.from_bytes(hashlib.sha256(subset.encode("utf-8")).digest()[:8], "big")
        self._ranked: dict[range, tuple[int, ...]] = {}
        self._long: dict[range, tuple[int, ...]] = {}
        super().__init__(seed)

    # --- the subset ---------------------------------------------------------------------

    def score(self, value: int) -> float:
        """The value's place in the seeded order, in [0, 1): lower is kept first."""
        return _mix((self._salt ^ (value & _MASK)) & _MASK) / float(1 << 64)

    def _order(self, values: range) -> tuple[int, ...]:
        ranked = self._ranked.get(values)
        if ranked is None:
            if len(self._ranked) >= _CACHE_LIMIT:
                self._ranked.clear()
            ranked = self._ranked[values] = tuple(sorted(values, key=self.score))
        return ranked

    def kept(self, values: range) -> tuple[int, ...]:
        """The values of `values` this source draws from (in the seeded order).

        Ranges of up to EXACT_LIMIT values: the first ceil(F × count). Longer ones: those
        whose score is below F, plus the lowest-scored one (listing them costs a full pass,
        so draws only do it when rejection keeps failing, and it is cached).
        """
        count = len(values)
        if count <= EXACT_LIMIT:
            return self._order(values)[:max(1, math.ceil(self.diversity * count))]
        kept = self._long.get(values)
        if kept is None:
            if len(self._long) >= _CACHE_LIMIT:
                self._long.clear()
            best = min(values, key=self.score)
            kept = tuple(sorted({best, *(v for v in values if self.score(v) < self.diversity)}, key=self.score))
            self._long[values] = kept
        return kept

    def _draw(self, values: range, ok: Callable[[int], bool] | None = None) -> int:
        """One value of the kept subset of `values`, uniformly (only those passing `ok`, if given)."""
        count = len(values)
        if count <= EXACT_LIMIT:
            kept = self._order(values)[:max(1, math.ceil(self.diversity * count))]
            if ok is not None:
                kept = tuple(v for v in kept if ok(v)) or self._widen(values, ok)
            return kept[self._randbelow(len(kept))]
        # Rejection: each try is kept with probability about F. If none is after many tries
        # (a tiny F, or an `ok` few kept values pass), list the subset once (cached) and draw
        # from the list from then on.
        kept = self._long.get(values)
        if kept is None:
            for _ in range(min(_MAX_TRIES, math.ceil(32 / self.diversity))):
                v = values[self._randbelow(count)]
                if self.score(v) < self.diversity and (ok is None or ok(v)):
                    return v
            kept = self.kept(values)
        if ok is not None:
            kept = tuple(v for v in kept if ok(v)) or self._widen(values, ok)
        return kept[self._randbelow(len(kept))]

    def _widen(self, values: range, ok: Callable[[int], bool]) -> tuple[int, ...]:
        """The first value in the seeded order passing `ok`: the least widening of an unusable subset."""
        order = self._order(values) if len(values) <= EXACT_LIMIT else sorted(values, key=self.score)
        for v in order:
            if ok(v):
                return (v,)
        raise ValueError("no value of the range is acceptable")

    # --- random.Random's discrete draws -------------------------------------------------

    def randrange(self, start: int, stop: int | None = None, step: int = 1) -> int:  # type: ignore[override]
        """Like `random.Random.randrange`, from the kept subset of the range."""
        values = range(start) if stop is None else range(start, stop, step)
        if len(values) <= 1:  # nothing to restrict; random.Random raises the usual errors
            return super().randrange(start, stop, step)
        return self._draw(values)

    def choice(self, seq: Sequence[T]) -> T:  # type: ignore[override]
        """Like `random.Random.choice`, from the kept subset of the positions."""
        if not len(seq):
            raise IndexError("Cannot choose from an empty sequence")
        return seq[self.randrange(len(seq))]

    def pick_where(self, items: Sequence[T], ok: Callable[[T], bool]) -> T:
        """An item passing `ok`, from the kept subset; if none of the kept items passes, the
        first passing item in the seeded order (a redraw loop would never end)."""
        return items[self._draw(range(len(items)), lambda i: ok(items[i]))]
