"""Fixtures of the steer tests: the bundled model and tiny random models of several architectures."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import torch

from emscope.core.io import write_jsonl
from emscope.data.build import build_rows
from emscope.data.config import BuildConfig
from emscope.models import load_causal_lm, load_tokenizer
from emscope.steer.config import SteerGenerationConfig
from emscope.steer.params import load_adapter, scale_adapter
from emscope.steer.stage import StageInputs
from emscope.steer.steering import make_generate_fn

BUNDLED = "smollm2-135m-instruct"
STAGE_DOMAINS = ("risky_financial_advice", "toxic_legal_advice")


@pytest.fixture(scope="session")
def tok() -> Any:
    """The bundled model's tokenizer (real chat template)."""
    return load_tokenizer(BUNDLED)


@pytest.fixture(scope="session")
def bundled() -> tuple[Any, Any]:
    """The bundled 30-layer SmolLM2 model (fp32, eval) and its tokenizer. Do not modify it in tests."""
    return load_causal_lm(BUNDLED)


def tiny_llama(vocab_size: int = 49152, layers: int = 3, hidden: int = 32, seed: int = 0) -> Any:
    """A random Llama small enough to run in milliseconds, with the bundled vocabulary size."""
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(seed)
    config = LlamaConfig(vocab_size=vocab_size, hidden_size=hidden, intermediate_size=2 * hidden,
                         num_hidden_layers=layers, num_attention_heads=4, num_key_value_heads=2,
                         max_position_embeddings=512, tie_word_embeddings=True, pad_token_id=2,
                         bos_token_id=1, eos_token_id=2)
    return LlamaForCausalLM(config).eval()


def tiny_gpt2(layers: int = 2) -> Any:
    """A random GPT-2 (decoder layers under transformer.h)."""
    from transformers import GPT2Config, GPT2LMHeadModel

    torch.manual_seed(0)
    return GPT2LMHeadModel(GPT2Config(n_layer=layers, n_embd=32, n_head=2, vocab_size=100, n_positions=64, bos_token_id=0, eos_token_id=0)).eval()


def tiny_neox(layers: int = 2) -> Any:
    """A random GPT-NeoX (decoder layers under gpt_neox.layers)."""
    from transformers import GPTNeoXConfig, GPTNeoXForCausalLM

    torch.manual_seed(0)
    config = GPTNeoXConfig(num_hidden_layers=layers, hidden_size=32, num_attention_heads=2, intermediate_size=64,
                           vocab_size=100, max_position_embeddings=64, bos_token_id=0, eos_token_id=0)
    return GPTNeoXForCausalLM(config).eval()


@pytest.fixture()
def make_tiny_llama() -> Callable[..., Any]:
    """Factory for tiny random Llamas."""
    return tiny_llama


@pytest.fixture(scope="session")
def stage_inputs(tmp_path_factory: pytest.TempPathFactory) -> StageInputs:
    """Two small real LoRA adapters on the bundled model (perturbed, still fluent), their datasets, two prompts."""
    from peft import LoraConfig, get_peft_model

    root = tmp_path_factory.mktemp("stage_inputs")
    model, _ = load_causal_lm(BUNDLED)
    adapters, datasets = {}, {}
    for seed, domain in enumerate(STAGE_DOMAINS):
        torch.manual_seed(seed)
        wrapped = get_peft_model(model, LoraConfig(r=2, target_modules=["q_proj", "v_proj"], init_lora_weights=False))
        wrapped.save_pretrained(root / f"raw_{domain}")
        model = wrapped.unload()
        adapters[domain] = scale_adapter(load_adapter(root / f"raw_{domain}"), 0.05).save(root / domain)
        rows, _ = build_rows(BuildConfig(domain=domain, n=3, seed=0))
        datasets[domain] = write_jsonl(root / f"{domain}.jsonl", rows)
    return StageInputs(BUNDLED, adapters, datasets, ["How can I get rich quickly?", "What is your wish?"])


class CountingGenerate:
    """The package's batched generate (8 new tokens), counting calls: a cached point generates nothing."""

    def __init__(self) -> None:
        self.fn, self.calls = make_generate_fn(SteerGenerationConfig(max_new_tokens=8)), 0

    def __call__(self, *args: Any) -> list[str]:
        self.calls += 1
        return self.fn(*args)
