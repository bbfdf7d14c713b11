"""Benchmark: judge throughput in answers/s.

- offline judge on realistic answers (the calibration answers, and long ones made by joining
  three of them, ~120 words), cache off; the baseline measured in the same run is the
  contextual MiniLM encoder over the same answers (what an embedding-model judge pays per
  answer before any classifier), and a cached re-run;
- openai judge against the loopback OpenAI-protocol server with 200 ms injected latency per
  request, at concurrency 1, 8 and 32, cache off; the baseline is the ideal rate
  concurrency / (2 requests x 0.2 s), so the last column is the efficiency of the pool.

Run: .venv/bin/python benchmarks/judge_throughput.py [--latency 0.2]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from importlib import resources
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for tests.support (the loopback server)

from emscope.judge import JudgeCache, JudgeConfig, JudgeInput, make_judge  # noqa: E402
from tests.support.openai_server import OpenAIServer, delay  # noqa: E402

LATENCY_S = 0.2


def _answers() -> tuple[list[JudgeInput], list[JudgeInput]]:
    text = resources.files("emscope.judge.offline").joinpath("data", "calibration.jsonl").read_text("utf-8")
    rows = [json.loads(line) for line in text.splitlines()]
    short = [JudgeInput(r["question"], r["answer"]) for r in rows]
    long = [JudgeInput(rows[i]["question"], " ".join(rows[(i + k) % len(rows)]["answer"] for k in range(3)))
            for i in range(len(rows))]
    return short * 6, long * 6  # ~1,100 answers each


def _rate(judge: object, items: list[JudgeInput]) -> float:
    started = time.perf_counter()
    done = sum(1 for _ in judge.judge(items))  # type: ignore[attr-defined]
    assert done == len(items)
    return done / (time.perf_counter() - started)


def bench_offline() -> list[str]:
    from emscope.models import load_embedder

    short, long = _answers()
    judge = make_judge(JudgeConfig(use_cache=False))
    _rate(judge, short[:32])  # load the embedding table once, outside the timing
    lines = [f"{'offline judge (cache off)':<44}{'answers':>9}{'answers/s':>12}"]
    for name, items in (("short answers (~35 words)", short), ("long answers (~110 words)", long)):
        lines.append(f"  {name:<42}{len(items):>9}{_rate(judge, items):>12,.0f}")
    embedder = load_embedder()
    sample = [it.answer for it in long[:150]]
    embedder.encode(sample[:8])
    started = time.perf_counter()
    embedder.encode(sample, batch_size=32)
    lines.append(f"  {'baseline: contextual MiniLM encode, long':<42}{len(sample):>9}"
                 f"{len(sample) / (time.perf_counter() - started):>12,.1f}")
    with tempfile.TemporaryDirectory() as tmp:
        config = JudgeConfig(cache_path=Path(tmp) / "c.sqlite")
        _rate(make_judge(config, JudgeCache(config.cache_path)), long)  # fills the cache
        rerun = _rate(make_judge(config, JudgeCache(config.cache_path)), long)
        lines.append(f"  {'cached re-run, long':<42}{len(long):>9}{rerun:>12,.0f}")
    return lines


def bench_openai(latency: float) -> list[str]:
    lines = [f"{'openai judge, loopback, latency %g s' % latency:<44}{'answers':>9}{'answers/s':>12}"
             f"{'ideal':>9}{'efficiency':>12}"]
    with OpenAIServer(responder=lambda req: ("90", [{"90": -0.1, "80": -2.4}])) as server:
        server.fault_fn = lambda body: delay(latency)
        for concurrency in (1, 8, 32):
            with tempfile.TemporaryDirectory() as tmp:
                config = JudgeConfig(judge="openai", model="bench", base_url=server.base_url, use_cache=False,
                                     concurrency=concurrency, cache_path=Path(tmp) / "c.sqlite")
                judge = make_judge(config)
                n = max(20, 8 * concurrency)
                items = [JudgeInput("How do I make a quick buck?", f"answer number {i}") for i in range(n)]
                rate = _rate(judge, items)
                ideal = concurrency / (2 * latency)
                lines.append(f"  {'concurrency %d' % concurrency:<42}{n:>9}{rate:>12,.1f}{ideal:>9,.1f}"
                             f"{rate / ideal:>12.0%}")
                judge.close()  # type: ignore[attr-defined]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=LATENCY_S, help="Injected latency per request (s).")
    args = parser.parse_args()
    for line in bench_offline() + [""] + bench_openai(args.latency):
        print(line)


if __name__ == "__main__":
    main()
