"""`emscope screen DATASET...`: misalignment risk of fine-tuning data before training;
`emscope screen evaluate --study RUN`: does that risk predict a finished study's measured rates?"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from typer.core import TyperGroup

from emscope.cli.console import esc, make_console
from emscope.core.errors import InputError
from emscope.core.io import atomic_write_text


class _ScreenGroup(TyperGroup):
    """`screen` takes DATASET arguments *and* has an `evaluate` subcommand: a first argument naming a
    subcommand goes to it (click's own parsing would read it as a dataset)."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] in self.commands:
            super().parse_args(ctx, [])  # the group's own parameters at their defaults
            rest = list(args)
            ctx._protected_args, ctx.args = rest[:1], rest[1:]
            return ctx.args
        ctx.allow_interspersed_args = True  # options may follow the DATASET arguments
        return super().parse_args(ctx, args)


app = typer.Typer(cls=_ScreenGroup, help="Screen chat fine-tuning data for misalignment risk before training "
                  "(judge, base-model likelihood, misalignment direction, embedding similarity), and validate "
                  "the screen against a finished study.")
console = make_console()


def _num(x: float | None, spec: str = ".3f") -> str:
    return "-" if x is None else format(x, spec)


def progress_bar() -> Progress:
    """The bar the long passes report to (transient: gone once the table prints)."""
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                    console=console, transient=True)


def progress_callback(bar: Progress) -> Any:
    tasks: dict[str, Any] = {}

    def progress(phase: str, done: int, total: int) -> None:
        if phase not in tasks:
            tasks[phase] = bar.add_task(f"screening ({phase})", total=total)
        bar.update(tasks[phase], completed=done)

    return progress


def _dataset_table(summary: Any) -> Table:
    groups = [g for g in ("judge", "embedding", "likelihood", "direction")
              if any(g in d.risk_groups for d in summary.datasets)]
    table = Table("dataset", "rows", "misaligned", "mean aligned", *groups, "risk (± se)",
                  title="per dataset (risk: 0 = like the aligned references, 1 = like the misaligned ones)",
                  title_justify="left")
    for d in summary.datasets:
        rows = str(d.rows) + (f" ({d.screened} scr.)" if d.screened < d.rows else "")
        if d.model_screened and d.model_screened < d.screened:
            rows += f" [{d.model_screened} model]"
        risk = _num(d.risk) + ("" if not d.risk_se else f" ± {d.risk_se:.3f}")
        table.add_row(esc(Path(d.path).name), rows, _num(d.share_misaligned, ".2f"), _num(d.mean_aligned, ".1f"),
                      *(_num(d.risk_groups.get(g)) for g in groups), risk)
    return table


def _top_table(summary: Any, top: int) -> Table:
    table = Table("dataset", "row", "risk", "answer", title=f"top {top} riskiest rows per dataset",
                  title_justify="left")
    for d in summary.datasets:
        for t in d.top[:top]:
            table.add_row(esc(Path(d.path).name), str(t.index + 1), f"{t.risk:.3f}", esc(t.answer[:100]))
    return table


def _cost_table(summary: Any) -> Table:
    table = Table("signal", "rows", "seconds", "s / 1,000 rows", "load s", title="cost", title_justify="left")
    for c in summary.costs:
        table.add_row(esc(c.group), str(c.rows), f"{c.seconds:.1f}", f"{c.seconds_per_1000_rows:.1f}",
                      f"{c.load_seconds:.1f}")
    return table


def _model_rows(value: str) -> int | None:
    if value == "all":
        return None
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n < 1:
        raise InputError(f"--model-rows {value!r}: give a positive number of rows or 'all'")
    return n


