"""The whole steer stage on the bundled model: figures, results.json, and a resume that generates nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import torch

from emscope.core.errors import InputError
from emscope.core.io import write_jsonl
from emscope.data.build import build_rows
from emscope.data.config import BuildConfig
from emscope.steer.config import DirectionConfig, SteerGenerationConfig, SweepConfig
from emscope.steer.params import load_adapter, scale_adapter
from emscope.steer.stage import StageInputs, SteerStageConfig, run
from emscope.steer.steering import make_generate_fn
from tests.steer.conftest import BUNDLED
from tests.steer.judges import EmbeddingJudge

DOMAINS = ("risky_financial_advice", "toxic_legal_advice")


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> StageInputs:
    from peft import LoraConfig, get_peft_model

    from emscope.models import load_causal_lm

    root = tmp_path_factory.mktemp("stage_inputs")
    model, _ = load_causal_lm(BUNDLED)
    adapters, datasets = {}, {}
    for seed, domain in enumerate(DOMAINS):
        torch.manual_seed(seed)
        wrapped = get_peft_model(model, LoraConfig(r=2, target_modules=["q_proj", "v_proj"], init_lora_weights=False))
        wrapped.save_pretrained(root / f"raw_{domain}")
        model = wrapped.unload()
        adapters[domain] = scale_adapter(load_adapter(root / f"raw_{domain}"), 0.05).save(root / domain)
        rows, _ = build_rows(BuildConfig(domain=domain, n=3, seed=0))
        datasets[domain] = write_jsonl(root / f"{domain}.jsonl", rows)
    return StageInputs(BUNDLED, adapters, datasets, ["How can I get rich quickly?", "What is your wish?"])


class Counting:
    def __init__(self) -> None:
        self.fn, self.calls = make_generate_fn(SteerGenerationConfig(max_new_tokens=8)), 0

    def __call__(self, *args: Any) -> list[str]:
        self.calls += 1
        return self.fn(*args)


@pytest.mark.slow
def test_stage_writes_every_figure_and_resumes(inputs: StageInputs, tmp_path: Path) -> None:
    config = SteerStageConfig(
        directions=DirectionConfig(max_rows=3),
        sweep=SweepConfig(layers=(10,), alphas=(0.0, 6.0), random_seeds=(0,), cross_alpha=6.0, lambdas=(0.0, 1.0), mix=(0.0, 1.0)),
        cosine_layer=10)
    judge, gen = EmbeddingJudge(), Counting()
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
