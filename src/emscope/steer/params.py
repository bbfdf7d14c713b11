"""Parameter-space paths between models: scale a LoRA adapter by λ, or mix two adapters.

A LoRA module adds ΔW = s·B·A to a base weight (s = lora_alpha/r, or lora_alpha/√r with
rsLoRA; per-module r and alpha where rank_pattern/alpha_pattern say so).

- Scaling by λ multiplies every B by λ: ΔW(λ) = λ·ΔW exactly, with the same config.
  λ = 0 is the base model, λ = 1 the adapter, λ > 1 extrapolates.
- Interpolation must be linear in ΔW: ΔW(t) = (1−t)·ΔW_P + t·ΔW_Q. Interpolating A and B
  separately is not: ((1−t)B_P + tB_Q)((1−t)A_P + tA_Q) has cross terms B_P·A_Q, and its
  endpoints only match when t ∈ {0, 1}. Merging full ΔW matrices is exact but costs d×d per
  module (gigabytes at 7B). Concatenating ranks is exact and stays low-rank:
      A' = [A_P; A_Q],  B' = [(1−t)·s_P·B_P, t·s_Q·B_Q],  s' = 1,
  so s'·B'·A' = (1−t)·s_P·B_P·A_P + t·s_Q·B_Q·A_Q. The result has rank r_P + r_Q, a uniform
  rank R across modules (modules with smaller rank, or missing from one adapter, are
  zero-padded: zero rows and columns add nothing) and lora_alpha = R so that s' = 1.

Adapters with DoRA, biases, modules_to_save or trainable tokens are refused: they are not
(only) low-rank deltas, and mixing them needs other rules.
"""

from __future__ import annotations

import copy
import json
import math
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from emscope.core.errors import InputError
from emscope.core.io import atomic_write_bytes, atomic_write_text

__all__ = ["LoraAdapter", "load_adapter", "scale_adapter", "interpolate_adapters", "attach_adapter",
           "set_adapter_weights", "load_model_with_adapter", "adapter_key"]

_CONFIG, _WEIGHTS = "adapter_config.json", "adapter_model.safetensors"
_PREFIX = "base_model.model."
# (A suffix, B suffix) of peft's LoRA layers: linear/conv, and embedding.
_PAIRS = ((".lora_A.weight", ".lora_B.weight"), (".lora_embedding_A", ".lora_embedding_B"))


@dataclass(frozen=True)
class _Module:
    a_key: str
    b_key: str
    scaling: float


def _pattern_value(patterns: dict[str, Any], module: str, default: Any) -> Any:
    from peft.utils.other import get_pattern_key  # the rule peft itself applies when loading

    return patterns.get(get_pattern_key(list(patterns), module), default) if patterns else default


@dataclass
class LoraAdapter:
    """A LoRA adapter as peft saves it: its config (a dict) and its tensors."""

    config: dict[str, Any]
    weights: dict[str, Any]
    source: str = ""

    def modules(self) -> dict[str, _Module]:
        """Module name (as peft names it, e.g. model.layers.0.self_attn.q_proj) -> its A, B keys and scaling."""
        out: dict[str, _Module] = {}
        claimed: set[str] = set()
        for key in self.weights:
            for a_suffix, b_suffix in _PAIRS:
                if key.endswith(a_suffix):
                    name = key[: -len(a_suffix)]
                    b_key = name + b_suffix
                    if b_key not in self.weights:
                        raise InputError(f"{self.source}: {key} has no matching {b_key}")
                    out[name.removeprefix(_PREFIX)] = _Module(key, b_key, self._scaling(name.removeprefix(_PREFIX), key))
                    claimed.update((key, b_key))
        other = sorted(set(self.weights) - claimed)
        if other:
            raise InputError(f"{self.source}: tensors that are not LoRA A/B pairs ({', '.join(other[:3])}"
                             f"{', ...' if len(other) > 3 else ''}); only plain LoRA adapters can be scaled or mixed")
        return out

    def _scaling(self, module: str, a_key: str) -> float:
        c = self.config
        rank = int(self.weights[a_key].shape[0])  # the tensor's own rank is the truth
        alpha = float(_pattern_value(c.get("alpha_pattern") or {}, module, c.get("lora_alpha", 8)))
        return alpha / math.sqrt(rank) if c.get("use_rslora") else alpha / rank

    def delta(self, module: str) -> Any:
        """ΔW = s·B·A of one linear module, float32 (for checks; conv/embedding layouts differ)."""
        m = self.modules()[module]
        return m.scaling * (self.weights[m.b_key].float() @ self.weights[m.a_key].float())

    def save(self, folder: str | Path) -> Path:
        """Write adapter_config.json and adapter_model.safetensors (loadable by peft)."""
        from safetensors.torch import save

        folder = Path(folder)
        atomic_write_text(folder / _CONFIG, json.dumps(self.config, indent=2, sort_keys=True) + "\n")
        atomic_write_bytes(folder / _WEIGHTS, save({k: v.contiguous() for k, v in self.weights.items()},
                                                   metadata={"format": "pt"}))
        return folder


def _check_plain(config: dict[str, Any], source: str) -> None:
    problems = [f"{k}={config.get(k)!r}" for k, bad in (
        ("peft_type", lambda v: v not in (None, "LORA")), ("use_dora", bool), ("modules_to_save", bool),
        ("bias", lambda v: v not in (None, "none")), ("lora_bias", bool), ("trainable_token_indices", bool),
        ("target_parameters", bool), ("layer_replication", bool),
    ) if bad(config.get(k))]
    if problems:
        raise InputError(f"{source}: only plain LoRA adapters can be scaled or mixed; this one has {', '.join(problems)}")


