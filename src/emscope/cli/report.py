"""`emscope report`: figures and one self-contained HTML file from an analysis results directory.

matplotlib is imported when the command runs, so other commands start fast.
"""

from __future__ import annotations

from pathlib import Path

import typer
from pydantic import ValidationError

from emscope.cli.console import esc, make_console
from emscope.core.validation import settings_error

console = make_console()


def report_command(
    results_dir: Path = typer.Argument(..., help="Directory written by `emscope analyze --out DIR`."),
    out: Path = typer.Option(None, "--out", help="Report directory (default: DIR/report)."),
    dpi: int = typer.Option(150, help="Resolution of the PNG figures."),
    max_answer_chars: int = typer.Option(2000, help="Cut sample answers longer than this (saying so)."),
    mia: Path = typer.Option(None, "--mia", help="predictors.json of a study's predict stage: adds the MIA section."),
    steer: Path = typer.Option(None, "--steer", help="Output folder of a steer stage: adds the steering section."),
    screen: Path = typer.Option(None, "--screen", help="evaluate.json of `emscope screen evaluate`: adds the screening section."),
    audit: Path = typer.Option(None, "--audit", help="agreement.json of a study's audit stage: adds the judge-agreement section."),
) -> None:
    """Write report.html (figures embedded, viewable offline) plus each figure as PNG and SVG."""
    from emscope.report.run import ReportConfig, report

    try:
        config = ReportConfig(dpi=dpi, max_answer_chars=max_answer_chars)
    except ValidationError as exc:
        raise settings_error(exc, "report settings", as_flags=True) from exc
    outputs = report(config, results_dir, out, mia=mia, steer=steer, audit=audit, screen=screen)
    for name, fig in outputs.figures.items():
        console.print(f"{esc(name)}: " + (f"{esc(fig.png)}, {esc(fig.svg)}" if fig else "not drawn (nothing to plot)"), highlight=False)
    console.print(f"report: {esc(outputs.html)}", highlight=False)


def register(root: typer.Typer) -> None:
    """Add `emscope report` to the root CLI."""
    root.command("report")(report_command)