@app.callback(invoke_without_command=True)
def screen_command(
    ctx: typer.Context,
    datasets: list[Path] = typer.Argument(None, help="Chat JSONL files or folders of *.jsonl."),
    model: str = typer.Option("smollm2-135m-instruct", help="Base model (the one you would fine-tune)."),
    reference_model: str = typer.Option(None, help="Reference model of the same tokenizer: adds adj_* columns."),
    out: Path = typer.Option(None, help="Folder for screen.json and rows.jsonl (every row's signals)."),
    top: int = typer.Option(10, help="Riskiest rows to list per dataset."),
    filter_out: Path = typer.Option(None, "--filter-out", help="Write the (one) dataset without rows above --max-risk."),
    max_risk: float = typer.Option(None, help="With --filter-out: drop rows whose combined risk exceeds this."),
    json_out: Path = typer.Option(None, "--json", help="Write the summary JSON here."),
    signals: str = typer.Option("judge,embedding,likelihood,direction", help="Signal groups, comma-separated."),
    model_rows: str = typer.Option("200", help="Rows per dataset scored by the model signals (a seeded sample), or 'all'."),
    max_rows: int = typer.Option(None, help="Screen a seeded sample of this many rows per dataset."),
    seed: int = typer.Option(0, help="Seed of the samples."),
    layer: int = typer.Option(None, help="Decoder layer of the direction (default: the middle one)."),
    max_length: int = typer.Option(512, help="Tokens per conversation for the model signals."),
    device: str = typer.Option(None, help="torch device (default: cuda if available, else cpu)."),
) -> None:
    """Screen datasets: `emscope screen FILE... [--model BASE] [--out DIR] [--filter-out F --max-risk X]`."""
    if ctx.invoked_subcommand is not None:
        return
    from pydantic import ValidationError

    from emscope.core.validation import settings_error
    from emscope.screen import ScreenConfig, filter_dataset, screen, write_outputs

    if not datasets:
        raise InputError("give at least one dataset: emscope screen FILE.jsonl [FILE...]")
    if (filter_out is None) != (max_risk is None):
        raise InputError("--filter-out and --max-risk go together: the file to write and the risk above which rows go")
    try:
        cfg = ScreenConfig(datasets=tuple(str(d) for d in datasets), model=model, reference_model=reference_model,
                           signals=tuple(s.strip() for s in signals.split(",") if s.strip()),  # type: ignore[arg-type]
                           model_rows=_model_rows(model_rows), max_rows=max_rows, seed=seed, layer=layer,
                           max_length=max_length, device=device, top=top)
    except ValidationError as exc:
        raise settings_error(exc, "screen settings", as_flags=True) from exc
    with progress_bar() as bar:
        result = screen(cfg, progress_callback(bar))
    summary = result.summary
    console.print(_dataset_table(summary))
    if top:
        console.print(_top_table(summary, top))
    console.print(_cost_table(summary))
    for note in summary.notes:
        console.print(f"[yellow]note:[/] {esc(note)}", highlight=False)
    if out is not None:
        paths = write_outputs(result, out)
        console.print(f"written: {esc(paths[0])}, {esc(paths[1])}", highlight=False)
    if json_out is not None:
        atomic_write_text(json_out, summary.model_dump_json(indent=2) + "\n")
        console.print(f"summary: {esc(json_out)}", highlight=False)
    if filter_out is not None:
        kept, removed, unscored = filter_dataset(result, filter_out, max_risk)
        console.print(f"filtered: {kept} rows kept, {removed} removed (risk > {max_risk}), {unscored} kept unscored "
                      f"-> {esc(filter_out)}", highlight=False)


@app.command("evaluate")
def evaluate_command(
    study: Path = typer.Option(..., "--study", help="A finished study run directory (holding study.json)."),
    out: Path = typer.Option(None, help="Folder for evaluate.json and the screen outputs (default: RUN/screen)."),
    model_rows: str = typer.Option("200", help="Rows per domain dataset scored by the model signals, or 'all'."),
    permutations: int = typer.Option(2000, help="Shuffles of the rates over domains for the permutation p-values."),
    device: str = typer.Option(None, help="torch device (default: cuda if available, else cpu)."),
) -> None:
    """Screen each domain's training set with the study's base model; test every signal against the rates."""
    from emscope.screen import ScreenConfig
    from emscope.screen.evaluate import evaluate_study, resolve_study

    inputs = resolve_study(study)
    cfg = ScreenConfig(datasets=tuple(inputs.datasets), model=inputs.model, model_rows=_model_rows(model_rows),
                       device=device, top=0)
    folder = out or (study / "screen")
    with progress_bar() as bar:
        result = evaluate_study(inputs, cfg, folder, permutations=permutations, progress=progress_callback(bar))
    console.print(evaluate_table(result))
    for note in result["notes"]:
        console.print(f"[yellow]note:[/] {esc(note)}", highlight=False)
    console.print(f"written: {esc(folder / 'evaluate.json')}", highlight=False)


def evaluate_table(result: dict[str, Any]) -> Table:
    """The signal table of an evaluate.json: ρ, AUC, permutation p (raw and max-corrected), cost."""
    table = Table("signal", "n", "Spearman ρ", "perm p (max)", "AUC", "perm p (max)", "LODO AUC", "s / 1,000 rows",
                  title=f"screen signals vs measured misalignment rate ({result['domains']} domains)",
                  title_justify="left")
    for p in result["predictors"]:
        rho = "-" if p["spearman_rho"] is None else f"{p['spearman_rho']:+.2f}"
        table.add_row(esc(p["column"]), str(p["n"]), rho,
                      f"{_num(p.get('spearman_perm_p'), '.3f')} ({_num(p.get('spearman_perm_p_max'), '.3f')})",
                      _num(p["auc"], ".2f"),
                      f"{_num(p.get('auc_perm_p'), '.3f')} ({_num(p.get('auc_perm_p_max'), '.3f')})",
                      _num(p["lodo_auc"], ".2f"), _num(result["cost_per_1000_rows"].get(p["column"]), ".1f"))
    return table


def register(root: typer.Typer) -> None:
    """Add `emscope screen` to the root CLI."""
    root.add_typer(app, name="screen")
