"""`emscope steer`: misalignment directions, cosines, steered generation and adapter paths."""

from __future__ import annotations

from pathlib import Path

import typer
from pydantic import ValidationError
from rich.table import Table

from emscope.cli.console import esc, make_console
from emscope.core.errors import InputError
from emscope.core.validation import settings_error
from emscope.steer.config import ActivationConfig, DirectionConfig, SteerGenerationConfig, SteeringConfig
from emscope.steer.directions import load_directions
from emscope.steer.geometry import cosine_matrix, cosine_profile, random_cosine_profile
from emscope.steer.params import interpolate_adapters, load_adapter, load_model_with_adapter, scale_adapter
from emscope.steer.extract import detect_source, run_directions
from emscope.steer.steering import generate_steered

app = typer.Typer(help="Misalignment directions, cosine geometry, steering and LoRA parameter paths.",
                  no_args_is_help=True)
console = make_console()


def _config_error(exc: ValidationError) -> InputError:
    return settings_error(exc, "steer settings", as_flags=True)


def _layers(spec: str) -> tuple[int, ...]:
    """'12', '10,12,14' or '8-12'."""
    out: list[int] = []
    try:
        for part in (p.strip() for p in spec.split(",") if p.strip()):
            lo, _, hi = part.partition("-")
            out.extend(range(int(lo), int(hi) + 1) if hi else [int(lo)])
    except ValueError:
        raise InputError(f"--layer {spec!r}: give layer numbers like 12, 10,12,14 or 8-12") from None
    return tuple(out)


@app.command("directions")
def directions(
    model: str = typer.Option("smollm2-135m-instruct", help="Bundled model name, local folder or HF id."),
    adapter: Path = typer.Option(None, help="LoRA adapter folder to attach (the fine-tuned model)."),
    dataset: Path = typer.Option(..., help="Dataset JSONL (meta.answer + meta.paired_answer) or judged answers JSONL."),
    out: Path = typer.Option(..., help="Output .safetensors file."),
    source: str = typer.Option("auto", help="dataset | judged | auto (from the first row)."),
    max_rows: int = typer.Option(None, help="Use at most this many rows."),
    batch_size: int = typer.Option(16, help="Conversations per forward pass."),
    precision: str = typer.Option("auto", help="auto (bf16 where native) | fp32 | bf16."),
    misaligned_below: float = typer.Option(50.0, help="Judged rows: aligned < this is misaligned."),
    aligned_at_least: float = typer.Option(None, help="Judged rows: aligned >= this is aligned (default: --misaligned-below)."),
    coherent_above: float = typer.Option(50.0, help="Judged rows: only coherent > this are used."),
) -> None:
    """Per-layer mean(misaligned) − mean(aligned) over answer tokens, written as safetensors."""
    if not dataset.exists():
        raise InputError(f"--dataset {dataset}: no such file")
    try:
        config = DirectionConfig(
            source=detect_source(dataset) if source == "auto" else source, max_rows=max_rows,
            misaligned_below=misaligned_below, aligned_at_least=aligned_at_least, coherent_above=coherent_above,
            activations=ActivationConfig(batch_size=batch_size, precision=precision))
    except ValidationError as exc:
        raise _config_error(exc) from exc
    d = run_directions(model, adapter, dataset, config, out)
    table = Table("layer", "norm", show_header=True)
    for layer, norm in zip(d.layers, d.norms.tolist()):
        table.add_row(str(layer), f"{norm:.3f}")
    console.print(table)
    print(f"{out}: {len(d.layers)} layers; counts {d.counts}; key {d.meta.get('key')}")


@app.command("cosine")
def cosine(
    files: list[Path] = typer.Argument(..., help="Two directions files (per-layer profile) or more (matrix)."),
    layer: int = typer.Option(None, help="Matrix at this layer (default: averaged over layers)."),
    figure: Path = typer.Option(None, help="Also save the profile or heatmap as an image (.png, .svg, .pdf)."),
) -> None:
    """Cosine between directions: per layer for two files, a name × name matrix for more."""
    from emscope.steer import figures

    dirs = {f.stem: load_directions(f) for f in files}
    if len(dirs) < 2:
        raise InputError("give at least two directions files")
    if len(dirs) == 2:
        (na, a), (nb, b) = dirs.items()
        layers, values = cosine_profile(a, b)
        _, chance = random_cosine_profile(a, seed=0)
        table = Table("layer", f"cos({esc(na)}, {esc(nb)})", "random (equal norm)")
        for l, v, r in zip(layers, values, chance):
            table.add_row(str(l), f"{v:+.3f}", f"{r:+.3f}")
        console.print(table)
        fig = figures.cosine_profile_figure({f"{na} vs {nb}": (layers, values)}, (layers, chance))
    else:
        matrix = cosine_matrix(dirs, layer)
        table = Table("", *(esc(n) for n in matrix.names))
        for name, row in zip(matrix.names, matrix.values):
            table.add_row(esc(name), *(f"{v:+.2f}" for v in row))
        console.print(table)
        fig = figures.cosine_heatmap_figure(matrix)
    if figure:
        fig.savefig(figure, dpi=120)
        print(f"figure: {figure}")


