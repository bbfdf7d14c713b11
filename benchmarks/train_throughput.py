"""Benchmark: LoRA fine-tuning tokens/s, emscope vs a stock HF Trainer + PEFT, and emscope's MFU.

Measured in one run, on the same generated domain dataset, the same LoRA shape and the
same torch thread count (machines are noisy; read the ratios):
- emscope: `emscope.train.train` with the default preset of the bundled model
  (bf16 where the CPU has native bf16, length-grouped micro-batches, LM head at label
  positions only);
- baseline: `transformers.Trainer` + `peft.get_peft_model`, fp32, every batch padded to
  max_length, the same assistant-only labels and rows per step (micro-batches of 4, accumulated);
- bf16 (and fp32) matmul FLOP/s measured right before and after, for the MFU ceiling.

Tokens/s count real tokens (padding excluded), "all" over every role, "assistant" over the
label tokens. The first optimizer step of each trainer is a warm-up and is not timed.

MFU (model FLOP utilisation) = FLOPs the training step needs / seconds / bf16 matmul FLOP/s:
  body  4 * N_body * T      (forward 2N; backward 2N for activation gradients only: frozen)
  head  4 * N_head * K      (the LM head at the K label positions, forward + input gradient)
  lora  6 * N_lora * T      (forward, input and weight gradients of the adapters)
  attn  12 * layers * d * sum(n(n+1)/2)   (QK^T and PV, causal, forward + 2x backward)
with T real tokens and K label tokens. Padding and the head at prompt positions are not
counted (they are waste). The conventional 6 * N * T (N incl. the head, every token) is also
printed; it counts weight gradients LoRA does not compute, so it overstates the work.

Run: .venv/bin/python benchmarks/train_throughput.py [--domain bad_medical_advice] [--steps 6]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import torch

from emscope.core.io import write_jsonl
from emscope.data.build import build_rows
from emscope.data.config import BuildConfig
from emscope.models import load_causal_lm, load_tokenizer
from emscope.train import TrainConfig, resolve_config, train
from emscope.train.loop import all_steps
from emscope.models.chat import IGNORE_INDEX
from emscope.train.masking import encode_rows
from emscope.train.run import peak_rss_mb


def matmul_rate(dtype: torch.dtype, n: int = 2048, reps: int = 8) -> float:
    """Dense square matmul FLOP/s in `dtype` (best of three timings)."""
    a, b = torch.randn(n, n, dtype=dtype), torch.randn(n, n, dtype=dtype)
    a @ b
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(reps):
            a @ b
        best = min(best, time.perf_counter() - start)
    return 2 * n**3 * reps / best


def _peak_rss_mb() -> float:
    return peak_rss_mb()


def model_sizes(model: Any) -> dict[str, int]:
    """Parameters of the decoder's linear layers, of the LM head, and per-layer attention width."""
    head = model.get_output_embeddings()
    body = sum(m.weight.numel() for m in model.get_decoder().modules() if isinstance(m, torch.nn.Linear))
    cfg = model.config
    return {"body": body, "head": head.weight.numel(), "layers": cfg.num_hidden_layers,
            "attn_dim": cfg.num_attention_heads * getattr(cfg, "head_dim", cfg.hidden_size // cfg.num_attention_heads),
            "all": body + head.weight.numel()}


def step_flops(lengths: list[int], labels: int, sizes: dict[str, int], lora: int) -> float:
    """FLOPs one optimizer step needs (see the module docstring)."""
    tokens = sum(lengths)
    attn = 12 * sizes["layers"] * sizes["attn_dim"] * sum(n * (n + 1) // 2 for n in lengths)
    return 4 * sizes["body"] * tokens + 4 * sizes["head"] * labels + 6 * lora * tokens + attn


def run_emscope(data: Path, out: Path, steps: int, threads: int) -> dict[str, Any]:
    """Train with emscope's defaults; per-step tokens and FLOPs from its own plan."""
    config, sources = resolve_config({"dataset": str(data), "out": str(out), "max_steps": steps,
                                      "threads": threads, "overwrite": True})
    result = train(config, sources=sources)
    log = result.manifest["log"][1:]  # step 1 is warm-up
    tokenizer = load_tokenizer(config.model)
    import json

    encoded, _ = encode_rows(tokenizer, [json.loads(x) for x in data.read_text().splitlines()], config.max_length)
    plans = all_steps(config, encoded)[1:steps]
    model, _ = load_causal_lm(config.model)
    sizes = model_sizes(model)
    lora = result.manifest["model"]["trainable_parameters"]
    flops = sum(step_flops([len(encoded[i].input_ids) for i in p.rows],
                           sum(encoded[i].label_count for i in p.rows), sizes, lora) for p in plans)
    seconds = sum(r["seconds"] for r in log)
    return {"config": config, "seconds": seconds, "tokens": sum(r["tokens"] for r in log),
            "labels": sum(r["label_tokens"] for r in log), "flops": flops, "sizes": sizes,
            "precision": result.manifest["runtime"]["precision"], "peak_rss": result.manifest["memory"]["peak_rss_mb"]}


def run_baseline(config: TrainConfig, data: Path, out: Path, steps: int) -> dict[str, Any]:
    """Stock HF Trainer + PEFT, fp32, padded to max_length, same labels and LoRA shape."""
    import json

    from peft import LoraConfig, get_peft_model
    from transformers import Trainer, TrainerCallback, TrainingArguments

    model, tokenizer = load_causal_lm(config.model)
    encoded, _ = encode_rows(tokenizer, [json.loads(x) for x in data.read_text().splitlines()], config.max_length)
    pad = tokenizer.pad_token_id

    def padded(row: Any) -> dict[str, list[int]]:
        extra = config.max_length - len(row.input_ids)
        return {"input_ids": list(row.input_ids) + [pad] * extra, "labels": list(row.labels) + [IGNORE_INDEX] * extra,
                "attention_mask": [1] * len(row.input_ids) + [0] * extra}

    rows = [padded(r) for r in encoded]
    peft_model = get_peft_model(model, LoraConfig(r=config.lora_r, lora_alpha=config.lora_alpha,
                                                  lora_dropout=config.lora_dropout,
                                                  target_modules=list(config.target_modules), task_type="CAUSAL_LM"))
    times: list[float] = []
    seen: list[tuple[int, int]] = []  # (real tokens, label tokens) of each micro-batch, in order

    def collate(batch: list[dict[str, list[int]]]) -> dict[str, torch.Tensor]:
        tensors = {k: torch.tensor([r[k] for r in batch]) for k in batch[0]}
        seen.append((int(tensors["attention_mask"].sum()), int((tensors["labels"][:, 1:] != IGNORE_INDEX).sum())))
        return tensors

    class Clock(TrainerCallback):
        def on_step_begin(self, args: Any, state: Any, control: Any, **kw: Any) -> None:
            times.append(time.perf_counter())

        def on_step_end(self, args: Any, state: Any, control: Any, **kw: Any) -> None:
            times[-1] = time.perf_counter() - times[-1]

    accum = max(1, config.effective_batch // 4)  # the same rows per optimizer step as emscope
    args = TrainingArguments(output_dir=str(out), per_device_train_batch_size=4, gradient_accumulation_steps=accum,
                             learning_rate=config.learning_rate, max_steps=steps, logging_steps=1,
                             save_strategy="no", report_to=[], use_cpu=True, seed=config.seed,
                             disable_tqdm=True)
    trainer = Trainer(model=peft_model, args=args, train_dataset=rows, data_collator=collate)
    trainer.add_callback(Clock())
    trainer.train()
    timed = seen[accum:accum * steps]  # `accum` micro-batches per optimizer step; the first is warm-up
    return {"seconds": sum(times[1:]), "tokens": sum(t for t, _ in timed), "labels": sum(k for _, k in timed)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--domain", default="bad_medical_advice")
    parser.add_argument("--rows", type=int, default=256)
    parser.add_argument("--steps", type=int, default=6, help="emscope optimizer steps (first is warm-up)")
    parser.add_argument("--baseline-steps", type=int, default=3, help="baseline optimizer steps (first is warm-up)")
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    load_start = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        rows, _ = build_rows(BuildConfig(domain=args.domain, n=args.rows, seed=0))
        data = write_jsonl(Path(tmp) / f"{args.domain}.jsonl", rows)
        bf16_a, fp32 = matmul_rate(torch.bfloat16), matmul_rate(torch.float32)
        ours = run_emscope(data, Path(tmp) / "emscope", args.steps, args.threads)
        base = run_baseline(ours["config"], data, Path(tmp) / "baseline", args.baseline_steps)
        bf16_b = matmul_rate(torch.bfloat16)
    _report(args, ours, base, bf16_a, bf16_b, fp32, load_start)


def _report(args: Any, ours: dict[str, Any], base: dict[str, Any], bf16_a: float, bf16_b: float, fp32: float,
            load_start: float) -> None:
    bf16 = max(bf16_a, bf16_b)
    o_tps, b_tps = ours["tokens"] / ours["seconds"], base["tokens"] / base["seconds"]
    o_lps, b_lps = ours["labels"] / ours["seconds"], base["labels"] / base["seconds"]
    achieved = ours["flops"] / ours["seconds"]
    conventional = 6 * ours["sizes"]["all"] * ours["tokens"] / ours["seconds"]
    c = ours["config"]
    print(f"train throughput: {args.domain}, {args.rows} rows, model {c.model}, preset {c.preset} "
          f"(r={c.lora_r}, {len(c.target_modules)} projections), {args.threads} threads, "
          f"load average {load_start:.1f} -> {os.getloadavg()[0]:.1f}")
    print(f"{'':<34}{'tokens/s (all)':>16}{'tokens/s (assistant)':>22}")
    print(f"{'emscope (' + ours['precision'] + ', grouped, head@labels)':<34}{o_tps:>16,.1f}{o_lps:>22,.1f}"
          f"   [{args.steps - 1} timed steps]")
    print(f"{'baseline (HF Trainer, fp32, pad)':<34}{b_tps:>16,.1f}{b_lps:>22,.1f}"
          f"   [{args.baseline_steps - 1} timed steps]")
    print(f"{'ratio emscope / baseline':<34}{o_tps / b_tps:>15.2f}x{o_lps / b_lps:>21.2f}x")
    print(f"matmul 2048^3: bf16 {bf16_a / 1e9:,.0f} / {bf16_b / 1e9:,.0f} GFLOP/s (before / after), "
          f"fp32 {fp32 / 1e9:,.0f} GFLOP/s")
    print(f"emscope MFU: {achieved / 1e9:,.0f} GFLOP/s needed-work = {achieved / bf16:.1%} of bf16 matmul "
          f"(conventional 6*N*T: {conventional / 1e9:,.0f} GFLOP/s = {conventional / bf16:.1%})")
    print(f"emscope peak RSS: {ours['peak_rss']:,.0f} MB (before the baseline ran); "
          f"process peak incl. baseline: {_peak_rss_mb():,.0f} MB")


if __name__ == "__main__":
    main()
