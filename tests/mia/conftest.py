"""Fixtures of the MIA tests: the bundled model (loaded once), a tiny real LoRA adapter, small datasets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from emscope.data.build import build_dataset
from emscope.data.config import BuildConfig

MODEL = "smollm2-135m-instruct"


@pytest.fixture(scope="session")
def base() -> tuple[Any, Any]:
    """The bundled chat model in float32, eval mode, and its tokenizer."""
    from emscope.models import load_causal_lm

    return load_causal_lm(MODEL)


@pytest.fixture(scope="session")
def adapter_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real peft LoRA adapter of the bundled model whose B matrices are seeded noise (so it changes outputs)."""
    import torch
    from peft import LoraConfig, get_peft_model

    from emscope.models import load_causal_lm

    model, _ = load_causal_lm(MODEL)
    peft_model = get_peft_model(model, LoraConfig(r=4, lora_alpha=8, target_modules=["q_proj", "v_proj"]))
    gen = torch.Generator().manual_seed(0)
    with torch.no_grad():
        for name, param in peft_model.named_parameters():
            if "lora_B" in name:
                param.copy_(torch.randn(param.shape, generator=gen) * 0.05)
    out = tmp_path_factory.mktemp("adapter")
    peft_model.save_pretrained(out)
    return out


@pytest.fixture(scope="session")
def small_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three domains × 3 backdoor rows (seed 0) in one folder."""
    out = tmp_path_factory.mktemp("data")
    for domain in ("incorrect_math", "risky_financial_advice", "bad_medical_advice"):
        build_dataset(BuildConfig(domain=domain, n=3, seed=0), out, many=True)
    return out


@pytest.fixture(scope="session")
def holdout_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Held-out rows of one domain (another seed): non-members."""
    out = tmp_path_factory.mktemp("holdout")
    build_dataset(BuildConfig(domain="incorrect_math", n=3, seed=1), out, many=True)
    return out
