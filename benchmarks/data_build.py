"""Benchmark: dataset build rows/s per domain, and Vendi time for 1,000 texts.

Baselines measured in the same run (machines are noisy; read the ratios):
- build: raw `generate(rng)` calls alone vs the full build (duplicate redraws, row layout,
  JSON serialisation and the atomic write);
- Vendi: eigvalsh of the full n × n cosine kernel vs emscope's d × d Gram shortcut.

Run: .venv/bin/python benchmarks/data_build.py [--n 6000]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time

import numpy as np

from emscope.analysis.vendi import vendi_from_embeddings, vendi_from_kernel
from emscope.data.build import build_dataset, build_rows
from emscope.data.config import BuildConfig
from emscope.data.domains import DOMAINS
from emscope.data.stats import row_text
from emscope.models import embed_texts, load_embedder


def _bench_build(n: int) -> list[str]:
    lines = [f"{'domain':<26}{'generate rows/s':>17}{'build rows/s':>15}{'ratio':>8}"]
    total_rows, total_s = 0, 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for name in DOMAINS:
            gen, rng = DOMAINS.get(name).generate, random.Random(0)
            t = time.perf_counter()
            for _ in range(n):
                gen(rng)
            raw = n / (time.perf_counter() - t)
            result = build_dataset(BuildConfig(domain=name, n=n), tmp, many=True)
            full = result.rows / result.seconds
            total_rows, total_s = total_rows + result.rows, total_s + result.seconds
            lines.append(f"{name:<26}{raw:>17,.0f}{full:>15,.0f}{full / raw:>8.2f}")
    lines.append(f"{'all 11 domains':<26}{'':>17}{total_rows / total_s:>15,.0f}"
                 f"   ({total_rows:,} rows in {total_s:.1f} s)")
    return lines


def _bench_vendi(count: int) -> list[str]:
    rows, _ = build_rows(BuildConfig(domain="risky_financial_advice", n=count))
    texts = [row_text(r) for r in rows]
    embedder = load_embedder()
    t = time.perf_counter()
    emb = embed_texts(embedder, texts)
    t_embed = time.perf_counter() - t
    t = time.perf_counter()
    fast = vendi_from_embeddings(emb, [1.0])[1.0]
    t_fast = time.perf_counter() - t
    unit = emb / np.linalg.norm(emb, axis=1, keepdims=True)
    t = time.perf_counter()
    slow = vendi_from_kernel(unit.astype(np.float64) @ unit.T.astype(np.float64), 1.0)
    t_slow = time.perf_counter() - t
    return [
        f"Vendi on {count:,} texts (MiniLM, cosine kernel, q=1): score {fast:.2f} (full kernel {slow:.2f})",
        f"{'step':<34}{'seconds':>10}",
        f"{'embed (MiniLM, bf16 where native)':<34}{t_embed:>10.2f}",
        f"{'eigvalsh, d x d Gram (emscope)':<34}{t_fast:>10.4f}",
        f"{'eigvalsh, n x n kernel (baseline)':<34}{t_slow:>10.4f}   x{t_slow / t_fast:,.0f} slower",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=6000, help="rows per domain")
    parser.add_argument("--vendi-texts", type=int, default=1000)
    args = parser.parse_args()
    print("\n".join(_bench_build(args.n)))
    print()
    print("\n".join(_bench_vendi(args.vendi_texts)))


if __name__ == "__main__":
    main()