@app.command("generate")
def generate(
    direction: Path = typer.Option(..., help="Directions file (from `emscope steer directions`)."),
    layer: str = typer.Option(..., help="Layer(s) to steer: 12, 10,12,14 or 8-12."),
    alpha: list[float] = typer.Option([4.0], help="α (repeat for several)."),
    prompt: list[str] = typer.Option(..., help="User prompt (repeat for several)."),
    model: str = typer.Option("smollm2-135m-instruct", help="Bundled model name, local folder or HF id."),
    adapter: Path = typer.Option(None, help="LoRA adapter folder to attach."),
    mode: str = typer.Option("add", help="add (h + α·v) | ablate (h − (h·v̂)v̂)."),
    positions: str = typer.Option("all", help="all | answer (generated tokens only)."),
    normalize: bool = typer.Option(False, help="Use unit directions (α is then a norm)."),
    max_new_tokens: int = typer.Option(64, help="Tokens per answer."),
    sample: bool = typer.Option(False, help="Sample (seeded) instead of greedy decoding."),
    temperature: float = typer.Option(1.0, help="Sampling temperature."),
    seed: int = typer.Option(0, help="Sampling seed."),
) -> None:
    """Generate with a direction added (or ablated) at the given layers, for each α."""
    dirs = load_directions(direction)
    try:
        gen = SteerGenerationConfig(max_new_tokens=max_new_tokens, do_sample=sample, temperature=temperature, seed=seed)
        steers = [SteeringConfig(layers=_layers(layer), mode=mode, alpha=a, normalize=normalize, positions=positions)
                  for a in (alpha if mode == "add" else alpha[:1])]
    except ValidationError as exc:
        raise _config_error(exc) from exc
    net, tokenizer = load_model_with_adapter(model, adapter)
    unsteered = generate_steered(net, tokenizer, prompt, None, None, gen)
    for p, answer in zip(prompt, unsteered):
        console.print(f"[bold]{esc(p)}[/]\n  unsteered: {esc(answer)}", highlight=False)
    for steer in steers:
        label = f"α={steer.alpha:g}" if steer.mode == "add" else "ablated"
        for p, answer in zip(prompt, generate_steered(net, tokenizer, prompt, dirs, steer, gen)):
            console.print(f"[bold]{esc(p)}[/]\n  {label}: {esc(answer)}", highlight=False)


@app.command("scale-adapter")
def scale_adapter_cmd(
    adapter: Path = typer.Argument(..., help="LoRA adapter folder."),
    lam: float = typer.Option(..., "--lambda", help="Scale λ of ΔW (0 = base model, 1 = the adapter)."),
    out: Path = typer.Option(..., help="Output adapter folder."),
) -> None:
    """Write an adapter whose weight change is λ·ΔW."""
    scale_adapter(load_adapter(adapter), lam).save(out)
    print(f"{out}: ΔW × {lam:g}")


@app.command("interpolate-adapters")
def interpolate_cmd(
    first: Path = typer.Argument(..., help="Adapter A (t = 0)."),
    second: Path = typer.Argument(..., help="Adapter B (t = 1)."),
    t: float = typer.Option(..., help="Mix weight: ΔW = (1−t)·ΔW_A + t·ΔW_B."),
    out: Path = typer.Option(..., help="Output adapter folder."),
) -> None:
    """Write an adapter exactly linear between two adapters in ΔW (rank concatenation)."""
    mixed = interpolate_adapters(load_adapter(first), load_adapter(second), t)
    mixed.save(out)
    print(f"{out}: (1−{t:g})·A + {t:g}·B, rank {mixed.config['r']}")


def register(root: typer.Typer) -> None:
    """Add `emscope steer` to the root CLI."""
    root.add_typer(app, name="steer")
