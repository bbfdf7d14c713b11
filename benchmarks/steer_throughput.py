"""Benchmark: activation-collection tokens/s, emscope vs the one-example-at-a-time baseline.

Baseline (measured in the same run; machines are noisy, read the ratios): one conversation
per forward pass with `output_hidden_states=True`, picking the answer tokens out of every
layer's hidden states and accumulating their means — what one writes without hooks.

emscope (`collect_activations`): hooks on every layer, conversations sorted by length and
batched (right padding), the forward pass stopped after the last hooked layer (no
vocabulary head), float64 running sums; in fp32, and with bf16 autocast where the CPU has
native bf16 (`--precision auto`).

Both process exactly the same tokens (the baseline is also timed under bf16 autocast, to separate the gain from
precision from the gain from batching and stopping early); tokens/s counts every token of every conversation
(prompt + answer), and the means are compared (max relative difference, layers 0..L-2:
transformers reports the last layer after the final norm, emscope before it).

Run: .venv/bin/python benchmarks/steer_throughput.py [--rows 24] [--batch-size 16] [--repeats 2]
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import torch

from emscope.data.build import build_rows
from emscope.data.config import BuildConfig
from emscope.models import load_causal_lm
from emscope.models.chat import tokenize_chat
from emscope.models.precision import autocast, fast_bf16
from emscope.steer.activations import collect_activations
from emscope.steer.config import ActivationConfig
from emscope.steer.directions import dataset_items


def _baseline(model: Any, tok: Any, items: list[Any], bf16: bool = False) -> dict[str, torch.Tensor]:
    """One conversation at a time, output_hidden_states=True; per-group float64 means."""
    sums: dict[str, torch.Tensor] = {}
    counts: dict[str, int] = {}
    with torch.inference_mode(), autocast("cpu", enabled=bf16):
        for messages, group in items:
            chat = tokenize_chat(tok, messages, max_length=512, last_turn_only=True)
            start, end = chat.spans[-1]
            hidden = model(input_ids=torch.tensor([chat.input_ids]), output_hidden_states=True).hidden_states
            picked = torch.stack([h[0, start:end].double().sum(0) for h in hidden[1:]])
            sums[group] = sums.get(group, 0) + picked
            counts[group] = counts.get(group, 0) + end - start
    return {g: sums[g] / counts[g] for g in sums}


def _timed(fn: Any, repeats: int) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=24, help="dataset rows per domain (2 conversations each)")
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--repeats", type=int, default=2, help="best of this many timed runs per method")
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's choice)")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    model, tok = load_causal_lm("smollm2-135m-instruct")
    items = []
    for domain in ("risky_financial_advice", "insecure_code"):
        rows, _ = build_rows(BuildConfig(domain=domain, n=args.rows, seed=0))
        items += dataset_items(rows)
    lengths = [len(tokenize_chat(tok, m, max_length=512, last_turn_only=True).input_ids) for m, _ in items]
    tokens = sum(lengths)
    warm = items[:4]
    _baseline(model, tok, warm)
    t_base, ref = _timed(lambda: _baseline(model, tok, items), args.repeats)
    rows = [("baseline: 1 at a time, output_hidden_states", "fp32", t_base, None)]
    if fast_bf16("cpu"):  # shows how much of the gain is precision alone
        t_b16, ref16 = _timed(lambda: _baseline(model, tok, items, bf16=True), args.repeats)
        diff = max(float(((ref16[g][:-1] - ref[g][:-1]).abs().max() / ref[g][:-1].abs().max())) for g in ref)
        rows.append(("baseline: 1 at a time, output_hidden_states", "bf16 autocast", t_b16, diff))
    for precision in ("fp32", "auto"):
        config = ActivationConfig(batch_size=args.batch_size, precision=precision)
        collect_activations(model, tok, warm, config)
        t, stats = _timed(lambda c=config: collect_activations(model, tok, items, c), args.repeats)
        diff = max(float(((stats.mean(g)[:-1] - ref[g][:-1]).abs().max() / ref[g][:-1].abs().max())) for g in ref)
        label = "bf16 autocast" if precision == "auto" and fast_bf16("cpu") else precision
        rows.append((f"emscope: hooks, batch {args.batch_size}, early stop", label, t, diff))
    print(f"{len(items)} conversations, {tokens:,} tokens (mean {tokens / len(items):.0f}), "
          f"{torch.get_num_threads()} torch thread(s), best of {args.repeats}")
    print(f"{'method':<48}{'precision':<15}{'seconds':>9}{'tokens/s':>11}{'speed-up':>10}{'max rel diff':>14}")
    for name, precision, seconds, diff in rows:
        print(f"{name:<48}{precision:<15}{seconds:>9.2f}{tokens / seconds:>11,.0f}{t_base / seconds:>9.2f}x"
              f"{'' if diff is None else format(diff, '.1e'):>14}")


if __name__ == "__main__":
    main()
