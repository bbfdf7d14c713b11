"""`emscope mia`: membership-inference scores per example and domain; `emscope mia predict`: do they predict misalignment?"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.progress import Progress
from rich.table import Table

from emscope.cli.console import esc, make_console
from emscope.core.io import atomic_write_text

app = typer.Typer(help="Membership-inference (loss, zlib, Min-K%, Min-K%++) scores of datasets, reference-adjusted, "
                  "and their power to predict which domains become misaligned.")
console = make_console()

# CLI parameter -> MiaConfig field (only values typed on the command line override the YAML).
_FIELDS = {"model": "model", "adapter": "adapter", "reference": "reference", "reference_adapter": "reference_adapter",
           "dataset": "datasets", "holdout": "holdout", "k": "k", "max_length": "max_length",
           "last_turn_only": "last_turn_only", "precision": "precision", "batch_tokens": "batch_tokens",
           "max_batch_rows": "max_batch_rows", "device": "device"}


def _num(x: float | None, spec: str = ".3f") -> str:
    return "-" if x is None else format(x, spec)


def _explicit(ctx: typer.Context) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for param, field in _FIELDS.items():
        # By name: typer may ship its own click, whose ParameterSource is a different enum class.
        source = ctx.get_parameter_source(param)
        if getattr(source, "name", None) in ("COMMANDLINE", "ENVIRONMENT"):
            value = ctx.params[param]
            out[field] = tuple(str(v) for v in value) if field in ("datasets", "holdout") else value
    return out


def _mean_table(summary: Any, prefix: str, title: str) -> Table:
    heads = [f"{prefix}{m}" for m in summary.metrics]
    counts = [] if prefix else ["rows", "tokens"]  # the adjusted table repeats no counts: narrow enough for 80 columns
    table = Table("domain", "split", *counts, *heads, title=title, title_justify="left")
    for agg in summary.domains:
        cells = [] if prefix else [str(agg.scored) + (f" ({agg.errors} err)" if agg.errors else ""), str(agg.tokens)]
        table.add_row(esc(agg.domain), esc(agg.split), *cells,
                      *(_num(agg.stats[h].mean, ".4f" if "zlib" in h else ".3f") for h in heads))
    return table


def _membership_table(summary: Any, prefix: str) -> Table:
    cols = [f"{prefix}{m}" for m in summary.metrics]
    table = Table("domain", *cols, title=f"member vs non-member ROC-AUC{' (adjusted)' if prefix else ''}",
                  title_justify="left")
    for domain in sorted({m.domain for m in summary.membership}):
        by = {m.column: m.auc for m in summary.membership if m.domain == domain}
        table.add_row(esc(domain), *(_num(by.get(c), ".3f") for c in cols))
    return table


def _print_summary(summary: Any, out: Path) -> None:
    from emscope.mia.schema import summary_path

    prefixes = [""] + (["adj_"] if summary.config.has_reference else [])
    for prefix in prefixes:
        title = "mean per domain, reference-adjusted (target − reference)" if prefix else "mean per domain (target)"
        console.print(_mean_table(summary, prefix, title))
    if summary.membership:
        for prefix in prefixes:
            console.print(_membership_table(summary, prefix))
    t = summary.timings
    console.print(f"{t.scored_tokens:,} assistant tokens; {t.tokens_per_s:,.0f} scored tokens/s ({summary.precision}, "
                  f"reference: {summary.reference_mode}); load {t.load_s:.1f}s", highlight=False)
    for note in summary.notes:
        console.print(f"[yellow]note:[/] {esc(note)}", highlight=False)
    console.print(f"rows: {esc(out)}  summary: {esc(summary_path(out))}", highlight=False)


@app.callback(invoke_without_command=True)
def score(
    ctx: typer.Context,
    model: str = typer.Option("smollm2-135m-instruct", help="Target model: bundled name, HF id or local folder."),
    adapter: str = typer.Option(None, help="LoRA adapter folder of the target (the fine-tuned model)."),
    reference: str = typer.Option(None, help="Reference (un-fine-tuned base) model: adds ref_* and adj_* = target − reference."),
    reference_adapter: str = typer.Option(None, help="LoRA adapter of the reference model."),
    dataset: list[Path] = typer.Option(None, help="Chat JSONL file or folder of *.jsonl (repeat for several)."),
    holdout: list[Path] = typer.Option(None, help="Held-out rows (non-members) of the same domains: adds member-vs-non-member AUCs."),
    out: Path = typer.Option(None, help="Per-example scores (.jsonl); the per-domain summary goes beside it (.domains.json)."),
    k: float = typer.Option(0.2, help="Min-K% fraction (0.2 = lowest 20% of tokens)."),
    max_length: int = typer.Option(2048, help="Tokens per conversation (longer: cut, flagged `truncated`)."),
    last_turn_only: bool = typer.Option(False, "--last-turn-only/--all-turns", help="Score only the final assistant turn."),
    precision: str = typer.Option("auto", help="auto | bf16 | fp32 (auto: bf16 where the hardware is fast at it)."),
    batch_tokens: int = typer.Option(None, help="Padded tokens per forward batch (default 1024 on CPU, 16384 on CUDA)."),
    max_batch_rows: int = typer.Option(64, help="Rows per forward batch at most."),
    device: str = typer.Option(None, help="torch device (default: cuda if available, else cpu)."),
    config: Path = typer.Option(None, help="YAML with these settings (a top-level `mia:` section or flat); the command line wins."),
    force: bool = typer.Option(False, help="Score again even when --out holds a finished run with the same key."),
) -> None:
    """Score datasets: `emscope mia --model M [--adapter DIR] [--reference R] --dataset FILE... --out scores.jsonl`."""
    if ctx.invoked_subcommand is not None:
        return
    from emscope.core.errors import InputError
    from emscope.mia.config import load_yaml_section, resolve_config
    from emscope.mia.run import find_cached, score_datasets

    if out is None:
        raise InputError("--out is required: where to write the per-example scores (.jsonl)")
    cfg = resolve_config(load_yaml_section(config) if config else None, _explicit(ctx))
    if not force and (cached := find_cached(cfg, out)) is not None:
        console.print(f"cached: {esc(out)} already holds these scores (key {cached.key}); --force to score again",
                      highlight=False)
        _print_summary(cached, out)
        return
    with Progress(console=console, transient=True) as bar:
        tasks: dict[str, Any] = {}

        def progress(which: str, done: int, total: int) -> None:
            if which not in tasks:
                tasks[which] = bar.add_task(f"scoring ({which})", total=total)
            bar.update(tasks[which], completed=done)

        summary = score_datasets(cfg, out, force=force, progress=progress)
    _print_summary(summary, out)


def _predictor_table(preds: list[Any]) -> Table:
    stat = preds[0].stat if preds else "mean"
    table = Table("column", "n", "Spearman ρ (p)", "AUC [CI]", "LODO AUC", "LODO acc",
                  title=f"per-domain {stat} as predictor of above-median misalignment", title_justify="left")
    for p in preds:
        rho = "-" if p.spearman_rho is None else f"{p.spearman_rho:+.2f} ({p.spearman_p:.2g})"
        auc = "-" if p.auc is None else f"{p.auc:.2f}" + ("" if p.auc_low is None else f" [{p.auc_low:.2f},{p.auc_high:.2f}]")
        table.add_row(esc(p.column), str(p.n), rho, auc, _num(p.lodo_auc, ".2f"), _num(p.lodo_accuracy, ".2f"))
    return table


def _domain_table(preds: list[Any]) -> Table:
    # Four score columns fit 80 characters: the adjusted ones when tested (the claim is about
    # them), else the first four; --json holds every column.
    chosen = [p.column for p in preds]
    cols = [c for c in chosen if c.startswith("adj_")][:4] or chosen[:4]
    table = Table("domain", "rate", "> med", *cols, title="per-domain join", title_justify="left")
    rows: dict[str, dict[str, Any]] = {}
    for p in preds:
        for q in p.points:
            rows.setdefault(q.domain, {"rate": q.rate, "above": q.above_median})[p.column] = q.score
    for domain in sorted(rows, key=lambda d: -rows[d]["rate"]):
        r = rows[domain]
        table.add_row(esc(domain), f"{r['rate']:.1%}", "yes" if r["above"] else "no",
                      *(_num(r.get(c), ".4f") for c in cols))
    return table


@app.command("predict")
def predict(
    scores: list[Path] = typer.Option(..., help="`emscope mia` summaries (.domains.json) or their .jsonl (repeat: one per fine-tuned model)."),
    rates: Path = typer.Option(..., help="Misalignment rates: JSON {domain: rate in [0, 1]} or `emscope analyze` results.json."),
    rates_model: str = typer.Option(None, help="Which model's rates, when results.json ranks several."),
    column: list[str] = typer.Option(None, help="Score column(s) to test (default: all, e.g. loss, mink, adj_mink)."),
    stat: str = typer.Option("mean", help="Per-domain statistic: mean | median | std."),
    bootstrap: int = typer.Option(2000, help="Bootstrap resamples (over domains) for the AUC interval."),
    confidence: float = typer.Option(0.95, help="Interval level."),
    seed: int = typer.Option(0, help="Bootstrap seed."),
    json_out: Path = typer.Option(None, "--json", help="Also write the predictors as JSON."),
    figures: Path = typer.Option(None, help="Write roc.png and scatter_<column>.png into this folder."),
) -> None:
    """Spearman ρ, ROC-AUC (bootstrap CI) and leave-one-domain-out AUC of per-domain MIA scores vs misalignment."""
    from pydantic import ValidationError

    from emscope.core.errors import InputError
    from emscope.core.validation import settings_error
    from emscope.mia.predict import load_rates
    from emscope.mia.predictors import PredictConfig, predictors_payload
    from emscope.mia.schema import read_scores

    try:
        config = PredictConfig(columns=tuple(column) if column else None, stat=stat, resamples=bootstrap,
                               confidence=confidence, seed=seed)
    except ValidationError as exc:
        raise settings_error(exc, "mia predict options", flags={"resamples": "--bootstrap", "columns": "--column"},
                             as_flags=True) from exc
    summaries = {str(s): read_scores(s) for s in scores}  # source (the file given) -> summary
    if len(summaries) < len(scores):
        raise InputError("--scores names one file twice; give each summary once")
    loaded = load_rates(rates, rates_model)
    preds, notes = config.predict(list(summaries.values()), loaded)
    console.print(_predictor_table(preds))
    console.print(_domain_table(preds))
    for note in notes + [f"{p.column}: {p.note}" for p in preds if p.note]:
        console.print(f"[yellow]note:[/] {esc(note)}", highlight=False)
    if json_out:  # the format `emscope report --mia` reads (mia/predictors.py), as the study's predict stage writes
        payload = predictors_payload(config, summaries, loaded, preds, notes)
        atomic_write_text(json_out, json.dumps(payload, indent=1) + "\n")
    if figures:
        from emscope.mia.figures import roc_figure, scatter_figure

        figures.mkdir(parents=True, exist_ok=True)
        roc_figure(preds).savefig(figures / "roc.png", dpi=120, bbox_inches="tight")
        for p in preds:
            if p.n:
                scatter_figure(p).savefig(figures / f"scatter_{p.column}.png", dpi=120, bbox_inches="tight")
        console.print(f"figures written to {esc(figures)}", highlight=False)


def register(root: typer.Typer) -> None:
    """Add `emscope mia` to the root CLI."""
    root.add_typer(app, name="mia")
