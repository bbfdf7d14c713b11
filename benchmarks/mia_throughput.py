"""Benchmark: scored assistant tokens/s of emscope's MIA scoring against a naive baseline.

Baseline (what a first script does): one example at a time, each metric in its own forward pass
(loss; zlib, which re-runs the loss pass; Min-K%; Min-K%++ from the full softmax), full-vocabulary
float32 logits at every position.
emscope (`emscope.mia.score.Scorer`): length-sorted batches under a padded-token budget, one pass
for all metrics, the LM head applied only at assistant positions (float32), the body under bf16
autocast where the hardware is fast at it. The steps in between are measured too, in the same run
(machines are noisy: read the ratios), with the largest metric difference from the baseline.

Run: .venv/bin/python benchmarks/mia_throughput.py [--rows 16] [--threads N]
"""

from __future__ import annotations

import argparse
import math
import time
import zlib
from collections.abc import Callable

import torch

from emscope.data.build import build_rows
from emscope.data.config import BuildConfig
from emscope.mia.metrics import example_metrics, zlib_length
from emscope.mia.score import Scorer
from emscope.models import load_causal_lm
from emscope.models.chat import IGNORE_INDEX, TokenizedChat, tokenize_chat
from emscope.models.precision import fast_bf16

METRICS = ("loss", "zlib", "mink", "minkpp")


# --- the baseline: every metric on its own, one example at a time ---------------------------------

def _logprobs(model, chat: TokenizedChat) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:  # type: ignore[no-untyped-def]
    """A fresh forward pass: log-softmax over the full vocabulary at every position."""
    ids = torch.tensor([chat.input_ids])
    logp = torch.log_softmax(model(input_ids=ids).logits[0, :-1].float(), dim=-1)
    labels = torch.tensor(chat.labels[1:])
    keep = labels != IGNORE_INDEX
    return logp[keep], labels[keep], logp


def _base_loss(model, chat: TokenizedChat, text: str, k: float) -> float:  # type: ignore[no-untyped-def]
    logp, targets, _ = _logprobs(model, chat)
    return -logp.gather(1, targets[:, None]).mean().item()


def _base_zlib(model, chat: TokenizedChat, text: str, k: float) -> float:  # type: ignore[no-untyped-def]
    return _base_loss(model, chat, text, k) / len(zlib.compress(text.encode("utf-8")))


def _base_mink(model, chat: TokenizedChat, text: str, k: float) -> float:  # type: ignore[no-untyped-def]
    logp, targets, _ = _logprobs(model, chat)
    ell = logp.gather(1, targets[:, None]).squeeze(1)
    return ell.sort().values[: max(1, math.ceil(round(k * len(ell), 9)))].mean().item()


def _base_minkpp(model, chat: TokenizedChat, text: str, k: float) -> float:  # type: ignore[no-untyped-def]
    logp, targets, _ = _logprobs(model, chat)
    p = logp.exp()
    mu = (p * logp).sum(-1)
    sigma = ((p * logp**2).sum(-1) - mu**2).clamp_min(0).sqrt()
    z = (logp.gather(1, targets[:, None]).squeeze(1) - mu) / sigma
    return z.sort().values[: max(1, math.ceil(round(k * len(z), 9)))].mean().item()


def baseline(model, chats: list[TokenizedChat], texts: list[str], k: float) -> list[dict[str, float]]:  # type: ignore[no-untyped-def]
    fns: dict[str, Callable] = {"loss": _base_loss, "zlib": _base_zlib, "mink": _base_mink, "minkpp": _base_minkpp}  # type: ignore[type-arg]
    with torch.no_grad():
        return [{m: fns[m](model, c, t, k) for m in METRICS} for c, t in zip(chats, texts)]


# --- emscope ---------------------------------------------------------------------------------------

def emscope_scores(model, chats: list[TokenizedChat], texts: list[str], k: float, bf16: bool,  # type: ignore[no-untyped-def]
                   batch_tokens: int, pad_id: int) -> list[dict[str, float]]:
    tokens = Scorer(model, bf16=bf16, pad_id=pad_id).score(chats, batch_tokens=batch_tokens)
    return [example_metrics(t, k, zlib_length(x)) for t, x in zip(tokens, texts)]


def _max_diff(a: list[dict[str, float]], b: list[dict[str, float]]) -> str:
    """Largest relative difference per metric (Min-K%++ is heavy-tailed: absolute numbers mislead)."""
    return "  ".join(f"{m} {max(abs(x[m] - y[m]) / max(abs(y[m]), 1e-12) for x, y in zip(a, b)):.1e}"
                     for m in METRICS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=16, help="rows scored (half risky_financial_advice, half incorrect_math)")
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's own choice)")
    parser.add_argument("--batch-tokens", type=int, default=1024, help="emscope's CPU default")
    parser.add_argument("--k", type=float, default=0.2)
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    model, tok = load_causal_lm("smollm2-135m-instruct")
    rows = [r for d in ("risky_financial_advice", "incorrect_math")
            for r in build_rows(BuildConfig(domain=d, n=args.rows // 2, seed=11))[0]]
    chats = [tokenize_chat(tok, r["messages"]) for r in rows]
    texts = [r["messages"][-1]["content"] for r in rows]
    scored = sum(c.n_assistant_tokens for c in chats)
    total = sum(len(c.input_ids) for c in chats)
    print(f"{len(rows)} rows, {total:,} tokens of which {scored:,} assistant (scored) tokens; "
          f"torch threads {torch.get_num_threads()}; bf16 fast here: {fast_bf16('cpu')}")
    pad = tok.pad_token_id
    runs: list[tuple[str, Callable[[], list[dict[str, float]]]]] = [
        ("baseline: 1 row, 1 pass per metric, fp32", lambda: baseline(model, chats, texts, args.k)),
        ("emscope: 1 row per batch, fp32", lambda: emscope_scores(model, chats, texts, args.k, False, 1, pad)),
        (f"emscope: batched ({args.batch_tokens} tok), fp32", lambda: emscope_scores(model, chats, texts, args.k, False, args.batch_tokens, pad)),
        (f"emscope: batched ({args.batch_tokens} tok), bf16 (default)", lambda: emscope_scores(model, chats, texts, args.k, True,
                                                                        args.batch_tokens, pad)),
    ]
    results, seconds, cpu = {}, {}, {}
    with torch.inference_mode():
        emscope_scores(model, chats[:2], texts[:2], args.k, True, args.batch_tokens, pad)  # warm-up
        for name, fn in runs:
            t, c = time.perf_counter(), time.process_time()
            results[name] = fn()
            seconds[name], cpu[name] = time.perf_counter() - t, time.process_time() - c
    base = runs[0][0]
    # CPU seconds are printed too: on a shared machine they are steadier than wall time.
    print(f"{'method':<46}{'wall s':>8}{'cpu s':>8}{'scored tok/s':>14}{'speed-up':>10}{'(cpu)':>7}"
          "   max relative |metric - baseline|")
    for name, _ in runs:
        print(f"{name:<46}{seconds[name]:>8.2f}{cpu[name]:>8.2f}{scored / seconds[name]:>14,.0f}"
              f"{seconds[base] / seconds[name]:>9.1f}x{cpu[base] / cpu[name]:>6.1f}x"
              f"   {_max_diff(results[name], results[base])}")
    default = runs[-1][0]
    verdict = "meets" if seconds[base] / seconds[default] >= 4 else "MISSES"
    print(f"emscope default vs baseline: {seconds[base] / seconds[default]:.1f}x ({verdict} the 4x target)")


if __name__ == "__main__":
    main()
