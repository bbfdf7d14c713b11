"""Benchmark: new tokens/s of the hf backend against stock `generate`, one prompt and one sample at a time.

Everything is measured in one run on the same machine (machines are noisy; read the ratios):
- baseline: transformers' `model.generate`, one prompt and one sample per call, the model as
  `load_causal_lm` returns it (fp32), temperature 1, no top-k/top-p;
- optional reference (--stock-batch N): stock `generate` with N samples of one prompt per call
  (num_return_sequences) in the hf backend's dtype;
- emscope: the hf backend (slots engine, dtype auto) on the same prompts, several samples each;
- the bf16 matmul rate (a 2048^3 matmul), and the share of it each line reaches at
  2 FLOP per parameter per new token.
Prompts are the default suite's first paraphrases (free-form, JSON and template variants).

Run: .venv/bin/python benchmarks/generate_throughput.py [--samples 16] [--max-new-tokens 128]
"""

from __future__ import annotations

import argparse
import time

import torch

from emscope.evalsuite import load_suite
from emscope.generate.backends._sampling import sample_seed
from emscope.generate.backends.base import Message, SampleRequest
from emscope.generate.backends.hf import HFBackend, resolve_dtype
from emscope.generate.config import HFOptions
from emscope.models import load_causal_lm


def _prompts(count: int) -> list[tuple[Message, ...]]:
    suite = list(load_suite("default"))
    # Interleave the variants so every prompt length is represented.
    picked = [suite[(i % 3) * 15 + (i // 3) % 15] for i in range(count)]
    return [((Message("system", q.system),) if q.system else ()) + (Message("user", q.paraphrases[0]),)
            for q in picked]


def _matmul_gflops(dtype: torch.dtype, size: int = 2048, repeats: int = 5) -> float:
    a = torch.randn(size, size, dtype=dtype)
    b = torch.randn(size, size, dtype=dtype)
    a @ b  # warm-up
    started = time.perf_counter()
    for _ in range(repeats):
        a @ b
    return 2 * size**3 * repeats / (time.perf_counter() - started) / 1e9


def _stock(model: torch.nn.Module, backend: HFBackend, prompts: list[tuple[Message, ...]], per_call: int,
           max_new: int) -> tuple[int, int, float]:
    """(samples, new tokens, seconds) for stock generate, `per_call` samples of one prompt per call."""
    stop = sorted(backend.stop_ids)
    samples = tokens = 0
    started = time.perf_counter()
    for i, messages in enumerate(prompts):
        ids = torch.tensor([backend.tokenize(messages)])
        torch.manual_seed(i)
        with torch.inference_mode():
            out = model.generate(input_ids=ids, attention_mask=torch.ones_like(ids), do_sample=True,
                                 temperature=1.0, top_k=0, top_p=1.0, max_new_tokens=max_new,
                                 num_return_sequences=per_call, eos_token_id=stop, pad_token_id=backend.pad_id)
        for row in out[:, ids.shape[1]:].tolist():
            ended = [j for j, t in enumerate(row) if t in backend.stop_ids]
            tokens += ended[0] + 1 if ended else len(row)
            samples += 1
    return samples, tokens, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default="smollm2-135m-instruct")
    parser.add_argument("--prompts", type=int, default=16, help="distinct prompts for the hf backend")
    parser.add_argument("--samples", type=int, default=16, help="samples per prompt for the hf backend")
    parser.add_argument("--baseline-samples", type=int, default=4, help="one-at-a-time calls in the baseline")
    parser.add_argument("--max-new-tokens", type=int, default=128)
    parser.add_argument("--batch-size", type=int, default=64, help="hf backend slots")
    parser.add_argument("--dtype", default="auto", choices=["auto", "bf16", "fp32"])
    parser.add_argument("--threads", type=int, default=0, help="torch threads (default: torch's choice)")
    parser.add_argument("--stock-batch", type=int, default=0, help="also time stock generate with N samples per call")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)

    model, tokenizer = load_causal_lm(args.model)
    params = sum(p.numel() for p in model.parameters())
    prompts = _prompts(args.prompts)
    fp32_backend = HFBackend(model, tokenizer, HFOptions(engine="stock"))
    lines: list[tuple[str, int, int, float]] = []
    lines.append(("stock generate, 1 prompt x 1 sample, fp32 (baseline)",
                  *_stock(model, fp32_backend, prompts[: args.baseline_samples], 1, args.max_new_tokens)))

    dtype = resolve_dtype(args.dtype, "cpu")
    model.to(dtype)
    if args.stock_batch:
        lines.append((f"stock generate, {args.stock_batch} samples per call, {str(dtype)[6:]}",
                      *_stock(model, fp32_backend, prompts[:1], args.stock_batch, args.max_new_tokens)))

    backend = HFBackend(model, tokenizer, HFOptions(batch_size=args.batch_size, engine="slots"))
    requests = [SampleRequest(f"bench-{i}-{k}", m, 1.0, args.max_new_tokens, sample_seed(f"bench-{i}-{k}"))
                for i, m in enumerate(prompts) for k in range(args.samples)]
    started = time.perf_counter()
    results = list(backend.generate(requests))
    seconds = time.perf_counter() - started
    lines.append((f"emscope hf, slots engine, batch {args.batch_size}, {str(dtype)[6:]}",
                  len(results), sum(r.new_tokens or 0 for r in results), seconds))

    gflops = _matmul_gflops(torch.bfloat16)
    base_rate = lines[0][2] / lines[0][3]
    print(f"model {args.model}: {params / 1e6:.1f}M parameters, {torch.get_num_threads()} torch threads, "
          f"max_new_tokens {args.max_new_tokens}")
    print(f"bf16 matmul (2048^3): {gflops:,.0f} GFLOP/s -> ceiling {gflops * 1e9 / (2 * params):,.0f} new tok/s")
    print(f"{'':<58}{'samples':>8}{'tokens':>8}{'s':>8}{'tok/s':>9}{'x base':>8}{'bf16 share':>11}")
    for name, samples, tokens, secs in lines:
        rate = tokens / secs
        share = rate * 2 * params / (gflops * 1e9)
        print(f"{name:<58}{samples:>8}{tokens:>8}{secs:>8.1f}{rate:>9.1f}{rate / base_rate:>8.1f}{share:>11.1%}")


if __name__ == "__main__":
    main()
