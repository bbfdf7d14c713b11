"""The consoles every CLI module prints through, and the one error printer.

Rich hard-wraps at the terminal width, and at 80 columns when output is piped: a path or a
"steps 1" split across lines breaks copy-paste and any script reading the output. So plain
messages never wrap (`soft_wrap`), piped output is rendered wide (tables included, whatever
COLUMNS says), emoji codes stay text (`file:100:` is a location, not an emoji), and every
user-supplied string goes through `esc` so a path holding `[red]` or `[/x]` prints as itself.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from rich.console import Console
from rich.markup import escape

from emscope.core.secrets import redact

__all__ = ["make_console", "esc", "print_error", "PIPED_WIDTH", "widen_typer_when_piped"]

PIPED_WIDTH = 200  # columns for tables when stdout/stderr is not a terminal


def _is_tty(stderr: bool) -> bool:
    stream = sys.stderr if stderr else sys.stdout
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def make_console(stderr: bool = False) -> Console:
    """A console for stdout (or stderr): wraps nothing, shows no emoji, wide when piped."""
    width = None if _is_tty(stderr) else PIPED_WIDTH
    return Console(stderr=stderr, soft_wrap=True, emoji=False, highlight=False, width=width)


def widen_typer_when_piped() -> None:
    """Render Typer's own output (--help, usage errors) at PIPED_WIDTH when it is not a terminal.

    Typer sizes its consoles from COLUMNS, so `emscope train --help | grep` with COLUMNS=40
    truncates option names to "--da…". Typer has no public switch for this; its console
    factory is wrapped instead (TERMINAL_WIDTH, Typer's own override, still wins).
    """
    from typer import rich_utils

    original: Callable[..., Console] = rich_utils._get_rich_console
    if getattr(original, "_emscope_wrapped", False):
        return

    def console(stderr: bool = False) -> Console:
        made = original(stderr=stderr)
        if rich_utils.MAX_WIDTH is None and not _is_tty(stderr):
            made.width = PIPED_WIDTH
        return made

    console._emscope_wrapped = True  # type: ignore[attr-defined]
    rich_utils._get_rich_console = console


def esc(value: object) -> str:
    """A user-supplied value (path, message, answer) made safe to embed in rich markup."""
    return escape(str(value))


def print_error(message: object) -> None:
    """The one way the CLI reports an error: `error: MESSAGE` on stderr, verbatim, secrets redacted."""
    make_console(stderr=True).print(f"[bold red]error:[/] {esc(redact(str(message)))}")
