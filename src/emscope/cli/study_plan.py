"""`emscope study plan CONFIG`: counts, power and cost of a study, before it runs (no model loads)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from pydantic import ValidationError

from emscope.cli.console import esc, make_console
from emscope.core.errors import InputError

__all__ = ["plan", "plan_command"]

console = make_console()


def _assumptions(from_run: Path | None, **given: Any) -> Any:
    from emscope.core.validation import settings_error
    from emscope.study.plan import DEFAULT_ASSUMPTIONS, PlanAssumptions, assumptions_from_run

    explicit = {k: v for k, v in given.items() if v is not None}
    try:
        if from_run is not None:
            return assumptions_from_run(from_run, **explicit)
        if {"tau", "sigma", "tau_rate", "base_rate"} & set(explicit):
            explicit["source"] = ("given on the command line" if DEFAULT_ASSUMPTIONS.tau is None
                                  else f"{DEFAULT_ASSUMPTIONS.source}; overridden on the command line")
        return PlanAssumptions(**{**DEFAULT_ASSUMPTIONS.model_dump(), **explicit})
    except ValidationError as exc:
        raise settings_error(exc, "plan assumptions", as_flags=True) from None


def _config(config: Path | None, profile: str | None) -> Any:
    from emscope.study.config import load_study, study_from_dict

    if (config is None) == (profile is None):
        raise InputError("usage: emscope study plan CONFIG.yaml, or emscope study plan --profile demo|small|paper")
    return load_study(config) if config is not None else study_from_dict({"profile": profile}, f"profile {profile}")


def plan(
    config: Path = typer.Argument(None, help="The study YAML file (as for `emscope study`)."),
    profile: str = typer.Option(None, help="Plan a built-in profile instead of a file: demo, small or paper."),
    tau: float = typer.Option(None, help="Between-question SD of the with − without alignment difference "
                              "(points; default: measured on emscope's demo)."),
    sigma: float = typer.Option(None, help="Within-question SD of one paired alignment difference (points)."),
    tau_rate: float = typer.Option(None, help="Between-question SD of the misaligned-rate difference (fraction)."),
    base_rate: float = typer.Option(None, help="Misaligned rate without the trigger (fraction)."),
    from_run: Path = typer.Option(None, help="Estimate τ, σ, the rate spread and base rate from a finished "
                                  "study run directory's judged files."),
    target_effect: float = typer.Option(None, help="Also size the samples per paraphrase for this alignment drop."),
    target_rate: float = typer.Option(None, help="Also size the samples for this misaligned-rate increase."),
    power: float = typer.Option(None, help="Power at the minimum detectable effect (default 0.8)."),
    alpha: float = typer.Option(None, help="Two-sided significance level (default 0.05)."),
    rates: Path = typer.Option(None, help="GPU rates: the JSON `benchmarks/gpu.py --json FILE` wrote on the "
                               "target GPU."),
    json_out: Path = typer.Option(None, "--json", help="Also write the plan as JSON here."),
) -> None:
    """What a study will do and what it can detect: training runs, answers, judge calls, the
    smallest trigger effect its paired, question-clustered test detects, and the compute per stage.
    Loads no model and needs no network."""
    from emscope.core.io import atomic_write_text
    from emscope.study.cost import load_rates
    from emscope.study.plan import plan_study

    study = _config(config, profile)
    assumed = _assumptions(from_run, tau=tau, sigma=sigma, tau_rate=tau_rate, base_rate=base_rate,
                           target_effect=target_effect, target_rate=target_rate, power=power, alpha=alpha)
    result = plan_study(study, assumed, load_rates(rates) if rates is not None else None)
    show(result)
    if json_out is not None:
        atomic_write_text(json_out, result.model_dump_json(indent=2) + "\n")
        console.print(f"plan written to {esc(json_out)}")


def _fine_tuning(table: _Rows, p: Any) -> None:
    """The jobs of an API-trained study and their estimated trained tokens."""
    f, t = p.training.fine_tuning, p.training
    epochs = ", ".join(str(e) for e in sorted({j.epochs for j in f.per_job})) or "-"
    batch = f"{t.effective_batch} rows" if t.effective_batch else "the API's auto"
    table.add_row("fine-tuning jobs", f"{f.jobs} ({len(p.domains)} domain(s) × {len(p.seeds)} seed(s)) on "
                  f"{esc(f.base_model)} through the {esc(f.backend)} API: {t.rows_per_run:,} rows each, {epochs} "
                  f"epoch(s) ({esc(f.epochs_source)}), batch {batch}")
    table.add_row("trained tokens", f"~{f.trained_tokens:,} ({esc(f.token_method)})")


def _counts(table: _Rows, p: Any) -> None:
    t, s = p.training, p.sampling
    points = "" if p.points == 1 else f" × {p.points} sweep point(s)"
    table.add_row("[bold]counts[/]", "")
    if t.fine_tuning is not None:
        _fine_tuning(table, p)
    else:
        each = "each" if p.points == 1 else "in the largest point"
        table.add_row("training runs", f"{t.runs} ({len(p.domains)} domain(s) × {len(p.seeds)} seed(s){points}): "
                      f"{t.rows_per_run:,} rows, {t.steps_per_run:,} steps {each} ({t.preset} preset, {t.epochs} "
                      f"epochs × {t.effective_batch} rows)")
    swept = "" if p.points == 1 else f" × {p.points} points"
    models = f"({len(p.domains)} domains{swept}{' + baseline' if p.baseline else ''}) × {len(p.seeds)} seed(s)"
    table.add_row("answers", f"{s.answers:,} = {s.questions} questions ({s.prompts} paraphrases) × {s.samples} "
                  f"samples × {len(s.conditions)} condition(s) × {s.models} models {models}; "
                  f"≤{s.max_new_tokens} tokens each")
    calls = f"{s.judge_calls:,}" + (f", ≤{s.judge_prompts:,} prompts" if s.judge_prompts is not None else "")
    table.add_row("judge calls", f"{calls} ({esc(s.judge)} judge: {esc(s.judge_note)})")
    for line in p.extras:
        table.add_row("", esc(line))


def _num(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def _power(table: _Rows, p: Any) -> None:
    w, a = p.power, p.assumptions
    table.add_row("[bold]power[/]", f"per domain: paired with − without, clustered by question, t with "
                  f"{w.questions - 1} df; α {a.alpha:g} two-sided, {a.power:.0%} power")
    table.add_row("assumed spread", f"τ {_num(a.tau, '.2f')}, σ {_num(a.sigma, '.2f')} points; rate: τ "
                  f"{_num(a.tau_rate, '.3f')}, base {_num(a.base_rate, '.1%')} ({esc(a.source)})")
    sizes = sorted(set(w.pairs_per_question))
    table.add_row("pairs per question", " / ".join(str(n) for n in sizes) + " (paraphrases × samples × seeds)")
    if w.mde_alignment is not None:
        table.add_row("MDE, alignment", f"{w.mde_alignment:.2f} points")
    if w.mde_rate is not None:
        table.add_row("MDE, misaligned rate", f"+{w.mde_rate * 100:.1f} percentage points from {a.base_rate:.1%}")

    if a.target_effect is not None and w.samples_for_target is not None:
        table.add_row(f"for {a.target_effect:g} points", f"{w.samples_for_target:,} samples per paraphrase")
    if a.target_rate is not None and w.samples_for_target_rate is not None:
        table.add_row(f"for +{a.target_rate:.1%} rate", f"{w.samples_for_target_rate:,} samples per paraphrase")
    for note in w.notes:
        table.add_row("", esc(note))


def _cost(table: _Rows, p: Any) -> None:
    c = p.cost
    table.add_row("[bold]cost[/]", f"measured on {esc(c.hardware)}" if c.hardware else "")
    for stage in c.stages:
        hours = "-" if stage.hours is None else f"{stage.hours:,.2f} h ({stage.hours * 60:,.0f} min)"
        table.add_row(stage.stage, f"{hours}: {esc(stage.basis)}")
    if c.total_hours is not None:
        table.add_row("total", f"{c.total_hours:,.2f} GPU-hours (stages with a figure)")
    if (f := p.training.fine_tuning) is not None:
        if f.estimated_usd is None:
            table.add_row("fine-tuning", f"-: {esc(f.price_source)}")
        else:
            table.add_row("fine-tuning", f"~${f.estimated_usd:,.2f} estimated = ~{f.trained_tokens:,} trained "
                          f"tokens × ${f.usd_per_million_tokens:,.2f} per 1M ({esc(f.price_source)}); list prices, "
                          "the provider's invoice is the authority")
    for note in c.notes:
        table.add_row("", esc(note))


class _Rows:
    """Two aligned columns printed as plain lines: a table cell would wrap a long path or note."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, str]] = []

    def add_row(self, label: str, value: str) -> None:
        self.rows.append((label, value))

    def print(self) -> None:
        width = max(len(label) for label, _ in self.rows if not label.startswith("[")) + 2
        for label, value in self.rows:
            shown = len(label) - (len("[bold][/]") if label.startswith("[bold]") else 0)
            console.print(f"{label}{' ' * (width - shown)}{value}".rstrip())


def show(p: Any) -> None:
    """Print a StudyPlan as two aligned columns."""
    console.print(f"study [bold]{esc(p.name)}[/]: {len(p.domains)} domain(s) × {len(p.seeds)} seed(s)"
                  f"{' + baseline' if p.baseline else ''}, model {esc(p.model)}")
    table = _Rows()
    _counts(table, p)
    _power(table, p)
    _cost(table, p)
    table.print()


def plan_command() -> Any:
    """The click command of `emscope study plan` (dispatched from `emscope study`)."""
    app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
    app.command("plan")(plan)
    return typer.main.get_command(app)
