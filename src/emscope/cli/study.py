"""`emscope study` and `emscope demo`: the whole experiment from one command."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table
from typer.core import TyperCommand

from emscope.cli.console import esc, make_console
from emscope.core.errors import InputError
from emscope.study.config import load_study, study_from_dict
from emscope.study.run import run_study, study_status, summary_rows

console = make_console()


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def _run(config, out: Path | None, yes: bool = False) -> None:  # type: ignore[no-untyped-def]
    run_dir = out or Path("runs") / config.name
    # Names and paths are the user's: escaped, so `[red]` or `[/x]` in them prints as itself.
    from emscope.study.sweep import sweep_points

    points = len(sweep_points(config)) if config.sweep is not None else 0
    swept = f" × {points} sweep point(s)" if points else ""
    console.print(f"study [bold]{esc(config.name)}[/]: {len(config.domains)} domain(s) × {len(config.seeds)} "
                  f"seed(s){swept}, model {esc(config.model)} → {esc(run_dir)}")
    from emscope.study.plan import one_line, plan_study

    console.print(esc(one_line(plan_study(config))))
    result = run_study(config, run_dir, yes=yes)
    table = Table("domain", "misaligned with trigger", "without", "alignment diff", "p (t-test)")
    for row in summary_rows(result.results):
        table.add_row(esc(row["domain"]), _pct(row["rate_with"]), _pct(row["rate_without"]),
                      "-" if row["diff"] is None else f"{row['diff']:+.2f}",
                      "-" if row["p"] is None else f"{row['p']:.3g}")
    console.print(table)
    stages = ", ".join(f"{k} {v:.0f}s" for k, v in result.stage_seconds.items())
    console.print(f"finished in {result.seconds / 60:.1f} min ({stages or 'everything already done'})")
    console.print(f"report: {esc(result.report)}")


def study(
    target: str = typer.Argument(..., help="A study YAML file (profile: demo|small|paper plus overrides), "
                                 "'status' followed by a run directory, or 'plan' followed by a study file "
                                 "(see `emscope study plan --help`)."),
    run_dir: Path = typer.Argument(None, help="With 'status': the study's run directory."),
    out: Path = typer.Option(None, help="Run directory (default runs/<name>)."),
    yes: bool = typer.Option(False, "--yes", help="Run a sweep that starts more jobs than its sweep.max_jobs."),
) -> None:
    """Run a whole study (build, train, generate, judge, analyze, report) resumably;
    `emscope study status DIR` shows which stages are done, in progress or pending, and which are
    damaged (their files or manifest no longer match) or stale (an input is damaged or was redone):
    rerunning the study redoes exactly those. `emscope study plan FILE` prints what the study will
    do (training runs, answers, judge calls), the smallest trigger effect it can detect and its
    compute, without running anything."""
    if target == "status":
        if run_dir is None:
            raise InputError("usage: emscope study status RUN_DIR")
        _status(run_dir)
    else:
        if run_dir is not None:
            raise InputError(f"unexpected argument {run_dir}: give one study file (and --out for the run directory)")
        _run(load_study(target), out, yes)


def _status(run_dir: Path) -> None:
    rows = study_status(run_dir)
    table = Table("job", "stage", "state", "seconds", "key", "problem")
    for row in rows:
        table.add_row(esc(row["job"]), row["stage"], row["state"],
                      "-" if row["seconds"] is None else f"{row['seconds']:.0f}", row["key"], esc(row["problem"] or ""))
    console.print(table)
    broken = [r for r in rows if r["state"] in ("damaged", "stale")]
    for row in broken:
        console.print(f"{row['state']}: {row['stage']} {esc(row['job'])} ({row['key']}): {esc(row['problem'])}")
    if broken:
        console.print(f"{len(broken)} stage(s) will be redone by rerunning the study with --out {esc(run_dir)}")


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


class _StudyCommand(TyperCommand):
    """`emscope study`, whose `plan` form is a command of its own (its options are not a run's)."""

    def make_context(self, info_name, args, parent=None, **extra):  # type: ignore[no-untyped-def]
        if args and args[0] == "plan":
            from emscope.cli.study_plan import plan_command

            # click's Group.invoke runs `sub_ctx.command`: the plan command, with its own --help
            return plan_command().make_context(f"{info_name} plan", args[1:], parent=parent, **extra)
        return super().make_context(info_name, args, parent=parent, **extra)


def register(root: typer.Typer) -> None:
    """Add `emscope study` (with `study plan` and `study status`) and `emscope demo` to the root CLI."""
    root.command("study", cls=_StudyCommand)(study)
    root.command("demo")(demo)
