"""Pydantic validation errors as one user-facing message, a line per problem.

Every stage validates its settings with pydantic; users must see which setting was wrong
in the spelling they typed it (a CLI option, or a dotted key of a YAML file), with a
closest-name hint for a misspelt key, not pydantic's own multi-line dump.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from pydantic import ValidationError

from emscope.core.errors import InputError
from emscope.core.registry import closest

__all__ = ["settings_error"]


def _where(loc: tuple[Any, ...], as_flags: bool, flags: Mapping[str, str]) -> str:
    if not as_flags:
        return ".".join(str(p) for p in loc)
    names = [str(p) for p in loc if not isinstance(p, int)]
    # The innermost field is the option the user typed (nested models are option groups).
    return flags.get(names[-1], "--" + names[-1].replace("_", "-")) if names else ""


def settings_error(
    exc: ValidationError,
    what: str,
    *,
    as_flags: bool = False,
    flags: Mapping[str, str] | None = None,
    fields_at: Callable[[tuple[Any, ...]], Iterable[str] | None] | None = None,
) -> InputError:
    """An InputError "invalid {what}:" listing every problem of `exc`, one per line.

    Settings are named as CLI options (`as_flags`: `--max-new-tokens`; `flags` overrides the
    spelling of a field's option) or else as dotted keys (`generate.samples`). An unknown
    key is reported as such, with a "Did you mean" hint drawn from `fields_at(loc)`: the
    field names valid where the unknown key sat.
    """
    lines = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        message = str(err["msg"]).removeprefix("Value error, ")
        if err["type"] == "extra_forbidden" and loc:
            valid = fields_at(loc) if fields_at else None
            message = "unknown key." + (closest(str(loc[-1]), list(valid)) if valid else "")
        where = _where(loc, as_flags, flags or {})
        lines.append(f"  {where}: {message}" if where else f"  {message}")
    return InputError(f"invalid {what}:\n" + "\n".join(lines))
