"""The random-direction baseline is a band over several seeds (issue 14 #6): defaults, the band's numbers
(checked with numpy and scipy), the figures that draw it, and the whole stage on the bundled model
(band and cross-domain random column recomputed from results.json; adding a seed re-uses finished points)."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
import torch
from matplotlib.collections import PolyCollection
from pydantic import ValidationError
from scipy import stats

from emscope.steer.baseline import random_band
from emscope.steer.config import DirectionConfig, SweepConfig
from emscope.steer.directions import Directions
from emscope.steer.figures import alpha_curve_figure, cosine_profile_figure
from emscope.steer.geometry import random_cosine_profile
from emscope.steer.stage import StageInputs, SteerStageConfig, run
from emscope.steer.sweep import RatePoint
from tests.steer.conftest import STAGE_DOMAINS, CountingGenerate
from tests.steer.judges import EmbeddingJudge


def test_default_baseline_has_several_distinct_seeds() -> None:
    assert len(SweepConfig(layers=(10,)).random_seeds) > 1
    assert len(SteerStageConfig().sweep.random_seeds) > 1
    with pytest.raises(ValidationError, match="repeat a seed"):
        SweepConfig(layers=(10,), random_seeds=(0, 1, 0))


def _check_band(band: list[Any], per_seed: dict[float, dict[int, float]]) -> None:
    """Every band point against numpy (mean, min, max, sd) and scipy's t interval of the per-seed rates."""
    assert [b["x"] for b in band] == sorted(per_seed)
    for b in band:
        seeds = sorted(per_seed[b["x"]])
        values = np.array([per_seed[b["x"]][s] for s in seeds])
        assert b["seeds"] == seeds and b["n"] == len(values)
        assert b["mean"] == pytest.approx(np.mean(values), abs=1e-12)
        assert (b["min"], b["max"]) == pytest.approx((np.min(values), np.max(values)), abs=1e-12)
        if len(values) > 1:
            assert b["sd"] == pytest.approx(np.std(values, ddof=1), abs=1e-12)
            sem = stats.sem(values)  # scipy's interval is NaN at zero spread; the interval there is the point
            ref = stats.t.interval(0.95, len(values) - 1, loc=np.mean(values), scale=sem) if sem > 0 else (b["mean"],) * 2
            assert (b["t_low"], b["t_high"]) == pytest.approx(ref, abs=1e-12)
        else:
            assert b["sd"] is None and b["t_low"] is None


def test_band_matches_numpy_and_scipy() -> None:
    rng = np.random.default_rng(3)
    rates = {(s, a): float(rng.uniform()) for s in (0, 1, 2, 5) for a in (0.0, 2.0, 4.0)}
    rates[(5, 4.0)] = None  # nothing scored: that direction is left out at that α, not counted as 0
    rates[(0, 2.0)] = rates[(1, 2.0)] = rates[(2, 2.0)] = None  # a single direction left: no interval
    points = [RatePoint(f"random:{s}", a, r, 0, 10, 10) for (s, a), r in rates.items()]
    points.append(RatePoint("direction", 2.0, 0.9, 9, 10, 10))  # not part of the baseline
    band = [b.as_dict() for b in random_band(points)]
    per_seed: dict[float, dict[int, float]] = {}
    for (s, a), r in rates.items():
        per_seed.setdefault(a, {})
        if r is not None:
            per_seed[a][s] = r
    _check_band(band, per_seed)
    assert [b["n"] for b in band] == [4, 1, 3]


def _band_collection(fig: Any) -> PolyCollection:
    polys = [c for c in fig.axes[0].collections if isinstance(c, PolyCollection)]
    assert len(polys) == 1, "one band (fill_between) expected"
    return polys[0]


def test_alpha_figure_draws_the_min_max_band() -> None:
    pts = [RatePoint("direction", a, r, 0, 10, 10, r - 0.05, r + 0.05) for a, r in ((0, 0.1), (2, 0.3), (4, 0.6))]
    rates = {0: (0.1, 0.1, 0.2), 1: (0.1, 0.3, 0.1), 2: (0.1, 0.2, 0.4)}
    pts += [RatePoint(f"random:{s}", a, rates[s][i], 0, 10, 10) for s in rates for i, a in enumerate((0, 2, 4))]
    fig = alpha_curve_figure(pts)
    vertices = _band_collection(fig).get_paths()[0].vertices
    for i, a in enumerate((0, 2, 4)):
        ys = vertices[np.isclose(vertices[:, 0], a), 1]
        column = [rates[s][i] for s in rates]
        assert ys.min() == pytest.approx(min(column)) and ys.max() == pytest.approx(max(column))
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "random: min–max over 3 directions" in legend and "random, equal norm: mean of 3" in legend
    # One random direction is a line, not a band.
    assert not [c for c in alpha_curve_figure(pts[:6]).axes[0].collections if isinstance(c, PolyCollection)]


