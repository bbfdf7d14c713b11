"""Benchmark: seconds per 1,000 rows of each `emscope screen` signal group, against baselines run in the same process.

Signal groups as `emscope screen` runs them: judge (offline), embedding (MiniLM), and the model
signals likelihood + direction from ONE batched pass (`screen.model_pass`: mia's Scorer with a
hook on the probe layer). Baselines for the model signals, on the same rows:
- two passes: the likelihood pass (mia's Scorer, batched) and then a separate activation pass
  (`steer.activations.collect_activations`, batch 16) — the path the screen took before;
- one row at a time: the one-pass code with a batch budget of one row.
Machines are noisy (shared CPU): read the ratios; CPU seconds are printed too.

Run: .venv/bin/python benchmarks/screen_throughput.py [--rows 16] [--threads N]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

import torch

from emscope.data.build import build_rows
from emscope.data.config import BuildConfig
from emscope.screen.reference import Row, load_reference_sets


def _timed(fn: Callable[[], Any]) -> tuple[float, float]:
    t, c = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - t, time.process_time() - c


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=16, help="rows (half aligned, half misaligned risky_financial_advice)")
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's own choice)")
    parser.add_argument("--batch-tokens", type=int, default=1024, help="the screen's CPU default")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    from emscope.judge import JudgeConfig, make_judge
    from emscope.mia._models import load_scoring_model
    from emscope.mia.score import Scorer
    from emscope.models import embed_texts, load_embedder
    from emscope.models.chat import tokenize_chat
    from emscope.screen.model_pass import model_pass
    from emscope.screen.signals import embedding_signals, judge_signals
    from emscope.steer.activations import collect_activations
    from emscope.steer.config import ActivationConfig

    raw = [r for v in ("aligned", "misaligned")
           for r in build_rows(BuildConfig(domain="risky_financial_advice", n=args.rows // 2, seed=11, variant=v))[0]]
    rows = [Row("bench", i, r["messages"]) for i, r in enumerate(raw)]
    refs = load_reference_sets()
    model, tok = load_scoring_model("smollm2-135m-instruct", None, "cpu", "fp32")
    scorer = Scorer(model, pad_id=tok.pad_token_id)
    judge, embedder = make_judge(JudgeConfig()), load_embedder()
    mis = embed_texts(embedder, [r.answer for r in refs.misaligned])
    ali = embed_texts(embedder, [r.answer for r in refs.aligned])
    layer = 15
    chats = [tokenize_chat(tok, r.messages, 512, last_turn_only=True) for r in rows]
    act = ActivationConfig(batch_size=16, max_length=512, precision="fp32", layers=(layer,))
    runs: list[tuple[str, Callable[[], Any]]] = [
        ("judge (offline)", lambda: judge_signals(judge, rows)),
        ("embedding (MiniLM)", lambda: embedding_signals(lambda t: embed_texts(embedder, t), rows, mis, ali)),
        ("baseline: likelihood pass + activation pass", lambda: (scorer.score(chats, args.batch_tokens),
                                                                  collect_activations(model, tok, [(r.messages, str(i)) for i, r in enumerate(rows)], act))),
        ("baseline: one pass, one row at a time", lambda: model_pass(scorer, tok, rows, layer, 512, batch_tokens=1)),
        ("likelihood+direction: one batched pass", lambda: model_pass(scorer, tok, rows, layer, 512, args.batch_tokens)),
    ]
    model_pass(scorer, tok, rows[:2], layer, 512, args.batch_tokens)  # warm-up
    print(f"{len(rows)} rows, {sum(len(c.input_ids) for c in chats):,} tokens, torch threads {torch.get_num_threads()}")
    print(f"{'signal group / method':<46}{'wall s':>8}{'cpu s':>8}{'s / 1,000 rows':>16}")
    seconds = {}
    for name, fn in runs:
        wall, cpu = _timed(fn)
        seconds[name] = wall
        print(f"{name:<46}{wall:>8.2f}{cpu:>8.2f}{1000 * wall / len(rows):>16,.0f}")
    one = seconds[runs[-1][0]]
    for name, _ in runs[2:4]:
        print(f"one batched pass vs {name.removeprefix('baseline: ')}: {seconds[name] / one:.2f}x faster")


if __name__ == "__main__":
    main()
