"""Numbers as report cells: one spelling of missing values ("–") and percentages everywhere."""

from __future__ import annotations

__all__ = ["num", "pct"]


def pct(x: float | None, digits: int = 1) -> str:
    """A share in [0, 1] as a percentage, or "–" when missing."""
    return "–" if x is None else f"{x * 100:.{digits}f}%"


def num(x: float | None, spec: str = ".2f") -> str:
    """A number in format `spec`, or "–" when missing."""
    return "–" if x is None else format(x, spec)
