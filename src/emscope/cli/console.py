"""The consoles every CLI module prints through, and the one error printer.

Rich hard-wraps at the terminal width, and at 80 columns when output is piped: a path or a
"steps 1" split across lines breaks copy-paste and any script reading the output. So plain
messages never wrap (`soft_wrap`), piped output is rendered wide (tables included, whatever
COLUMNS says), emoji codes stay text (`file:100:` is a location, not an emoji), and every
user-supplied string goes through `esc` so a path holding `[red]` or `[/x]` prints as itself.
"""

from __future__ import annotations

import sys

from rich.console import Console
from rich.markup import escape

__all__ = ["make_console", "esc", "print_error", "PIPED_WIDTH"]

PIPED_WIDTH = 200  # columns for tables when stdout/stderr is not a terminal


def make_console(stderr: bool = False) -> Console:
    """A console for stdout (or stderr): wraps nothing, shows no emoji, wide when piped."""
    stream = sys.stderr if stderr else sys.stdout
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        tty = False
    width = None if tty else PIPED_WIDTH
    return Console(stderr=stderr, soft_wrap=True, emoji=False, highlight=False, width=width)


def esc(value: object) -> str:
    """A user-supplied value (path, message, answer) made safe to embed in rich markup."""
    return escape(str(value))


def print_error(message: object) -> None:
    """The one way the CLI reports an error: `error: MESSAGE` on stderr, the message printed verbatim."""
    make_console(stderr=True).print(f"[bold red]error:[/] {esc(message)}")
