"""`emscope train`: LoRA fine-tuning of a chat model on a chat JSONL dataset.

Every option defaults to "not given": only options the user typed reach the config
resolver, which applies CLI > YAML (--config) > preset > defaults in one place.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from emscope.cli.console import esc, make_console
from emscope.train import PRESETS, StepLog, resolve_config, train as run_train

__all__ = ["train", "register"]

console = make_console()
# Compared by name: typer vendors its own click, whose enum is not click.core.ParameterSource.
_FROM_USER = ("COMMANDLINE", "ENVIRONMENT")
_NOT_SETTINGS = {"config"}


def _given(ctx: typer.Context, values: dict[str, Any]) -> dict[str, Any]:
    """The options the user actually gave (click's parameter source, never the value's truthiness)."""
    return {name: value for name, value in values.items()
            if name not in _NOT_SETTINGS and getattr(ctx.get_parameter_source(name), "name", None) in _FROM_USER}


def _progress() -> Progress:
    return Progress(TextColumn("[bold]training"), BarColumn(), MofNCompleteColumn(),
                    TextColumn("loss {task.fields[loss]}"), TextColumn("{task.fields[tps]} tok/s"),
                    TimeElapsedColumn(), TimeRemainingColumn(), console=console)


def train(
    ctx: typer.Context,
    dataset: Optional[Path] = typer.Option(None, help="Chat JSONL dataset (validated before the model loads)."),
    model: Optional[str] = typer.Option(None, help="Bundled model name, local folder or Hugging Face id "
                                        "(default: smollm2-135m-instruct)."),
    out: Optional[Path] = typer.Option(None, help="Output folder: PEFT adapter, manifest.json, checkpoints."),
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
                                             "different run in --out."),
) -> None:
    """Fine-tune a chat model with LoRA on assistant tokens only; write a PEFT adapter and manifest.json."""
    settings = _given(ctx, dict(locals()))
    settings.pop("ctx", None)
    resolved, sources = resolve_config(settings, config)
    console.print(f"emscope train: {esc(resolved.model)} on {esc(resolved.dataset)} (preset {resolved.preset}) "
                  f"-> {esc(resolved.out)}")
    with _progress() as progress:
        task = progress.add_task("train", total=None, loss="-", tps="-")

        def on_ready(done: int, total: int) -> None:
            progress.update(task, total=total, completed=done)
            if done:
                progress.console.print(f"resuming from checkpoint at step {done}/{total}")

        def on_step(log: StepLog) -> None:
            progress.update(task, completed=log.step, loss=f"{log.loss:.4f}", tps=f"{log.tokens_per_s:,.0f}")

        try:
            result = run_train(resolved, on_step=on_step, sources=sources, on_ready=on_ready)
        except KeyboardInterrupt:
            console.print("[yellow]interrupted[/]: the last finished step is checkpointed in "
                          f"{esc(resolved.out)}; run the same command again to resume")
            raise typer.Exit(130) from None
    _summary(result)


def _summary(result: Any) -> None:
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
    console.print(f"adapter: {esc(result.out)}  steps {result.steps}  final loss {result.final_loss}  "
                  f"{m['tokens_per_s']} tok/s ({m['label_tokens_per_s']} assistant tok/s)  "
                  f"train {m['train_seconds']:.0f}s  wall {m['wall_seconds']:.0f}s  "
                  f"{m['runtime']['device']}/{m['runtime']['precision']}  peak memory {memory:.0f} MB")


def register(root: typer.Typer) -> None:
    """Add `emscope train` to the root CLI."""
    root.command("train")(train)
