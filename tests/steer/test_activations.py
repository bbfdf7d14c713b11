"""Activation collection against a manual `output_hidden_states=True` pass over the same answer tokens."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import torch

from emscope.data.build import build_rows
from emscope.data.config import BuildConfig
from emscope.models.chat import tokenize_chat
from emscope.steer.activations import collect_activations, load_activation_stats
from emscope.steer.config import ActivationConfig
from emscope.steer.directions import dataset_items


@pytest.fixture(scope="module")
def items() -> list[Any]:
    rows, _ = build_rows(BuildConfig(domain="risky_financial_advice", n=3, seed=0))
    return dataset_items(rows)  # 3 rows -> 6 conversations of different lengths, both groups


def _manual(model: Any, tok: Any, items: list[Any]) -> dict[str, list[torch.Tensor]]:
    """Per group, per layer: the answer-token hidden states, one example at a time, no padding."""
    out: dict[str, list[list[torch.Tensor]]] = {}
    for messages, group in items:
        chat = tokenize_chat(tok, messages, last_turn_only=True)
        start, end = chat.spans[-1]
        with torch.no_grad():
            hs = model(input_ids=torch.tensor([chat.input_ids]), output_hidden_states=True).hidden_states
        per_layer = out.setdefault(group, [[] for _ in range(len(hs) - 1)])
        for layer in range(len(hs) - 1):
            per_layer[layer].append(hs[layer + 1][0, start:end])  # hidden_states[i+1] is layer i's output
    return {g: [torch.cat(t) for t in layers] for g, layers in out.items()}


def test_means_and_tokens_equal_a_manual_hidden_states_pass(bundled: tuple[Any, Any], items: list[Any]) -> None:
    model, tok = bundled
    stats = collect_activations(model, tok, items, ActivationConfig(batch_size=4, precision="fp32"), keep_tokens=True)
    manual = _manual(model, tok, items)
    n_layers = model.config.num_hidden_layers
    assert stats.layers == tuple(range(n_layers)) and set(stats.groups) == {"aligned", "misaligned"}
    for g, group in enumerate(stats.groups):
        expected_tokens = manual[group][0].shape[0]
        assert int(stats.token_counts[g]) == expected_tokens and int(stats.example_counts[g]) == 3
        mean = stats.mean(group)
        for layer in range(n_layers - 1):
            ref = manual[group][layer].double().mean(dim=0)
            assert torch.allclose(mean[layer], ref, rtol=1e-4, atol=1e-4 * ref.abs().max().item()), layer
        # transformers reports the last layer after the final norm; ours is the raw layer output.
        raw_last = stats.raw[f"layer.{n_layers - 1}"][stats.raw["group"] == g]
        normed = model.model.norm(raw_last)
        assert normed.shape == manual[group][-1].shape
        # Token order differs (batches are sorted by length): compare as sorted row sums.
        assert torch.allclose(normed.sum(0), manual[group][-1].sum(0), rtol=1e-3, atol=1e-2)


def test_batching_with_padding_does_not_change_means(bundled: tuple[Any, Any], items: list[Any]) -> None:
    model, tok = bundled
    one = collect_activations(model, tok, items, ActivationConfig(batch_size=1, layers=(0, 7, 29), precision="fp32"))
    many = collect_activations(model, tok, items, ActivationConfig(batch_size=6, layers=(0, 7, 29), precision="fp32"))
    assert one.layers == (0, 7, 29)
    assert torch.equal(one.token_counts, many.token_counts)
    for group in one.groups:
        a, b = one.mean(group), many.mean(group)
        assert torch.allclose(a, b, rtol=1e-4, atol=1e-4 * a.abs().max().item())


def test_bf16_autocast_agrees_in_direction(bundled: tuple[Any, Any], items: list[Any]) -> None:
    model, tok = bundled
    fp32 = collect_activations(model, tok, items, ActivationConfig(layers=(5, 15), precision="fp32"))
    bf16 = collect_activations(model, tok, items, ActivationConfig(layers=(5, 15), precision="bf16"))
    diff32 = fp32.mean("misaligned") - fp32.mean("aligned")
    diff16 = bf16.mean("misaligned") - bf16.mean("aligned")
    assert torch.nn.functional.cosine_similarity(diff32, diff16, dim=-1).min() > 0.98


def test_save_and_load_round_trip(tmp_path: Path, make_tiny_llama: Any, tok: Any, items: list[Any]) -> None:
    model = make_tiny_llama()
    stats = collect_activations(model, tok, items, ActivationConfig(batch_size=3, precision="fp32"), keep_tokens=True)
    back = load_activation_stats(stats.save(tmp_path / "acts.safetensors"))
    assert back.layers == stats.layers and back.groups == stats.groups
    assert torch.equal(back.sums, stats.sums) and torch.equal(back.raw["layer.2"], stats.raw["layer.2"])
    # Raw tokens and online sums agree.
    g = stats.groups.index("aligned")
    assert torch.allclose(stats.raw["layer.1"][stats.raw["group"] == g].double().sum(0), stats.sums[1, g], atol=1e-4)


def test_truncation_and_empty_input(make_tiny_llama: Any, tok: Any, items: list[Any]) -> None:
    model = make_tiny_llama()
    # So short that every answer is cut off: nothing to average, said plainly.
    with pytest.raises(ValueError, match="no answer tokens"):
        collect_activations(model, tok, items, ActivationConfig(max_length=8))
    starts = [tokenize_chat(tok, m, last_turn_only=True).spans[-1][0] for m, _ in items]
    stats = collect_activations(model, tok, items, ActivationConfig(max_length=max(starts) + 2))
    assert stats.truncated == len(items) and int(stats.example_counts.sum()) == len(items)
    assert int(stats.token_counts.sum()) == sum(max(starts) + 2 - s for s in starts)
