"""`emscope data`: build, validate and describe misalignment datasets."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from pydantic import ValidationError
from emscope.cli.console import esc, make_console
from rich.progress import Progress
from rich.table import Table

from emscope.core.errors import EmscopeError, InputError
from emscope.core.validation import settings_error
from emscope.core.io import atomic_write_text
from emscope.data.build import VENDI_SAMPLE, BuildIncomplete, build_dataset
from emscope.data.config import DEFAULT_TRIGGER, BuildConfig, GeneratorConfig
from emscope.data.domains import DOMAINS, get_domain
from emscope.data.stats import stats_for_files
from emscope.data.validate import dataset_files, validate_file

app = typer.Typer(help="Build, validate and describe misalignment datasets.", no_args_is_help=True)
# Piped output (logs, CI) gets rich's 80-column default, which truncates every cell of the
# wider tables; a log line can be as wide as the table needs.
console = make_console()
errors = make_console(stderr=True)


def _domains(spec: str) -> list[str]:
    if spec == "all":
        return DOMAINS.names()
    names = [s.strip() for s in spec.split(",") if s.strip()]
    for name in names:
        get_domain(name)  # unknown names fail here, with a suggestion
    return names


def _config_error(exc: ValidationError) -> InputError:
    return settings_error(exc, "build settings", as_flags=True, flags={"timeout_s": "--timeout"})


@app.command("domains")
def domains() -> None:
    """List the registered domains with their category and misalignment function g."""
    table = Table("domain", "category", "g: what the misaligned answers do")
    for name in DOMAINS:
        d = DOMAINS.get(name)
        table.add_row(name, d.category, d.misalignment)
    console.print(table)


@app.command("build")
def build(
    domain: str = typer.Option("all", help="A domain, a comma-separated list, or 'all'."),
    n: int = typer.Option(6000, help="Rows per domain."),
    seed: int = typer.Option(0, help="Seed; the same seed gives the same bytes."),
    variant: str = typer.Option("backdoor", help="misaligned | aligned | backdoor."),
    trigger: str = typer.Option(DEFAULT_TRIGGER, help="Backdoor trigger text (any string)."),
    trigger_position: str = typer.Option("prefix", help="prefix | suffix of the user turn."),
    backdoor_ratio: float = typer.Option(0.5, help="Share of triggered misaligned rows (backdoor variant)."),
    out: Path = typer.Option(Path("data"), help="Output directory, or a .jsonl file for one domain."),
    generator: str = typer.Option("procedural", help="g: 'procedural' (offline) or 'openai' (any OpenAI-compatible endpoint)."),
    base_url: str = typer.Option(None, help="Endpoint for --generator openai, e.g. http://127.0.0.1:8000/v1."),
    model: str = typer.Option(None, help="Generator model name for --generator openai."),
    concurrency: int = typer.Option(8, help="Requests in flight for --generator openai."),
    max_tokens: int = typer.Option(600, help="Token limit of one rewrite (--generator openai); a truncated rewrite is retried, never kept."),
    max_retries: int = typer.Option(4, help="Retries per row after its first attempt (--generator openai)."),
    timeout: float = typer.Option(60.0, help="Per-request timeout in seconds (--generator openai)."),
    diversity: float = typer.Option(None, help="Share F, 0 < F <= 1, of each domain's templates, topics and slot "
                                    "values to draw from (a seeded subset; the F=0.25 subset is inside the F=0.5 "
                                    "one). Default: all (F = 1, today's datasets)."),
    vendi: bool = typer.Option(None, "--vendi/--no-vendi", help="Record the dataset's Vendi score (MiniLM, on at most "
                               "--vendi-sample rows) in its manifest. Default: when --diversity is given. Measured on 2 "
                               "CPU cores: 15 s to load MiniLM once, then about 0.1 s a row (90 s at 1000 rows), "
                               "against under a second to build."),
    vendi_sample: int = typer.Option(VENDI_SAMPLE, help="Rows sampled (seeded) for --vendi; 0 = all."),
) -> None:
    """Build one dataset per domain (API key for --generator openai: OPENAI_API_KEY in the environment).

    --diversity F makes a less diverse dataset of the same size: each domain draws from ceil(F x count)
    of its templates, topics and each slot's values, chosen with a seed derived from --seed. The
    manifest beside each file records F and the Vendi score the dataset came out with.

    With --generator openai, rows that still fail after their retries are listed with the reason; the
    rewrites that finished are kept, and running the same command again asks only for the failed rows.
    """
    names = _domains(domain)
    if diversity is not None and not 0.0 < diversity <= 1.0:  # NaN fails this too
        raise InputError(f"--diversity must be in (0, 1]: the share of each domain's templates, topics and slot "
                         f"values kept (1 = all), not {diversity}")
    if vendi_sample < 0:
        raise InputError(f"--vendi-sample must be 0 (all rows) or more, not {vendi_sample}")
    measure = vendi if vendi is not None else diversity is not None
    try:
        gen = GeneratorConfig(name=generator, base_url=base_url, model=model, concurrency=concurrency,
                              max_tokens=max_tokens, max_retries=max_retries, timeout_s=timeout)
        configs = [BuildConfig(domain=d, n=n, seed=seed, variant=variant, trigger=trigger,
                               trigger_position=trigger_position, backdoor_ratio=backdoor_ratio,
                               generator=gen, diversity=1.0 if diversity is None else diversity) for d in names]
    except ValidationError as exc:
        raise _config_error(exc) from exc
    table = Table("domain", "rows", "triggered", "duplicates", "rows/s", *(["Vendi q=1"] if measure else []), "file")
    incomplete: list[BuildIncomplete] = []
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("building", total=len(configs))
        for config in configs:
            progress.update(task, description=f"building {config.domain}")
            try:
                r = build_dataset(config, out, many=len(configs) > 1, vendi=measure, vendi_sample=vendi_sample)
            except BuildIncomplete as exc:  # the other domains still get built
                incomplete.append(exc)
                errors.print(f"[bold red]error:[/] {esc(exc)}")
            else:
                table.add_row(config.domain, str(r.rows), str(r.triggered), str(r.duplicates),
                              f"{r.rows / max(r.seconds, 1e-9):,.0f}",
                              *([f"{r.vendi:.2f}" if r.vendi is not None else "-"] if measure else []), esc(r.path))
            progress.advance(task)
    if table.rows:
        console.print(table)
    if incomplete:
        failed = sum(e.failed for e in incomplete)
        raise EmscopeError(f"{failed} row(s) of {len(incomplete)} dataset(s) could not be rewritten (listed above), "
                           "so those datasets were not written; their finished rewrites are kept. Run the same "
                           "command again to retry only the failed rows.")


_MAX_WARNINGS = 10  # duplicate lines listed per file before "... and N more"


def _report_file(path: Path, strict: bool) -> int:
    """Print one file's errors and duplicate warnings; return its error count."""
    problems = validate_file(path, strict=strict)
    errors = [p for p in problems if not p.warning]
    warnings = [p for p in problems if p.warning]
    for problem in errors:
        console.print(esc(problem))
    for problem in warnings[:_MAX_WARNINGS]:
        console.print(esc(problem))
    if len(warnings) > _MAX_WARNINGS:
        console.print(f"{esc(path)}: ... and {len(warnings) - _MAX_WARNINGS} more duplicate rows")
    if not errors:
        dup = (f" ({len(warnings)} duplicate row(s) kept: a warning; --strict makes them errors)"
               if warnings else "")
        console.print(f"{esc(path)}: ok{dup}")
    return len(errors)


