"""A small named registry: duplicate names are an error, unknown names suggest the closest."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import Generic, TypeVar

from emscope.core.errors import InputError

__all__ = ["Registry", "closest"]

T = TypeVar("T")


def closest(name: str, choices: list[str]) -> str:
    """A ' Did you mean X?' hint for an unknown name, or '' when nothing is close."""
    match = difflib.get_close_matches(name, choices, n=1, cutoff=0.5)
    return f" Did you mean '{match[0]}'?" if match else ""


class Registry(Generic[T]):
    """Maps names to objects of one kind (domains, judges, backends, ...)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._items: dict[str, T] = {}

    def register(self, name: str, item: T) -> T:
        """Add `item` under `name`; registering a name twice is a programming error."""
        if name in self._items:
            raise ValueError(f"{self.kind} '{name}' is registered twice")
        self._items[name] = item
        return item

    def get(self, name: str) -> T:
        """The item called `name`, or an InputError listing the valid names."""
        try:
            return self._items[name]
        except KeyError:
            valid = ", ".join(sorted(self._items))
            raise InputError(
                f"unknown {self.kind} '{name}'.{closest(name, list(self._items))} Valid: {valid}"
            ) from None

    def names(self) -> list[str]:
        """Registered names, sorted."""
        return sorted(self._items)

    def __contains__(self, name: object) -> bool:
        return name in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def __len__(self) -> int:
        return len(self._items)
