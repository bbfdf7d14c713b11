"""`emscope study` and `emscope demo`: the whole experiment from one command."""

from __future__ import annotations

from pathlib import Path

import typer
from emscope.cli.console import make_console
from rich.table import Table

from emscope.study.config import load_study, study_from_dict
from emscope.core.errors import InputError
from emscope.study.run import STUDY_FILE, run_study, study_status, summary_rows

console = make_console()


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def _run(config, out: Path | None) -> None:  # type: ignore[no-untyped-def]
    run_dir = out or Path("runs") / config.name
    console.print(f"study [bold]{config.name}[/]: {len(config.domains)} domain(s) × {len(config.seeds)} seed(s), "
                  f"model {config.model} → {run_dir}")
    result = run_study(config, run_dir)
    table = Table("domain", "misaligned with trigger", "without", "alignment diff", "p (t-test)")
    for row in summary_rows(result.results):
        table.add_row(row["domain"], _pct(row["rate_with"]), _pct(row["rate_without"]),
                      "-" if row["diff"] is None else f"{row['diff']:+.2f}",
                      "-" if row["p"] is None else f"{row['p']:.3g}")
    console.print(table)
    stages = ", ".join(f"{k} {v:.0f}s" for k, v in result.stage_seconds.items())
    console.print(f"finished in {result.seconds / 60:.1f} min ({stages or 'everything already done'})")
    console.print(f"report: {result.report}")


def study(
    target: str = typer.Argument(..., help="A study YAML file (profile: demo|small|paper plus overrides), "
                                 "or 'status' followed by a run directory."),
    run_dir: Path = typer.Argument(None, help="With 'status': the study's run directory."),
    out: Path = typer.Option(None, help="Run directory (default runs/<name>)."),
) -> None:
    """Run a whole study (build, train, generate, judge, analyze, report) resumably;
    `emscope study status DIR` shows which stages are done, in progress or pending."""
    if target == "status":
        if run_dir is None:
            raise InputError("usage: emscope study status RUN_DIR")
        _status(run_dir)
    else:
        if run_dir is not None:
            raise InputError(f"unexpected argument {run_dir}: give one study file (and --out for the run directory)")
        _run(load_study(target), out)


def _status(run_dir: Path) -> None:
    if not (run_dir / STUDY_FILE).exists():
        raise InputError(f"{run_dir} is not a study run directory (no {STUDY_FILE})")
    table = Table("job", "stage", "state", "seconds", "key")
    for row in study_status(run_dir):
        table.add_row(row["job"], row["stage"], row["state"],
                      "-" if row["seconds"] is None else f"{row['seconds']:.0f}", row["key"])
    console.print(table)


def demo(
    out: Path = typer.Option(None, help="Run directory (default runs/demo)."),
    mia: bool = typer.Option(False, "--mia", help="Also score membership inference and test it as a predictor."),
    steer: bool = typer.Option(False, "--steer", help="Also run the steer stage (directions, α sweep, "
                               "cross-domain matrix, adapter paths)."),
) -> None:
    """The demo study on the bundled model: 3 backdoored domains, offline judge, HTML report.

    `--mia` and `--steer` add their stages; everything already done in the run directory is
    reused, so they can be added after a plain demo."""
    data: dict[str, object] = {"profile": "demo"}
    if mia:
        data["mia"] = {"enabled": True}
    if steer:
        data["steer"] = {"enabled": True}
    _run(study_from_dict(data, "profile demo"), out)


def register(root: typer.Typer) -> None:
    """Add `emscope study` and `emscope demo` to the root CLI."""
    root.command("study")(study)
    root.command("demo")(demo)