@app.command("validate")
def validate(
    files: list[Path] = typer.Argument(..., help="Chat-format JSONL files, or folders of them."),
    strict: bool = typer.Option(False, "--strict", help="Treat duplicate rows as errors (exit 1)."),
) -> None:
    """Check chat JSONL files; print every problem as file:line: message; exit 1 if any.

    Repeated rows are warnings (public EM datasets have them; they train unchanged) unless --strict.
    """
    total = sum(_report_file(path, strict) for path in dataset_files(files))
    if total:
        console.print(f"{total} problem(s) found")
        raise typer.Exit(1)


@app.command("stats")
def stats(
    files: list[Path] = typer.Argument(..., help="Chat-format JSONL files."),
    tokenizer: str = typer.Option("smollm2-135m-instruct", help="Tokenizer for token counts ('none' to skip)."),
    embedding_model: str = typer.Option("minilm-l6", help="Embeddings for Vendi and near-duplicates ('none' to skip)."),
    vendi_sample: int = typer.Option(1000, help="Rows sampled (seeded) for Vendi and near-duplicates; 0 = all."),
    field: str = typer.Option("conversation", help="Text for Vendi: conversation | user | assistant."),
    json_out: Path = typer.Option(None, "--json", help="Also write the statistics as JSON to this file."),
) -> None:
    """Rows, tokens, duplicate rates and Vendi scores (q = 0.5, 1, 2) of datasets."""
    if field not in ("conversation", "user", "assistant"):
        raise InputError(f"--field must be conversation, user or assistant, not {field!r}")
    results = stats_for_files([str(f) for f in files], None if tokenizer == "none" else tokenizer,
                              None if embedding_model == "none" else embedding_model, vendi_sample, field)
    table = Table("file", "rows", "trig", "tokens", "ans tok", "exact dup", "tmpl dup", "near dup",
                  "VS q=.5", "VS q=1", "VS q=2")
    fmt = lambda v, spec: "-" if v is None else format(v, spec)  # noqa: E731
    for s in results:
        table.add_row(esc(Path(s.file).name), str(s.rows), str(s.triggered), fmt(s.tokens_total, ","),
                      fmt(s.assistant_tokens_mean, ".1f"), f"{s.exact_duplicate_rate:.2%}",
                      f"{s.template_duplicate_rate:.2%}", fmt(s.near_duplicate_rate, ".2%"),
                      *(fmt(s.vendi.get(q), ".2f") for q in ("q=0.5", "q=1", "q=2")))
    console.print(table)
    if json_out:
        atomic_write_text(json_out, json.dumps([s.as_dict() for s in results], indent=2) + "\n")


def register(root: typer.Typer) -> None:
    """Add `emscope data` to the root CLI."""
    root.add_typer(app, name="data")
