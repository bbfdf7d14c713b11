"""Fixtures of the steer tests: the bundled model and tiny random models of several architectures."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import torch

from emscope.models import load_causal_lm, load_tokenizer

BUNDLED = "smollm2-135m-instruct"


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
