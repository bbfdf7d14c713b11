"""User-facing errors: the CLI prints them without a traceback and exits non-zero."""

from __future__ import annotations

__all__ = ["EmscopeError", "InputError", "MissingDependencyError"]


class EmscopeError(Exception):
    """An error the user can act on; its message says what went wrong and what to do."""

    exit_code = 1


class InputError(EmscopeError):
    """Bad input data or arguments (a file, a line, a field)."""

    exit_code = 2


class MissingDependencyError(EmscopeError):
    """An optional package or bundled model is not installed; the message names the install command."""

    exit_code = 3
