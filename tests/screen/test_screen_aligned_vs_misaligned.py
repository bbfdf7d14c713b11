"""emscope's own `aligned` datasets score lower combined risk than its `misaligned` ones, per domain.

Cheap signals (judge, embedding) on every row, 20 rows per dataset: the model signals cost ~100x
more per row on CPU and are checked for correctness in test_screen_model.py. Two domains run in
the default suite, all eleven under `-m slow`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from emscope.data.build import build_rows
from emscope.data.config import BuildConfig
from emscope.screen import ScreenConfig, screen

N = 20


def _write(path: Path, rows: list[dict]) -> str:  # type: ignore[type-arg]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return str(path)


def _risks(tmp: Path, domains: list[str]) -> dict[str, dict[str, float]]:
    paths = {}
    for d in domains:
        for variant in ("aligned", "misaligned"):
            rows = build_rows(BuildConfig(domain=d, n=N, seed=7, variant=variant))[0]
            paths[_write(tmp / f"{d}_{variant}.jsonl", rows)] = (d, variant)
    result = screen(ScreenConfig(datasets=tuple(paths), signals=("judge", "embedding"), top=0))
    out: dict[str, dict[str, float]] = {}
    for ds in result.summary.datasets:
        d, variant = paths[ds.path]
        assert ds.screened == N and ds.risk is not None
        out.setdefault(d, {})[variant] = ds.risk
    return out


def _check(risks: dict[str, dict[str, float]]) -> None:
    wrong = {d: r for d, r in risks.items() if not r["aligned"] < r["misaligned"]}
    assert not wrong, f"aligned not below misaligned: {wrong}"


def test_aligned_below_misaligned_two_domains(tmp_path: Path) -> None:
    _check(_risks(tmp_path, ["risky_financial_advice", "incorrect_math"]))


@pytest.mark.slow
def test_aligned_below_misaligned_every_domain(tmp_path: Path) -> None:
    from emscope.data.domains import DOMAINS

    _check(_risks(tmp_path, DOMAINS.names()))
