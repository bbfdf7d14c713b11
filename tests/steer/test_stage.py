"""The whole steer stage on the bundled model: figures, results.json, and a resume that generates nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from emscope.core.errors import InputError
from emscope.steer.config import DirectionConfig, SweepConfig
from emscope.steer.stage import StageInputs, SteerStageConfig, run
from tests.steer.conftest import BUNDLED, CountingGenerate
from tests.steer.conftest import STAGE_DOMAINS as DOMAINS
from tests.steer.judges import EmbeddingJudge


@pytest.fixture(scope="module")
def inputs(stage_inputs: StageInputs) -> StageInputs:
    return stage_inputs


@pytest.mark.slow
def test_stage_writes_every_figure_and_resumes(inputs: StageInputs, tmp_path: Path) -> None:
    config = SteerStageConfig(
        directions=DirectionConfig(max_rows=3),
        sweep=SweepConfig(layers=(10,), alphas=(0.0, 6.0), random_seeds=(0,), cross_alpha=6.0, lambdas=(0.0, 1.0), mix=(0.0, 1.0)),
        cosine_layer=10)
    judge, gen = EmbeddingJudge(), CountingGenerate()
    result = run(config, inputs, tmp_path, judge, "test-embedding", gen)
    assert set(result.figures) == {"cosine_profile", "cosine_heatmap", "cosine_heatmap_layer10",
                                   f"alpha_{DOMAINS[0]}", "cross_domain", "parameter_paths"}
    assert all(p.stat().st_size > 1000 for p in result.figures.values())
    saved = json.loads((tmp_path / "results.json").read_text())
    assert saved["cross_domain"]["targets"] == [*DOMAINS, "base"]
    assert saved["cross_domain"]["sources"] == [*DOMAINS, "random"]
    assert [p["label"] for p in saved["alpha"][DOMAINS[0]]] == ["direction", "direction", "random:0", "random:0"]
    assert set(saved["parameter_paths"]) == {f"{DOMAINS[0]} × λ", f"{DOMAINS[0]} → {DOMAINS[1]} (t)"}
    assert saved["geometry"]["matrix_mean"]["values"][0][0] == pytest.approx(1.0)
    # 3 (α sweep) + 3 targets × (1 + 3 sources) + 2 λ + 2 t points.
    assert gen.calls == 3 + 12 + 2 + 2
    again = run(config, inputs, tmp_path, judge, "test-embedding", gen)
    assert gen.calls == 19 and again.results["cross_domain"] == saved["cross_domain"]


def test_stage_refuses_unknown_domains(inputs: StageInputs, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="without an adapter"):
        run(SteerStageConfig(alpha_domains=("evil_math",)), inputs, tmp_path, lambda rows: rows, "none")
    with pytest.raises(InputError, match="different domains"):
        run(SteerStageConfig(), StageInputs(BUNDLED, inputs.adapters, {}, []), tmp_path, lambda rows: rows, "none")
