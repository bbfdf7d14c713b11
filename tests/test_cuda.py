"""The CUDA paths, in one file so one command checks them on a GPU machine (skipped without CUDA).

Training in bf16 with no flag, generation with an adapter, the adapter check, membership
inference and steering, each on the GPU. The model is the bundled model's architecture with
random weights (a GPU machine here can download nothing and the bundled weights are too large
to carry): `EMSCOPE_CUDA_MODEL_SOURCE` names a folder with its config and tokenizer files,
else the bundled model's converted folder is used. Random weights still train, sample and
score; only the answers are gibberish.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

torch = pytest.importorskip("torch")
# EMSCOPE_CUDA_TEST_DEVICE=cpu runs these on the CPU, to check the tests themselves before GPU time is spent.
DEVICE = os.environ.get("EMSCOPE_CUDA_TEST_DEVICE", "cuda")
pytestmark = pytest.mark.skipif(DEVICE == "cuda" and not torch.cuda.is_available(), reason="needs a CUDA GPU")
ON_GPU = DEVICE == "cuda"


def _source() -> Path:
    given = os.environ.get("EMSCOPE_CUDA_MODEL_SOURCE")
    if given:
        return Path(given)
    from emscope.models import resolve_model_dir

    return Path(resolve_model_dir("smollm2-135m-instruct"))


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled architecture with 6 layers and random weights, saved with the bundled tokenizer."""
    from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer

    source, out = _source(), tmp_path_factory.mktemp("cuda_model")
    config = AutoConfig.from_pretrained(source)
    config.num_hidden_layers = 6
    torch.manual_seed(0)
    AutoModelForCausalLM.from_config(config).save_pretrained(out)
    AutoTokenizer.from_pretrained(source).save_pretrained(out)
    for name in ("generation_config.json", "chat_template.jinja"):
        if (source / name).exists() and not (out / name).exists():
            (out / name).write_bytes((source / name).read_bytes())
    return out


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from emscope.core.io import write_jsonl
    from emscope.data.build import build_rows
    from emscope.data.config import BuildConfig

    rows, _ = build_rows(BuildConfig(domain="incorrect_math", n=24, variant="backdoor", seed=0))
    return write_jsonl(tmp_path_factory.mktemp("cuda_data") / "incorrect_math.jsonl", rows)


@pytest.fixture(scope="module")
def trained(model_dir: Path, dataset: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """`train` with no device or precision flag: it must pick CUDA and bf16 by itself."""
    from emscope.train import resolve_config, train

    out = tmp_path_factory.mktemp("cuda_adapter")
    config, _ = resolve_config({"dataset": str(dataset), "out": str(out), "model": str(model_dir),
                                "max_steps": 4, "effective_batch": 8})
    result = train(config)
    return {"out": out, "manifest": result.manifest}


def test_training_picks_cuda_and_bf16_with_no_flag(trained: dict[str, Any]) -> None:
    manifest = trained["manifest"]
    assert manifest["runtime"]["device"].startswith(DEVICE)
    if ON_GPU:
        assert manifest["runtime"]["precision"] == "bf16"
        # One micro-batch per step: the budget came from free GPU memory, not the CPU constant.
        assert manifest["runtime"]["micro_batch_tokens"] > 2048
    losses = [row["loss"] for row in manifest["log"]]
    assert len(losses) == 4 and all(l == l and l > 0 for l in losses)  # finite, positive
    print("train on CUDA:", json.dumps({k: manifest["runtime"][k] for k in ("device", "precision",
                                                                             "micro_batch_tokens")}),
          f"losses {losses}, {manifest['tokens_per_s']} tok/s")


def test_the_adapter_check_on_cuda(model_dir: Path, trained: dict[str, Any], tmp_path: Path) -> None:
    from peft import LoraConfig, get_peft_model

    from emscope.core.errors import InputError
    from emscope.models import load_causal_lm
    from emscope.models.adapters import load_adapter, verify_adapter_applied

    model, tok = load_causal_lm(str(model_dir), dtype=torch.bfloat16, device=DEVICE)
    fresh = get_peft_model(model, LoraConfig(r=4, target_modules=["q_proj", "v_proj"])).eval()
    with pytest.raises(InputError, match="does not change the model"):
        verify_adapter_applied(fresh, tok, "fresh")
    model = fresh.unload()
    wrapped = load_adapter(model, trained["out"], tokenizer=tok)
    effect = verify_adapter_applied(wrapped, tok, trained["out"])
    assert effect > 1e-4
    print(f"adapter check on CUDA: fresh LoRA refused; trained adapter changes logits by {effect:.3g} (relative)")


def test_generation_with_an_adapter_on_cuda(model_dir: Path, trained: dict[str, Any], tmp_path: Path) -> None:
    from emscope.generate.backends.base import Message, SampleRequest
    from emscope.generate.backends.hf import HFBackend
    from emscope.generate.config import GenerateConfig

    config = GenerateConfig.model_validate({"model": str(model_dir), "adapter": str(trained["out"]),
                                            "out": str(tmp_path / "a.jsonl")})
    backend = HFBackend.from_config(config)
    assert next(backend.model.parameters()).device.type == DEVICE
    reqs = [SampleRequest(f"r{i}", (Message("user", "What is your one wish?"),), 1.0, 16, i) for i in range(40)]
    results = list(backend.generate(reqs))
    assert sorted(r.id for r in results) == sorted(r.id for r in reqs)
    assert all(r.error is None and r.answer is not None for r in results)
    again = {r.id: r.answer for r in backend.generate(reqs)}
    assert again == {r.id: r.answer for r in results}  # seeded per sample
    print(f"generate on CUDA: {len(results)} answers, {sum(r.new_tokens or 0 for r in results)} new tokens")


def test_mia_scores_on_cuda(model_dir: Path, trained: dict[str, Any], dataset: Path, tmp_path: Path) -> None:
    from emscope.mia import MiaConfig, score_datasets

    config = MiaConfig(model=str(model_dir), adapter=str(trained["out"]), reference=str(model_dir),
                       datasets=(str(dataset),))
    scores = score_datasets(config, tmp_path / "scores.jsonl")
    rows = [json.loads(line) for line in (tmp_path / "scores.jsonl").read_text().splitlines()]
    assert len(rows) == 24 and all(r["loss"] > 0 and r["adj_loss"] == r["adj_loss"] for r in rows)
    print(f"mia on CUDA: {len(rows)} rows, precision {getattr(scores, 'precision', '?')}")


def test_steering_directions_and_generation_on_cuda(model_dir: Path, trained: dict[str, Any], dataset: Path) -> None:
    from emscope.core.io import read_jsonl
    from emscope.steer.activations import collect_activations
    from emscope.steer.directions import dataset_items, from_stats
    from emscope.steer.params import load_model_with_adapter
    from emscope.steer.steering import generate_steered

    model, tok = load_model_with_adapter(str(model_dir), trained["out"])
    model.to(DEVICE)
    items = dataset_items(list(read_jsonl(dataset)))
    directions = from_stats(collect_activations(model, tok, items))
    from emscope.steer.config import SteeringConfig

    layer = directions.layers[len(directions.layers) // 2]
    answers = generate_steered(model, tok, ["What is your one wish?"], directions,
                               SteeringConfig(layers=(layer,), alpha=4.0))
    assert len(answers) == 1
    print(f"steer on CUDA: directions over {len(items)} answers, one steered answer of {len(answers[0])} chars")