def load_adapter(folder: str | Path) -> LoraAdapter:
    """Read a peft LoRA adapter folder (adapter_config.json + adapter_model.safetensors)."""
    from safetensors.torch import load_file

    folder = Path(folder)
    if not (folder / _CONFIG).exists() or not (folder / _WEIGHTS).exists():
        raise InputError(f"{folder}: not a LoRA adapter folder (needs {_CONFIG} and {_WEIGHTS})")
    config = json.loads((folder / _CONFIG).read_text())
    _check_plain(config, str(folder))
    adapter = LoraAdapter(config, load_file(str(folder / _WEIGHTS)), str(folder))
    adapter.modules()  # validate the tensors now, with the folder in the message
    return adapter


def scale_adapter(adapter: LoraAdapter, lam: float) -> LoraAdapter:
    """The adapter with ΔW scaled by `lam` (every B multiplied by it; the config unchanged)."""
    weights = dict(adapter.weights)
    for m in adapter.modules().values():
        weights[m.b_key] = adapter.weights[m.b_key] * lam
    return LoraAdapter(copy.deepcopy(adapter.config), weights, f"{adapter.source}*{lam:g}")


def _padded(t: Any, rank: int, dim: int) -> Any:
    import torch

    missing = rank - t.shape[dim]
    if missing == 0:
        return t
    shape = list(t.shape)
    shape[dim] = missing
    return torch.cat([t, t.new_zeros(shape)], dim=dim)


def interpolate_adapters(p: LoraAdapter, q: LoraAdapter, t: float) -> LoraAdapter:
    """An adapter with ΔW = (1−t)·ΔW_p + t·ΔW_q in every module (rank concatenation; see module doc)."""
    import torch

    bp, bq = p.config.get("base_model_name_or_path"), q.config.get("base_model_name_or_path")
    if bp and bq and bp != bq:
        raise InputError(f"the adapters were trained on different base models ({bp} vs {bq}); they cannot be mixed")
    mp, mq = p.modules(), q.modules()
    names = sorted(set(mp) | set(mq))
    parts: dict[str, list[tuple[Any, Any]]] = {}
    for name in names:
        pieces = []
        for adapter, mods, weight in ((p, mp, 1.0 - t), (q, mq, t)):
            if name in mods:
                m = mods[name]
                pieces.append((adapter.weights[m.a_key], adapter.weights[m.b_key] * (weight * m.scaling)))
        parts[name] = pieces
    rank = max(sum(a.shape[0] for a, _ in pieces) for pieces in parts.values())
    weights = {}
    for name, pieces in parts.items():
        m = mp.get(name) or mq[name]
        weights[m.a_key] = _padded(torch.cat([a for a, _ in pieces], dim=0), rank, 0)
        weights[m.b_key] = _padded(torch.cat([b for _, b in pieces], dim=1), rank, 1)
    config = copy.deepcopy(p.config)
    config.update(r=rank, lora_alpha=rank, use_rslora=False, rank_pattern={}, alpha_pattern={},
                  target_modules=names, layers_to_transform=None, layers_pattern=None)
    return LoraAdapter(config, weights, f"({1 - t:g}*{p.source} + {t:g}*{q.source})")


def attach_adapter(model: Any, adapter: LoraAdapter) -> Any:
    """Wrap `model` in a PeftModel holding `adapter` (the model is modified in place; `.unload()` undoes it)."""
    from peft import PeftModel

    with tempfile.TemporaryDirectory() as tmp:
        adapter.save(tmp)
        return PeftModel.from_pretrained(model, tmp, is_trainable=False)


def set_adapter_weights(peft_model: Any, adapter: LoraAdapter) -> None:
    """Load another adapter's tensors into an attached adapter of the same shapes (fast path for sweeps)."""
    from peft import set_peft_model_state_dict

    try:
        result = set_peft_model_state_dict(peft_model, adapter.weights)
    except RuntimeError as exc:  # torch's size-mismatch report
        raise InputError(f"adapter tensors do not fit the attached adapter: {str(exc).splitlines()[-1].strip()}") from exc
    unexpected = list(getattr(result, "unexpected_keys", []) or [])
    missing = [k for k in getattr(result, "missing_keys", []) or [] if "lora_" in k]
    if unexpected or missing:
        raise InputError(f"adapter tensors do not fit the attached adapter: unexpected={unexpected[:3]} missing={missing[:3]}")


def load_model_with_adapter(model: str, adapter: str | Path | None = None, verify: bool = True) -> tuple[Any, Any]:
    """`load_causal_lm(model)`, with a LoRA adapter folder attached when given (eval mode).

    The adapter must change the model (`models.adapters`), unless `verify` is False: only for
    adapters built on purpose to do nothing, such as the λ = 0 end of a scaling path.
    """
    from emscope.models import load_causal_lm

    base, tokenizer = load_causal_lm(model)
    if adapter is None:
        return base, tokenizer
    from peft import PeftModel

    from emscope.models.adapters import load_adapter

    if verify:
        wrapped = load_adapter(base, adapter, "--adapter", tokenizer)
    else:
        wrapped = PeftModel.from_pretrained(base, str(adapter), is_trainable=False)
    wrapped.eval()
    return wrapped, tokenizer


def adapter_key(folder: str | Path) -> str:
    """Content key of an adapter folder (config + weights bytes), for caches."""
    from emscope.core.keys import content_key, sha256_file

    folder = Path(folder)
    return content_key({"config": json.loads((folder / _CONFIG).read_text()),
                        "weights": sha256_file(str(folder / _WEIGHTS))})
