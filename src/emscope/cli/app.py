"""The `emscope` Typer application; each stage adds its own sub-command group."""

from __future__ import annotations

import importlib
import sys

import typer

from emscope import __version__
from emscope.cli.console import print_error, widen_typer_when_piped
from emscope.core.errors import EmscopeError

__all__ = ["app", "main", "STAGE_MODULES"]

# One CLI module per stage, in pipeline order; each exposes `register(app)` and joins the
# CLI by being listed here. Heavy imports stay inside the commands, so startup stays fast.
STAGE_MODULES = ("data", "models", "train", "generate", "judge", "analyze", "report", "mia", "steer", "study", "screen")

widen_typer_when_piped()  # --help and usage errors: one line per option, whatever COLUMNS says

app = typer.Typer(
    name="emscope",
    help="Measure emergent misalignment from narrow fine-tuning: build domain datasets (with "
    "backdoor triggers), fine-tune, generate, judge and analyse. Runs offline on CPU with bundled "
    "models by default.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _register_stages() -> None:
    for name in STAGE_MODULES:
        importlib.import_module(f"emscope.cli.{name}").register(app)


_register_stages()


def _version(value: bool) -> None:
    if value:
        print(f"emscope {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version and exit."),
) -> None:
    """emscope: domain-level susceptibility to emergent misalignment."""


def main() -> None:
    """Console entry point: user-facing errors print as one clear message, not a traceback."""
    try:
        app()
    except EmscopeError as exc:
        print_error(exc)
        sys.exit(exc.exit_code)
