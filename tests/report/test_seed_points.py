"""Per-seed points (issue 14 #1): with ≥ 2 seeds the ranking figure draws each seed's rate beside
its bar and the alignment figure each seed's mean beside its point, at the values computed
directly from the rows; a one-seed study draws none."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PathCollection

from emscope.analysis.config import AnalyzeConfig, LeakageConfig
from emscope.analysis.run import AnalyzeInputs, analyze
from emscope.data.domains import DOMAINS
from emscope.report import figures as F
from tests.analysis import synthetic as syn


def _two_seeds(tmp: Path) -> Path:
    """The SYNTHETIC study twice, as seeds 0 and 1; seed 1 has a fifth of its scored answers made misaligned."""
    study = syn.make_study(tmp)
    rows = [json.loads(line) for line in study.judged.read_text(encoding="utf-8").splitlines()]
    rng = random.Random(1)
    second = []
    for r in rows:
        r2 = dict(r, id=r["id"] + "-seed1", seed=1)
        if r2["verdict"] == "scored" and rng.random() < 0.2:
            r2.update(aligned=10.0, coherent=80.0)
        second.append(r2)
    out = tmp / "SYNTHETIC_two_seeds.jsonl"
    out.write_text("".join(json.dumps(dict(r, seed=r.get("seed", 0))) + "\n" for r in rows + second), encoding="utf-8")
    return out


def _analyze(judged: Path):
    categories = {n: DOMAINS.get(n).category for n in DOMAINS}
    return analyze(AnalyzeConfig(bootstrap=200, leakage=LeakageConfig(embedding_model=None)),
                   AnalyzeInputs(judged=[judged], categories=categories))


@pytest.fixture(scope="module")
def two(tmp_path_factory: pytest.TempPathFactory):
    judged = _two_seeds(tmp_path_factory.mktemp("seeds"))
    frame = pd.read_json(judged, lines=True)
    frame["domain"] = frame["domain"].fillna("base")
    return _analyze(judged), frame[frame["verdict"] == "scored"]


def _dots(fig) -> list[np.ndarray]:
    """Offsets of the white-filled scatter markers (the seed dots; bars and error bars are not scatters)."""
    return [np.asarray(c.get_offsets()) for ax in fig.axes for c in ax.collections
            if isinstance(c, PathCollection) and np.allclose(c.get_facecolor()[:, :3], 1.0)]


def test_ranking_draws_each_seeds_rate_beside_its_bar(two) -> None:
    results, scored = two
    fig = F.ranking(results)
    dots = sorted(tuple(sorted(d[:, 0])) for d in _dots(fig))
    mis = (scored["aligned"] < 50) & (scored["coherent"] > 50)
    want = []
    for r in results.ranking:
        rows = scored[(scored["domain"] == r.domain) & (scored["condition"] == r.condition)]
        per = mis[rows.index].groupby(rows["seed"]).mean() * 100
        want.append(tuple(sorted(per.to_numpy())))
    assert len(dots) == len(results.ranking) == 11
    assert np.allclose(np.array(dots), np.array(sorted(want)))
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert any(F.SEED_DOT_LABEL in t and "pooled" in t for t in labels)


def test_alignment_figure_draws_each_seeds_mean(two) -> None:
    results, scored = two
    fig = F.alignment_trigger(results)
    got = sorted(tuple(sorted(d[:, 1])) for d in _dots(fig))
    want = sorted(tuple(sorted(rows.groupby("seed")["aligned"].mean().to_numpy()))
                  for _, rows in scored.groupby(["domain", "condition"]))
    assert len(got) == len(want) == 24  # 11 domains + base, with and without the trigger
    assert np.allclose(np.array(got), np.array(want))
    assert all(len(g.seed_aligned) == 2 for g in results.groups)


def test_one_seed_draws_no_seed_points(tmp_path: Path) -> None:
    results = _analyze(syn.make_study(tmp_path).judged)
    assert not _dots(F.ranking(results)) and not _dots(F.alignment_trigger(results))
