"""Hooks on decoder layers, checked against manual forward passes.

transformers ≥ 5 decoder layers return a tensor; older ones (and remote-code models)
return a tuple. Both are exercised: the real Llama/GPT-2/GPT-NeoX layers, and a small
model whose layers return (hidden, extra) tuples like transformers 4 did.
"""

from __future__ import annotations

from typing import Any

import pytest
import torch
from torch import nn

from emscope.steer.config import SteeringConfig
from emscope.steer.directions import Directions
from emscope.steer.hooks import find_decoder_layers, hidden_of, layer_output_hooks, run_until, with_hidden
from emscope.steer.steering import steering
from tests.steer.conftest import tiny_gpt2, tiny_llama, tiny_neox

IDS = torch.tensor([[1, 5, 9, 14, 3, 7], [2, 8, 4, 6, 11, 12]])


class TupleLayer(nn.Module):
    """A residual block that returns (hidden, attention-weights-like extra), transformers-4 style."""

    def __init__(self, dim: int) -> None:
        super().__init__()
        self.mlp = nn.Sequential(nn.Linear(dim, 2 * dim), nn.GELU(), nn.Linear(2 * dim, dim))

    def forward(self, hidden: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return hidden + self.mlp(hidden), hidden.mean()


class TupleLM(nn.Module):
    """A causal-LM-shaped model whose loop unpacks tuple outputs (`model.layers` path)."""

    def __init__(self, vocab: int = 20, dim: int = 16, layers: int = 3) -> None:
        super().__init__()
        torch.manual_seed(0)
        self.model = nn.Module()
        self.model.embed = nn.Embedding(vocab, dim)
        self.model.layers = nn.ModuleList(TupleLayer(dim) for _ in range(layers))
        self.head = nn.Linear(dim, vocab)

    def forward(self, input_ids: torch.Tensor, **_: Any) -> torch.Tensor:
        h = self.model.embed(input_ids)
        for layer in self.model.layers:
            h = layer(h)[0]
        return self.head(h)


def _logits(model: Any, ids: torch.Tensor) -> torch.Tensor:
    out = model(input_ids=ids)
    return out if isinstance(out, torch.Tensor) else out.logits


def _directions(model: Any, dim: int, seed: int = 1, scale: float = 3.0) -> Directions:
    n = len(find_decoder_layers(model))
    gen = torch.Generator().manual_seed(seed)
    return Directions(tuple(range(n)), scale * torch.randn(n, dim, generator=gen))


def _next_layer_input(model: Any, layer: int, ids: torch.Tensor, directions: Directions | None,
                      config: SteeringConfig | None) -> torch.Tensor:
    seen: list[torch.Tensor] = []
    nxt = find_decoder_layers(model)[layer + 1]
    handle = nxt.register_forward_pre_hook(lambda _m, args, *rest: seen.append(args[0].detach().clone()))
    try:
        with torch.no_grad(), steering(model, directions, config):
            model(input_ids=ids)
    finally:
        handle.remove()
    return seen[0]


CASES = [("llama", lambda: tiny_llama(vocab_size=64), 32), ("gpt2", lambda: tiny_gpt2(3), 32), ("neox", lambda: tiny_neox(3), 32),
         ("tuple", TupleLM, 16)]


def test_transformers_5_llama_layer_returns_a_tensor() -> None:
    model = tiny_llama(vocab_size=64)
    outputs: list[Any] = []
    handle = find_decoder_layers(model)[0].register_forward_hook(lambda _m, _a, out: outputs.append(out))
    with torch.no_grad():
        model(input_ids=IDS)
    handle.remove()
    assert isinstance(outputs[0], torch.Tensor)  # tuple-handling is exercised by TupleLM below


@pytest.mark.parametrize("name,factory,dim", CASES, ids=[c[0] for c in CASES])
def test_adding_zero_changes_nothing_and_v_shifts_next_input_by_exactly_v(name: str, factory: Any, dim: int) -> None:
    model = factory()
    with torch.no_grad():
        plain = _logits(model, IDS)
    zero = Directions((0, 1), torch.zeros(2, dim))
    with torch.no_grad(), steering(model, zero, SteeringConfig(layers=(0, 1), alpha=5.0)):
        assert torch.equal(_logits(model, IDS), plain)
    d = _directions(model, dim)
    for layer in (0, 1):
        config = SteeringConfig(layers=(layer,), alpha=1.5)
        base = _next_layer_input(model, layer, IDS, None, None)
        steered = _next_layer_input(model, layer, IDS, d, config)
        v = 1.5 * d.at(layer)
        assert torch.equal(steered, base + v)  # same float ops: bitwise equal
        assert torch.allclose(steered - base, v.expand_as(base), atol=1e-5)
    with torch.no_grad():
        assert torch.equal(_logits(model, IDS), plain), "hooks were left behind"


@pytest.mark.parametrize("name,factory,dim", CASES, ids=[c[0] for c in CASES])
def test_ablation_removes_the_component(name: str, factory: Any, dim: int) -> None:
    model = factory()
    config = SteeringConfig(layers=(0,), mode="ablate")
    base = _next_layer_input(model, 0, IDS, None, None)
    # A direction the hidden states really have a component along: their mean, plus noise.
    d = Directions((0,), (base.mean(dim=(0, 1)) + 0.3 * base.std() * torch.randn(dim)).unsqueeze(0))
    after = _next_layer_input(model, 0, IDS, d, config)
    u = d.at(0, unit=True)
    scale = base.norm(dim=-1).max()
    assert (base @ u).abs().max() > 0.3 * scale  # there was a component to remove
    assert (after @ u).abs().max() < 1e-6 * scale
    # Only that component changed: the rest of h is untouched.
    assert torch.allclose(after, base - (base @ u).unsqueeze(-1) * u, atol=1e-5)


def test_hooks_are_removed_after_an_exception() -> None:
    model = TupleLM()
    layers = find_decoder_layers(model)
    with pytest.raises(RuntimeError, match="boom"), layer_output_hooks(model, {0: lambda h: h + 1.0}):
        raise RuntimeError("boom")
    assert all(not layer._forward_hooks for layer in layers)


def test_layer_lookup_across_architectures_and_peft() -> None:
    from peft import LoraConfig, get_peft_model

    llama = tiny_llama(vocab_size=64)
    assert find_decoder_layers(llama) is llama.model.layers
    assert find_decoder_layers(tiny_gpt2()) is not None and len(find_decoder_layers(tiny_gpt2(3))) == 3
    neox = tiny_neox()
    assert find_decoder_layers(neox) is neox.gpt_neox.layers
    wrapped = get_peft_model(tiny_llama(vocab_size=64), LoraConfig(r=2, target_modules=["q_proj"]))
    assert find_decoder_layers(wrapped) is wrapped.get_base_model().model.layers
    with pytest.raises(TypeError, match="cannot find the decoder layers"):
        find_decoder_layers(nn.Linear(2, 2))
    with pytest.raises(IndexError, match="has 3 decoder layers"), layer_output_hooks(llama, {3: lambda h: None}):
        pass


def test_tuple_structure_is_kept() -> None:
    h = torch.ones(1, 2, 3)
    assert hidden_of((h, "extra")) is h and hidden_of(h) is h
    assert with_hidden((h, "extra"), h * 2)[1] == "extra" and torch.equal(with_hidden(h, h * 2), h * 2)


def test_run_until_stops_after_the_layer() -> None:
    model = tiny_llama(vocab_size=64)
    ran: list[int] = []
    layers = find_decoder_layers(model)
    handles = [layer.register_forward_hook(lambda _m, _a, _o, i=i: ran.append(i)) for i, layer in enumerate(layers)]
    try:
        with torch.no_grad():
            run_until(model, 1, input_ids=IDS)
    finally:
        for handle in handles:
            handle.remove()
    assert ran == [0, 1]
