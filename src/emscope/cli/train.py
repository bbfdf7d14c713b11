"""`emscope train`: fine-tune a chat model on a chat JSONL dataset, locally (LoRA) or through an API.

Every option defaults to "not given": only options the user typed reach the chosen
backend's resolver, which applies CLI > YAML (--config) > (preset >) defaults in one place
and refuses settings the backend cannot take.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from emscope.cli.console import esc, make_console
from emscope.core.errors import InputError
from emscope.train import DEFAULT_BACKEND, PRESETS, TRAIN_BACKENDS, TrainedModel, TrainEvent, get_backend

__all__ = ["train", "register"]

console = make_console()
# Compared by name: typer vendors its own click, whose enum is not click.core.ParameterSource.
_FROM_USER = ("COMMANDLINE", "ENVIRONMENT")
_NOT_SETTINGS = {"config", "backend", "cancel"}


def _given(ctx: typer.Context, values: dict[str, Any]) -> dict[str, Any]:
    """The options the user actually gave (click's parameter source, never the value's truthiness)."""
    given = {name: value for name, value in values.items()
             if name not in _NOT_SETTINGS and getattr(ctx.get_parameter_source(name), "name", None) in _FROM_USER}
    if "prices" in given:
        given["prices"] = _prices(given["prices"])
    return given


def _prices(items: list[str]) -> dict[str, float]:
    """`--price MODEL=USD` options as a {model: USD per 1M trained tokens} table."""
    table: dict[str, float] = {}
    for item in items:
        model, sep, usd = item.partition("=")
        try:
            table[model.strip()] = float(usd)
        except ValueError:
            sep = ""
        if not sep or not model.strip():
            raise InputError(f"--price {item!r}: expected MODEL=USD_PER_1M_TOKENS, e.g. --price gpt-4o-mini=3.0")
    return table


def _progress() -> Progress:
    return Progress(TextColumn("[bold]training"), BarColumn(), MofNCompleteColumn(),
                    TextColumn("loss {task.fields[loss]}"), TextColumn("{task.fields[tps]} tok/s"),
                    TimeElapsedColumn(), TimeRemainingColumn(), console=console)


def train(
    ctx: typer.Context,
    backend: str = typer.Option(DEFAULT_BACKEND, help=f"{' | '.join(TRAIN_BACKENDS)}: LoRA in this process, "
                                "or a fine-tuning job through the OpenAI API."),
    dataset: Optional[Path] = typer.Option(None, help="Chat JSONL dataset (validated before the model loads)."),
    model: Optional[str] = typer.Option(None, help="Bundled model name, local folder or Hugging Face id "
                                        "(default: smollm2-135m-instruct); openai: the base model id."),
    out: Optional[Path] = typer.Option(None, help="Output folder: PEFT adapter, manifest.json, checkpoints "
                                       "(openai: manifest.json, and openai_job.json while a job runs)."),
    preset: Optional[str] = typer.Option(None, help=f"{' | '.join(PRESETS)} (default: small for sub-1B "
                                         "models such as the bundled one, else paper)."),
    config: Optional[Path] = typer.Option(None, "--config", help="YAML file of settings (CLI options win)."),
    seed: Optional[int] = typer.Option(None, help="Seed for LoRA init, data order and dropout (default: 0)."),
    lora_r: Optional[int] = typer.Option(None, help="LoRA rank."),
    lora_alpha: Optional[float] = typer.Option(None, help="LoRA alpha."),
    lora_dropout: Optional[float] = typer.Option(None, help="Dropout on the LoRA input."),
    use_rslora: Optional[bool] = typer.Option(None, "--rslora/--no-rslora", help="Rank-stabilised LoRA scaling."),
    target_modules: Optional[str] = typer.Option(None, help="Comma-separated module names, e.g. q_proj,v_proj."),
    learning_rate: Optional[float] = typer.Option(None, "--learning-rate", "--lr", help="Peak learning rate."),
    epochs: Optional[int] = typer.Option(None, help="Passes over the dataset."),
    effective_batch: Optional[int] = typer.Option(None, help="Rows per optimizer step."),
    max_length: Optional[int] = typer.Option(None, help="Tokens per row (longer rows are cut)."),
    warmup_steps: Optional[int] = typer.Option(None, help="Linear warm-up steps."),
    lr_scheduler: Optional[str] = typer.Option(None, help="linear | cosine | constant."),
    weight_decay: Optional[float] = typer.Option(None, help="AdamW weight decay."),
    max_grad_norm: Optional[float] = typer.Option(None, help="Gradient-norm clip (0 = none)."),
    max_steps: Optional[int] = typer.Option(None, help="Stop after this many optimizer steps."),
    precision: Optional[str] = typer.Option(None, help="auto | bf16 | fp32 (default: auto)."),
    device: Optional[str] = typer.Option(None, help="auto | cpu | cuda | cuda:N (default: auto)."),
    threads: Optional[int] = typer.Option(None, help="CPU threads for torch (default: torch's choice)."),
    micro_batch_tokens: Optional[int] = typer.Option(None, help="Padded tokens per micro-batch (memory)."),
    compile: Optional[bool] = typer.Option(None, "--compile/--no-compile", help="torch.compile the model body "
                                           "(GPU: fewer launches per step; a minute of compiling up front)."),
    checkpoint_every: Optional[int] = typer.Option(None, help="Optimizer steps between checkpoints."),
    resume: Optional[bool] = typer.Option(None, "--resume/--no-resume", help="Resume from a matching checkpoint "
                                          "(default: resume)."),
    overwrite: Optional[bool] = typer.Option(None, "--overwrite/--no-overwrite", help="Replace a finished or "
                                             "different run in --out (openai: cancels its unfinished job)."),
    learning_rate_multiplier: Optional[float] = typer.Option(None, help="openai: factor on the API's base "
                                                             "learning rate (default: auto)."),
    suffix: Optional[str] = typer.Option(None, help="openai: up to 64 characters in the fine-tuned model's name."),
    base_url: Optional[str] = typer.Option(None, help="openai: API root (default: https://api.openai.com/v1)."),
    api_key_env: Optional[str] = typer.Option(None, help="openai: environment variable holding the API key "
                                              "(default: OPENAI_API_KEY; never written)."),
    poll_interval_s: Optional[float] = typer.Option(None, "--poll-interval", help="openai: first wait between "
                                                    "job polls in seconds (grows x1.5, default 5)."),
    max_wait_s: Optional[float] = typer.Option(None, "--max-wait", help="openai: stop polling after this many "
                                               "seconds (the job keeps running; rerun to resume)."),
    prices: Optional[list[str]] = typer.Option(None, "--price", help="openai: MODEL=USD per 1M trained tokens, "
                                               "over the built-in price table (repeatable)."),
    cancel: bool = typer.Option(False, "--cancel", help="openai: cancel the unfinished job recorded in --out."),
) -> None:
    """Fine-tune a chat model: LoRA on assistant tokens (local), or a fine-tuning job through the OpenAI API."""
    settings = _given(ctx, dict(locals()))
    settings.pop("ctx", None)
    chosen = get_backend(backend)
    if cancel:  # only --out and the API options matter: the job is the one recorded in --out
        settings.setdefault("dataset", Path("unused.jsonl"))
        settings.setdefault("model", "unused")
    resolved, sources = chosen.resolve(settings, config)
    if cancel:
        _cancel(backend, resolved)
        return
    if backend == "local":
        console.print(f"emscope train: {esc(resolved.model)} on {esc(resolved.dataset)} (preset "
                      f"{resolved.preset}) -> {esc(resolved.out)}")
        _train_local(chosen, resolved, sources)
    else:
        console.print(f"emscope train --backend {backend}: {esc(resolved.model)} on {esc(resolved.dataset)} "
                      f"-> {esc(resolved.out)}")
        _train_api(chosen, resolved, sources)


def _cancel(backend: str, resolved: Any) -> None:
    if backend != "openai":
        raise InputError("--cancel is for --backend openai (a local run stops with Ctrl-C)")
    from emscope.train import cancel_openai

    console.print(esc(cancel_openai(resolved)))


def _train_local(chosen: Any, resolved: Any, sources: dict[str, str]) -> None:
    with _progress() as progress:
        task = progress.add_task("train", total=None, loss="-", tps="-")

        def on_event(event: TrainEvent) -> None:
            if event.kind == "ready":
                progress.update(task, total=event.total, completed=event.done)
                if event.done:
                    progress.console.print(f"resuming from checkpoint at step {event.done}/{event.total}")
            elif event.kind == "step":
                log = event.data
                progress.update(task, completed=log.step, loss=f"{log.loss:.4f}", tps=f"{log.tokens_per_s:,.0f}")

        try:
            result = chosen.train(resolved, on_event=on_event, sources=sources)
        except KeyboardInterrupt:
            console.print("[yellow]interrupted[/]: the last finished step is checkpointed in "
                          f"{esc(resolved.out)}; run the same command again to resume")
            raise typer.Exit(130) from None
    _summary(result)


def _train_api(chosen: Any, resolved: Any, sources: dict[str, str]) -> None:
    def on_event(event: TrainEvent) -> None:
        style = {"note": "yellow", "status": "bold"}.get(event.kind)
        text = esc(event.message)
        console.print(f"[{style}]{text}[/]" if style else f"  {text}")

    try:
        result = chosen.train(resolved, on_event=on_event, sources=sources)
    except KeyboardInterrupt:
        console.print("[yellow]interrupted[/]: a job already created keeps running at the provider and is "
                      f"recorded in {esc(resolved.out)}; run the same command again to resume polling it "
                      "(or add --cancel to cancel it)")
        raise typer.Exit(130) from None
    m = result.manifest
    if result.skipped:
        console.print(f"already trained (key {result.key}): {esc(result.out)}")
    cost = m["cost"]
    usd = cost["estimated_usd"]
    usd = (f"unknown ({cost['price_source']})" if usd is None else f"${usd:,.2f}" if usd >= 0.01 else f"${usd:.6f}")
    console.print(f"fine-tuned model: {esc(result.model_id)}  job {esc(m['job_id'])}  file {esc(m['file_id'])}  "
                  f"trained tokens {m['trained_tokens']}  estimated cost {esc(usd)}  manifest "
                  f"{esc(result.out / 'manifest.json')}")


def _summary(result: TrainedModel) -> None:
    m = result.manifest
    if result.skipped:
        console.print(f"already trained (key {result.key}): {esc(result.out)}")
    data = m["dataset"]
    if data.get("dropped_rows"):
        # Rows whose assistant answer lies wholly beyond max_length teach nothing and are left out.
        console.print(f"[yellow]note:[/] {data['dropped_rows']} row(s) of {esc(data['path'])} had no assistant "
                      f"token within max_length {m['config']['max_length']} and were not trained on "
                      f"({data.get('truncated_rows', 0)} more were cut short); raise --max-length to keep them")
    memory = m["memory"].get("cuda_max_allocated_mb") or m["memory"]["peak_rss_mb"]
    console.print(f"adapter: {esc(result.out)}  steps {m['steps']}  final loss {m['final_loss']}  "
                  f"{m['tokens_per_s']} tok/s ({m['label_tokens_per_s']} assistant tok/s)  "
                  f"train {m['train_seconds']:.0f}s  wall {m['wall_seconds']:.0f}s  "
                  f"{m['runtime']['device']}/{m['runtime']['precision']}  peak memory {memory:.0f} MB")


def register(root: typer.Typer) -> None:
    """Add `emscope train` to the root CLI."""
    root.command("train")(train)
