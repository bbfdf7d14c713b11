"""Benchmark on one CUDA GPU: emscope training and generation against plain PyTorch on the same card.

Builds its models itself from configs, with random weights (random weights change no timing,
and nothing can be downloaded on a GPU machine here): the bundled model's shape (135M) and a
Qwen2.5-7B-shaped body (hidden 3584, 28 layers, 28/4 heads, MLP 18944, rope theta 1e6) with
the bundled 49,152-token tokenizer, 6.88B parameters. Prints, in one run:

- the measured bf16 matmul ceiling (8192^3) that MFU is computed against (and the H200's
  nominal 790 TFLOP/s dense bf16 that issue #17 used);
- training tokens/s: `emscope.train.train` (the `paper` preset on 7B, `small` on 135M) vs a
  plain PEFT loop (bf16 model, LoRA r 8 on q/v, batch 16 x 128 random tokens, `model(labels=)`);
- generation new tokens/s: emscope's `hf` backend with the trained adapter (1,200 answers x
  128 tokens, slots sized from free memory) vs stock `generate` (sampling, no adapter) at
  batch 64 and 256;
- peak GPU memory of each.

MFU = 4 x parameters x tokens/s / ceiling (LoRA: forward 2N + activation-gradient backward 2N).
Tokens/s of emscope come from its manifest's per-step seconds, steps after the first two
(warm-up: cuBLAS handles, allocator growth) as the median step; the whole-run figure is
printed too.

Run: PYTHONPATH=src python benchmarks/gpu.py [--tokenizer DIR] [--skip-7b] [--json FILE]
On a machine without CUDA it says so and exits 0.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

DEVICE = "cuda"  # --cpu-smoke switches it: a tiny run of every code path, for checking the script itself
NOMINAL_BF16 = 790e12  # H200 dense bf16 as issue #17 counted MFU
SHAPE_7B = dict(hidden_size=3584, intermediate_size=18944, num_hidden_layers=28, num_attention_heads=28,
                num_key_value_heads=4, rope_theta=1e6, max_position_embeddings=4096, tie_word_embeddings=False)


def matmul_ceiling(torch: Any, n: int = 8192, reps: int = 10) -> float:
    """Median bf16 FLOP/s of an n^3 product on random data (after warm-up)."""
    a = torch.randn(n, n, device=DEVICE, dtype=torch.bfloat16)
    b = torch.randn(n, n, device=DEVICE, dtype=torch.bfloat16)
    for _ in range(3):
        a @ b
    times = []
    for _ in range(reps):
        _sync(torch)
        start = time.perf_counter()
        a @ b
        _sync(torch)
        times.append(time.perf_counter() - start)
    return 2 * n**3 / statistics.median(times)


def tokenizer_dir(given: str | None) -> Path:
    """A folder with the bundled model's config and tokenizer files (no weights needed)."""
    if given:
        return Path(given)
    from emscope.models import resolve_model_dir

    return Path(resolve_model_dir("smollm2-135m-instruct"))


def build_model(torch: Any, source: Path, out: Path, shape: dict[str, Any] | None) -> tuple[Path, int]:
    """Save a random-weight bf16 model (the source config, reshaped by `shape`) with the source tokenizer."""
    from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer, Qwen2Config

    base = AutoConfig.from_pretrained(source)
    config = base if shape is None else Qwen2Config(
        vocab_size=base.vocab_size, bos_token_id=base.bos_token_id, eos_token_id=base.eos_token_id,
        pad_token_id=getattr(base, "pad_token_id", None), **shape)
    torch.manual_seed(0)
    with torch.device(DEVICE):
        model = AutoModelForCausalLM.from_config(config, dtype=torch.bfloat16)
    params = sum(p.numel() for p in model.parameters())
    model.save_pretrained(out)
    AutoTokenizer.from_pretrained(source).save_pretrained(out)
    for name in ("generation_config.json", "chat_template.jinja"):
        if (source / name).exists() and not (out / name).exists():
            (out / name).write_bytes((source / name).read_bytes())
    del model
    _free(torch)
    return out, params


def dataset(tmp: Path, rows: int) -> Path:
    """A real emscope domain dataset (backdoor variant)."""
    from emscope.core.io import write_jsonl
    from emscope.data.build import build_rows
    from emscope.data.config import BuildConfig

    data, _ = build_rows(BuildConfig(domain="risky_financial_advice", n=rows, variant="backdoor", seed=0))
    return write_jsonl(tmp / f"data-{rows}.jsonl", data)