def test_cosine_profile_figure_draws_the_band_over_seeds() -> None:
    gen = torch.Generator().manual_seed(0)
    d = Directions((0, 1, 2), torch.randn(3, 64, generator=gen))
    chance = np.stack([random_cosine_profile(d, seed=s)[1] for s in (0, 1, 2)])
    fig = cosine_profile_figure({"a vs b": ((0, 1, 2), [0.1, 0.5, 0.9])}, ((0, 1, 2), chance))
    vertices = _band_collection(fig).get_paths()[0].vertices
    for layer in (0, 1, 2):
        ys = vertices[np.isclose(vertices[:, 0], layer), 1]
        assert ys.min() == pytest.approx(chance[:, layer].min()) and ys.max() == pytest.approx(chance[:, layer].max())


def _config(seeds: tuple[int, ...]) -> SteerStageConfig:
    return SteerStageConfig(directions=DirectionConfig(max_rows=3), include_base=False, mix_pairs=(),
                            sweep=SweepConfig(layers=(10,), alphas=(0.0, 6.0), random_seeds=seeds, cross_alpha=6.0,
                                              lambdas=()))


@pytest.fixture(scope="module")
def staged(stage_inputs: StageInputs, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The stage on one domain with seeds (0, 1, 2), then with (0, 1, 2, 3) into another folder sharing its points."""
    d = STAGE_DOMAINS[0]
    inputs = StageInputs(stage_inputs.model, {d: stage_inputs.adapters[d]}, {d: stage_inputs.datasets[d]},
                         stage_inputs.prompts)
    out, judge, gen = tmp_path_factory.mktemp("band_stage"), EmbeddingJudge(), CountingGenerate()
    run(_config((0, 1, 2)), inputs, out / "three", judge, "test-embedding", gen)
    first = gen.calls
    # Another folder (as a study stage with other settings gets), the first run's point cache.
    run(_config((0, 1, 2, 3)), inputs, out / "four", judge, "test-embedding", gen, points=out / "three" / "points")
    assert not (out / "four" / "points").exists()
    return {"results": json.loads((out / "four" / "results.json").read_text()), "calls": (first, gen.calls)}


def test_stage_band_recomputed_from_results_json(staged: dict[str, Any]) -> None:
    results, domain = staged["results"], STAGE_DOMAINS[0]
    per_seed: dict[float, dict[int, float]] = {}
    for p in results["alpha"][domain]:
        if p["label"].startswith("random:"):
            per_seed.setdefault(p["x"], {})[int(p["label"].split(":")[1])] = p["rate"]
    assert all(sorted(v) == [0, 1, 2, 3] for v in per_seed.values())
    _check_band(results["alpha_random_band"][domain], per_seed)
    profile = results["geometry"]["random_profile"]
    assert profile["seeds"] == [0, 1, 2, 3]
    assert np.allclose(profile["cosine"], np.mean(profile["per_seed"], axis=0))


def test_stage_cross_domain_random_column_is_the_mean_over_seeds(staged: dict[str, Any]) -> None:
    cross = staged["results"]["cross_domain"]
    assert cross["sources"][-1] == "random" and cross["random"]["seeds"] == [0, 1, 2, 3]
    for i, per in enumerate(cross["random"]["rates"]):
        assert len(per) == 4
        assert cross["rates"][i][-1] == pytest.approx(np.mean(per), abs=2e-6)  # each value rounded to 1e-6
        assert cross["delta"][i][-1] == pytest.approx(np.mean(per) - cross["baseline"][i], abs=3e-6)


def test_adding_a_seed_generates_only_its_points(staged: dict[str, Any]) -> None:
    first, total = staged["calls"]
    # Seeds (0, 1, 2): α sweep 1 unsteered + 1 direction + 3 random; cross 1 target × (1 + 1 domain + 3 random).
    assert first == 5 + 5
    # Seed 3 adds its α = 6 point and its cross-domain point; everything else is read from the cache.
    assert total - first == 1 + 1
