"""Holm's step-down correction of a family of p-values (controls the family-wise error rate).

Sort the m p-values ascending: p₍₁₎ ≤ … ≤ p₍ₘ₎. The adjusted value of the i-th smallest is
max over j ≤ i of min(1, (m − j + 1)·p₍ⱼ₎), so adjusted values keep the order of the raw ones.
None / NaN entries are not part of the family and stay None.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = ["holm"]


def holm(pvalues: Sequence[float | None]) -> list[float | None]:
    """Holm-adjusted p-values, in the input order."""
    idx = [i for i, p in enumerate(pvalues) if p is not None and not math.isnan(p)]
    for i in idx:
        if not 0.0 <= pvalues[i] <= 1.0:  # type: ignore[operator]
            raise ValueError(f"p-value out of [0, 1]: {pvalues[i]}")
    order = sorted(idx, key=lambda i: pvalues[i])  # type: ignore[arg-type, return-value]
    m = len(order)
    out: list[float | None] = [None] * len(pvalues)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * float(pvalues[i])))  # type: ignore[arg-type]
        out[i] = running
    return out