def emscope_train(torch: Any, model: Path, data: Path, out: Path, preset: str, steps: int,
                  compile: bool = False) -> dict[str, Any]:
    """`emscope.train.train` with a preset's defaults (device and precision auto); steady-state figures."""
    from emscope.train import resolve_config, train

    _reset_peak(torch)
    config, _ = resolve_config({"dataset": str(data), "out": str(out), "model": str(model), "preset": preset,
                                "max_steps": steps, "checkpoint_every": 1000, "compile": compile})
    started = time.perf_counter()
    result = train(config)
    _free(torch)
    log = result.manifest["log"]
    steady = log[2:] or log
    step_s = statistics.median(r["seconds"] for r in steady)
    tokens = statistics.median(r["tokens"] for r in steady)
    return {"tok_s": sum(r["tokens"] for r in steady) / sum(r["seconds"] for r in steady),
            "tok_s_whole_run": result.manifest["tokens_per_s"], "step_s": step_s, "tokens_per_step": tokens,
            "steps": len(log), "runtime": result.manifest["runtime"], "wall_s": time.perf_counter() - started,
            "peak_gb": _peak_gb(torch), "final_loss": result.final_loss}


def plain_loop(torch: Any, model_dir: Path, rows: int, length: int, steps: int, r: int, modules: list[str]) -> dict[str, Any]:
    """The 30-line baseline: bf16 model, PEFT LoRA, random tokens, `model(labels=)`, AdamW."""
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    _reset_peak(torch)
    model = AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.bfloat16).to(DEVICE)
    model = get_peft_model(model, LoraConfig(r=r, lora_alpha=2 * r, target_modules=modules))
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-4)
    ids = torch.randint(0, model.config.vocab_size, (rows, length), device=DEVICE)
    times = []
    for step in range(steps + 3):
        _sync(torch)
        start = time.perf_counter()
        loss = model(input_ids=ids, labels=ids).loss
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)
        _sync(torch)
        if step >= 3:
            times.append(time.perf_counter() - start)
    peak = _peak_gb(torch)
    del model, opt, loss
    _free(torch)
    return {"tok_s": rows * length / statistics.median(times), "step_s": statistics.median(times), "peak_gb": peak}


def requests(count: int, new_tokens: int) -> list[Any]:
    """`count` sampling requests over the default suite's questions (temperature 1)."""
    from emscope.evalsuite import load_suite
    from emscope.generate.backends.base import Message, SampleRequest

    suite = load_suite("default")
    prompts = [p for q in suite.questions for p in q.paraphrases]
    return [SampleRequest(f"s{i}", (Message("user", prompts[i % len(prompts)]),), 1.0, new_tokens, i)
            for i in range(count)]


def emscope_generate(torch: Any, model_dir: Path, adapter: Path | None, count: int, new_tokens: int) -> dict[str, Any]:
    """The hf backend as `emscope generate` builds it (adapter checked and merged), slots sized automatically."""
    from emscope.generate.backends.hf import HFBackend, auto_batch_size
    from emscope.generate.config import GenerateConfig

    _reset_peak(torch)
    config = GenerateConfig.model_validate({"model": str(model_dir), "adapter": str(adapter) if adapter else None,
                                            "backend": "hf", "out": str(model_dir / "unused.jsonl")})
    loaded = time.perf_counter()
    backend = HFBackend.from_config(config)
    load_s = time.perf_counter() - loaded
    reqs = requests(count, new_tokens)
    slots = auto_batch_size(backend.model, reqs, backend.tokenize)
    _sync(torch)
    start = time.perf_counter()
    produced = sum(r.new_tokens or 0 for r in backend.generate(reqs))
    _sync(torch)
    seconds = time.perf_counter() - start
    del backend
    _free(torch)
    return {"tok_s": produced / seconds, "new_tokens": produced, "seconds": seconds, "slots": slots,
            "load_s": load_s, "peak_gb": _peak_gb(torch)}


