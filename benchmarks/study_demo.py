"""Benchmark: the demo study end to end, wall time and per-stage breakdown.

Runs `emscope demo` (the README's main job) into a fresh directory and prints the time spent
in each stage type. Its baseline is the same study's stage total: the table shows where the
wall time goes, which is what a speed-up has to attack.

Run: .venv/bin/python benchmarks/study_demo.py [--out DIR] [--profile demo]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from emscope.study.config import study_from_dict
from emscope.study.run import run_study


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None, help="run directory (default: a fresh temp dir)")
    parser.add_argument("--profile", default="demo")
    parser.add_argument("--domains", default=None, help="comma-separated subset of the profile's domains")
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="emscope-bench-"))
    if args.out and out.exists():
        shutil.rmtree(out)
    data: dict[str, object] = {"profile": args.profile}
    if args.domains:
        data["domains"] = args.domains.split(",")
    config = study_from_dict(data, f"profile {args.profile}")
    started = time.perf_counter()
    result = run_study(config, out)
    wall = time.perf_counter() - started
    print(f"\n{'stage':<10}{'seconds':>10}{'share':>8}")
    for stage, seconds in sorted(result.stage_seconds.items(), key=lambda kv: -kv[1]):
        print(f"{stage:<10}{seconds:>10.1f}{seconds / wall:>8.1%}")
    print(f"{'total':<10}{wall:>10.1f}   ({len(config.domains)} domains + baseline, profile {args.profile})")
    print(f"report: {result.report}")


if __name__ == "__main__":
    main()
