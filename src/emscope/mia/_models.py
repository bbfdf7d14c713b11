"""Load the target and reference models once, sharing weights where the reference is the target's base.

Reference modes:
- none: no reference given;
- identical: the reference is the target itself (same model, same adapter): its scores are the
  target's, adj_* are exactly 0, and no second pass runs;
- disabled_adapter: the reference is the target's own base model without its adapter: one copy
  of the weights, scored a second time inside peft's `disable_adapter()`;
- separate: any other reference, loaded as a second model (tokenizers must match: reference.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from emscope.mia.config import MiaConfig
from emscope.mia.metrics import TokenScores
from emscope.mia.reference import check_same_tokenizer
from emscope.mia.score import Scorer
from emscope.models.chat import TokenizedChat
from emscope.models.loading import load_causal_lm, load_tokenizer
from emscope.models.precision import fast_bf16

__all__ = ["resolve_device", "resolve_precision", "resolve_batch_tokens", "load_scoring_model", "ScoringModels", "load_models"]


def resolve_device(device: str | None) -> str:
    """The configured device, else cuda when available, else cpu."""
    if device:
        return device
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def resolve_precision(config: MiaConfig, device: str) -> str:
    """'bf16' or 'fp32': `auto` means bf16 where the hardware runs it fast."""
    if config.precision == "auto":
        return "bf16" if fast_bf16(device) else "fp32"
    return config.precision


def resolve_batch_tokens(config: MiaConfig, device: str) -> int:
    """The configured budget, else 1024 on CPU (bigger batches spill the caches: measured slower
    with one thread and no faster with two) and 16384 on CUDA (the GPU needs wide batches)."""
    if config.batch_tokens is not None:
        return config.batch_tokens
    return 16384 if device.startswith("cuda") else 1024


def load_scoring_model(name: str, adapter: str | None, device: str, precision: str) -> tuple[Any, Any]:
    """A causal LM (with its LoRA adapter applied, if any) in eval mode, and its tokenizer.

    On CUDA bf16 weights are loaded directly; on CPU the weights stay float32 and the body runs
    under bf16 autocast (what the CPU fast path measured best with), the head in float32.
    """
    import torch

    dtype = torch.bfloat16 if precision == "bf16" and device.startswith("cuda") else torch.float32
    model, tokenizer = load_causal_lm(name, dtype=dtype, device=device)
    if adapter is not None:
        from emscope.models.adapters import load_adapter

        model = load_adapter(model, adapter, "--adapter", tokenizer).to(device)
    return model, tokenizer


@dataclass
class ScoringModels:
    """The target scorer, and how the reference is scored."""

    tokenizer: Any
    target: Scorer
    reference: Scorer | None
    reference_mode: str
    precision: str
    load_s: float
    notes: list[str] = field(default_factory=list)
    _last_target: list[TokenScores] = field(default_factory=list, repr=False)

    def score(self, chats: Sequence[TokenizedChat], which: str, batch_tokens: int, max_rows: int,
              on_batch: Callable[[int], None] | None = None) -> list[TokenScores]:
        """TokenScores of `chats` under the target or the reference."""
        if which == "target" or self.reference_mode == "identical":
            if which == "reference":
                return self._last_target  # the reference *is* the target: reuse, don't recompute
            self._last_target = self.target.score(chats, batch_tokens, max_rows, on_batch)
            return self._last_target
        if self.reference_mode == "disabled_adapter":
            with self.target.model.disable_adapter():
                return self.target.score(chats, batch_tokens, max_rows, on_batch)
        assert self.reference is not None
        return self.reference.score(chats, batch_tokens, max_rows, on_batch)


def _mode(config: MiaConfig) -> str:
    if config.reference is None:
        return "none"
    if config.reference == config.model and config.reference_adapter == config.adapter:
        return "identical"
    if config.reference == config.model and config.reference_adapter is None:
        return "disabled_adapter"
    return "separate"


def load_models(config: MiaConfig, device: str) -> ScoringModels:
    """Load what `config` asks for; refuse a reference whose tokenizer differs from the target's."""
    precision = resolve_precision(config, device)
    mode = _mode(config)
    notes: list[str] = []
    started = time.perf_counter()
    if mode == "separate":
        # Check tokenizers before loading any weights: a mismatch fails in seconds, not minutes.
        notes += check_same_tokenizer(load_tokenizer(config.model), load_tokenizer(config.reference or ""),
                                      config.model, config.reference or "")
    model, tokenizer = load_scoring_model(config.model, config.adapter, device, precision)
    bf16 = precision == "bf16"
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
    target = Scorer(model, device=device, bf16=bf16, pad_id=pad)
    reference = None
    if mode == "separate":
        ref_model, _ = load_scoring_model(config.reference or "", config.reference_adapter, device, precision)
        reference = Scorer(ref_model, device=device, bf16=bf16, pad_id=pad)
    elif mode == "identical":
        notes.append("the reference is the target itself: ref_* equal the target's scores and adj_* are 0")
    if not target.gather_head:
        notes.append("the model's head is not a plain linear map: scored with full logits (slower)")
    return ScoringModels(tokenizer, target, reference, mode, precision, time.perf_counter() - started, notes)