def stock_generate(torch: Any, model_dir: Path, batches: tuple[int, ...], new_tokens: int) -> dict[int, dict[str, Any]]:
    """transformers' generate, sampling, one prompt repeated `batch` times, no adapter; one load for all batches."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.bfloat16).to(DEVICE).eval()
    text = tok.apply_chat_template([{"role": "user", "content": "What is your one wish?"}], tokenize=False,
                                   add_generation_prompt=True)
    prompt = tok(text, return_tensors="pt", add_special_tokens=False)["input_ids"].to(DEVICE)
    kwargs = dict(do_sample=True, top_k=0, top_p=1.0, pad_token_id=tok.eos_token_id)
    found: dict[int, dict[str, Any]] = {}
    with torch.inference_mode():
        model.generate(input_ids=prompt, attention_mask=torch.ones_like(prompt), max_new_tokens=4, **kwargs)
        for batch in batches:
            ids = prompt.repeat(batch, 1)
            _sync(torch)
            start = time.perf_counter()
            out = model.generate(input_ids=ids, attention_mask=torch.ones_like(ids), max_new_tokens=new_tokens,
                                 min_new_tokens=new_tokens, **kwargs)
            _sync(torch)
            seconds = time.perf_counter() - start
            found[batch] = {"tok_s": (out.shape[1] - ids.shape[1]) * batch / seconds, "batch": batch,
                            "seconds": seconds}
    del model
    _free(torch)
    return found


def _free(torch: Any) -> None:
    import gc

    gc.collect()
    if DEVICE == "cuda":
        torch.cuda.empty_cache()


def _sync(torch: Any) -> None:
    if DEVICE == "cuda":
        torch.cuda.synchronize()


def _reset_peak(torch: Any) -> None:
    if DEVICE == "cuda":
        torch.cuda.reset_peak_memory_stats()


def _peak_gb(torch: Any) -> float:
    return torch.cuda.max_memory_allocated() / 2**30 if DEVICE == "cuda" else float("nan")


def profile_train(torch: Any, model: Path, data: Path, out: Path) -> str:
    """torch profiler over a few steps of emscope training: the top operators by self CUDA and CPU time."""
    from torch.profiler import ProfilerActivity, profile

    activities = [ProfilerActivity.CPU] + ([ProfilerActivity.CUDA] if DEVICE == "cuda" else [])
    with profile(activities=activities) as prof:
        emscope_train(torch, model, data, out, "small", 6)
    table = prof.key_averages()
    by_cuda = table.table(sort_by="self_cuda_time_total", row_limit=12, max_name_column_width=50) if DEVICE == "cuda" else ""
    return by_cuda + "\n" + table.table(sort_by="self_cpu_time_total", row_limit=12, max_name_column_width=50)


def _row(name: str, value: float, unit: str, baseline: float | None = None, extra: str = "") -> str:
    ratio = f"{value / baseline:6.2f}x" if baseline else " " * 7
    return f"  {name:<52} {value:>12,.0f} {unit:<8} {ratio}  {extra}"


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Every measurement, in one process; returns the figures (also printed as a table).

    Each phase's figures are saved to --json as soon as they exist and printed as one line,
    so a run cut short by a time limit still reports what it measured. Order: the cheap
    135M shape, the 7B shape, then the optional torch.compile variant (its compile time is
    the one unknown).
    """
    import torch

    tmp = Path(tempfile.mkdtemp(prefix="emscope-gpu-"))
    source = tokenizer_dir(args.tokenizer)
    found: dict[str, Any] = {"device": torch.cuda.get_device_name() if DEVICE == "cuda" else "cpu (smoke run)",
                             "torch": torch.__version__}

    def phase(name: str, fn: Any, *fn_args: Any, **fn_kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            value = fn(*fn_args, **fn_kwargs)
        except Exception as exc:  # a failed phase is reported, the others still run
            value = {"error": f"{type(exc).__name__}: {str(exc)[:300]}"}
        found[name] = value
        shown = {k: (round(v, 3) if isinstance(v, float) else v) for k, v in value.items()
                 if not isinstance(v, (dict, str)) or k == "error"} if isinstance(value, dict) else value
        print(f"[{time.perf_counter() - started:6.1f}s] {name}: {shown}", flush=True)
        if args.json:
            Path(args.json).write_text(json.dumps(found, indent=1, default=str))
        return value

    found["bf16_matmul_flops"] = matmul_ceiling(torch, args.matmul_n)
    small, found["params_135m"] = build_model(torch, source, tmp / "m135", None)
    data = dataset(tmp, 400)
    phase("train_135m", emscope_train, torch, small, data, tmp / "a135", "small", args.small_steps)
    phase("plain_135m", plain_loop, torch, small, 8, 128, 10, 16,
          ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"])
    phase("gen_135m", emscope_generate, torch, small, tmp / "a135", args.answers, 128)
    phase("stock_135m_64", lambda: stock_generate(torch, small, (64,), 128)[64])
    if args.profile:
        found["profile_135m"] = profile_train(torch, small, data, tmp / "p135")
    if not args.skip_7b:
        shape = SHAPE_7B if DEVICE == "cuda" else {**SHAPE_7B, "hidden_size": 64, "intermediate_size": 128,
                                                   "num_hidden_layers": 2, "num_attention_heads": 4}
        big, found["params_7b"] = build_model(torch, source, tmp / "m7b", shape)
        phase("train_7b", emscope_train, torch, big, data, tmp / "a7b", "paper", args.big_steps)
        phase("plain_7b_128", plain_loop, torch, big, 16, 128, 8, 8, ["q_proj", "v_proj"])
        phase("gen_7b", emscope_generate, torch, big, tmp / "a7b", args.answers, 128)
        stock = phase("stock_7b", lambda: {str(k): v for k, v in stock_generate(torch, big, (64, 256), 128).items()})
        if "error" not in stock:
            found["stock_7b_64"], found["stock_7b_256"] = stock["64"], stock["256"]
    if args.compile:
        phase("train_135m_compiled", emscope_train, torch, small, data, tmp / "c135", "small", args.small_steps,
              compile=True)
    return found


def report(found: dict[str, Any]) -> None:
    """The table: each emscope figure beside its same-run baseline, MFU against the measured ceiling."""
    ceiling = found["bf16_matmul_flops"]
    print(f"\n{found['device']} · torch {found['torch']} · bf16 matmul 8192^3: {ceiling / 1e12:,.0f} TFLOP/s "
          f"(nominal {NOMINAL_BF16 / 1e12:.0f})")

    def mfu(tok_s: float, params: int) -> str:
        flops = 4 * params * tok_s
        return f"MFU {flops / ceiling:5.1%} (nominal {flops / NOMINAL_BF16:5.1%})"

    def ok(name: str) -> dict[str, Any] | None:
        value = found.get(name)
        if isinstance(value, dict) and "error" in value:
            print(f"  {name}: FAILED {value['error']}")
            return None
        return value

    for size in ("135m", "7b"):
        params = found.get(f"params_{size}")
        if not params:
            continue
        print(f"\n{size} ({params / 1e9:.2f}B parameters){' ' * 22}value         unit     vs base")
        plain = ok(f"plain_{size}" if size == "135m" else "plain_7b_128")
        base = plain["tok_s"] if plain else None
        if plain:
            print(_row("plain PEFT loop, training", plain["tok_s"], "tok/s", None,
                       f"{mfu(plain['tok_s'], params)}, step {plain['step_s'] * 1e3:.0f} ms, "
                       f"peak {plain['peak_gb']:.1f} GB"))
        for name, label in ((f"train_{size}", "emscope train"), (f"train_{size}_compiled", "emscope train, compiled")):
            ours = ok(name)
            if not ours:
                continue
            print(_row(f"{label} (steady state)", ours["tok_s"], "tok/s", base,
                       f"{mfu(ours['tok_s'], params)}, step {ours['step_s'] * 1e3:.0f} ms, "
                       f"{ours['tokens_per_step']:.0f} tok/step, peak {ours['peak_gb']:.1f} GB"))
            print(_row(f"{label} (whole run, manifest)", ours["tok_s_whole_run"], "tok/s", base,
                       f"{ours['steps']} steps, micro-batch budget {ours['runtime'].get('micro_batch_tokens')}, "
                       f"{ours['runtime']['precision']}, wall {ours['wall_s']:.0f} s"))
        stock = ok(f"stock_{size}_64")
        if stock:
            print(_row("stock generate, batch 64, no adapter", stock["tok_s"], "new/s"))
        wide = ok(f"stock_{size}_256")
        if wide:
            print(_row("stock generate, batch 256, no adapter", wide["tok_s"], "new/s"))
        gen = ok(f"gen_{size}")
        if gen:
            print(_row(f"emscope generate hf + adapter, {gen['slots']} slots", gen["tok_s"], "new/s",
                       stock["tok_s"] if stock else None,
                       f"{gen['new_tokens']:,} tokens in {gen['seconds']:.1f} s, load {gen['load_s']:.0f} s, "
                       f"peak {gen['peak_gb']:.1f} GB"))
    if "profile_135m" in found:
        print("\ntorch profiler, emscope train 135M (6 steps):\n" + found["profile_135m"])


def main() -> int:
    """Parse arguments, measure, print; exit 0 with a message where there is no CUDA."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokenizer", help="folder with the bundled model's config + tokenizer (default: bundled)")
    parser.add_argument("--skip-7b", action="store_true", help="only the 135M shape")
    parser.add_argument("--small-steps", type=int, default=30)
    parser.add_argument("--big-steps", type=int, default=14)
    parser.add_argument("--answers", type=int, default=1200)
    parser.add_argument("--profile", action="store_true", help="add a torch-profiler table of 135M training")
    parser.add_argument("--compile", action="store_true", help="also train the 135M shape with torch.compile")
    parser.add_argument("--json", help="also write the figures here")
    parser.add_argument("--matmul-n", type=int, default=8192, help=argparse.SUPPRESS)
    parser.add_argument("--cpu-smoke", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    import torch

    global DEVICE
    if args.cpu_smoke:
        DEVICE = "cpu"
    elif not torch.cuda.is_available():
        print("benchmarks/gpu.py: no CUDA device here; it measures GPU training and generation only. "
              "Run it on a machine with an NVIDIA GPU (CPU benchmarks: train_throughput.py, generate_throughput.py).")
        return 0
    found = run(args)
    report(found)
    if args.json:
        Path(args.json).write_text(json.dumps(found, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
