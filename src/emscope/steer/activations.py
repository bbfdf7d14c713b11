"""Residual-stream activations over answer tokens, batched, averaged online in float64.

One forward pass per batch with a hook on every requested decoder layer; the hooks pick
out the answer tokens (the spans `tokenize_chat` labels: the assistant's last turn and its
end-of-turn token, never the prompt or padding) and add them into per-group float64 sums.
Memory therefore does not grow with the dataset, unless raw activations are asked for.

Why it is fast (see benchmarks/steer_throughput.py): conversations of similar length are
batched together (sorted by length, right padding, so positions match the unpadded
sequence), the forward pass stops after the last hooked layer (no vocabulary head), and
no other layer's hidden states are kept.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from emscope.core.io import atomic_write_bytes
from emscope.models.chat import tokenize_chat
from emscope.models.padding import right_pad
from emscope.models.precision import autocast
from emscope.steer.config import ActivationConfig
from emscope.steer.hooks import find_decoder_layers, layer_output_hooks, run_until

__all__ = ["ChatItem", "ActivationStats", "collect_activations", "load_activation_stats", "model_device"]

# A conversation (messages ending in the assistant answer) and the group it belongs to.
ChatItem = tuple[Sequence[dict[str, str]], str]


@dataclass
class ActivationStats:
    """Per-layer, per-group sums of answer-token activations (float64) and token counts."""

    layers: tuple[int, ...]
    groups: tuple[str, ...]
    sums: Any  # torch.float64 [len(layers), len(groups), hidden]
    token_counts: Any  # torch.int64 [len(groups)]
    example_counts: Any  # torch.int64 [len(groups)]
    truncated: int = 0
    raw: dict[str, Any] = field(default_factory=dict)  # layer.{l}: [tokens, hidden]; group, example: [tokens]

    def mean(self, group: str) -> Any:
        """Mean activation of `group`'s answer tokens per layer: float64 [len(layers), hidden]."""
        g = self.groups.index(group)
        count = int(self.token_counts[g])
        if count == 0:
            raise ValueError(f"group '{group}' has no answer tokens")
        return self.sums[:, g, :] / count

    def save(self, path: str | Path) -> Path:
        """Write sums, counts (and raw activations if kept) as one safetensors file."""
        from safetensors.torch import save

        tensors = {"sums": self.sums.contiguous(), "token_counts": self.token_counts,
                   "example_counts": self.example_counts, **{k: v.contiguous() for k, v in self.raw.items()}}
        meta = {"layers": json.dumps(list(self.layers)), "groups": json.dumps(list(self.groups)),
                "truncated": str(self.truncated), "format": "emscope.activations/1"}
        return atomic_write_bytes(path, save(tensors, metadata=meta))


def load_activation_stats(path: str | Path) -> ActivationStats:
    """Read what `ActivationStats.save` wrote."""
    from safetensors import safe_open

    with safe_open(str(path), framework="pt") as fh:
        meta = fh.metadata() or {}
        tensors = {k: fh.get_tensor(k) for k in fh.keys()}
    raw = {k: v for k, v in tensors.items() if k.startswith("layer.") or k in ("group", "example")}
    return ActivationStats(tuple(json.loads(meta["layers"])), tuple(json.loads(meta["groups"])),
                           tensors["sums"], tensors["token_counts"], tensors["example_counts"],
                           int(meta.get("truncated", 0)), raw)


def model_device(model: Any) -> Any:
    """The device of the model's first parameter."""
    return next(model.parameters()).device


def _autocast_for(precision: str, device: Any) -> Any:
    enabled = None if precision == "auto" else precision == "bf16"
    return autocast(str(device.type), enabled=enabled)


@dataclass
class _Batch:
    input_ids: Any
    attention_mask: Any
    flat_index: Any  # positions of answer tokens in the flattened [batch * seq] grid
    token_group: Any  # group index per answer token
    token_example: Any  # item index per answer token
    examples_per_group: list[int]


def _make_batch(encoded: list[tuple[int, list[int], tuple[int, int], int]], pad_id: int, n_groups: int) -> _Batch:
    import torch

    input_ids, mask, _ = right_pad([ids for _, ids, _, _ in encoded], pad_id)
    width = input_ids.shape[1]
    flat, groups, examples = [], [], []
    per_group = [0] * n_groups
    for row, (item, _ids, (start, end), group) in enumerate(encoded):
        flat.extend(range(row * width + start, row * width + end))
        groups.extend([group] * (end - start))
        examples.extend([item] * (end - start))
        per_group[group] += 1
    return _Batch(input_ids, mask, torch.tensor(flat, dtype=torch.long), torch.tensor(groups, dtype=torch.long),
                  torch.tensor(examples, dtype=torch.long), per_group)


def _encode(tokenizer: Any, items: Sequence[ChatItem], groups: tuple[str, ...],
            max_length: int) -> tuple[list[tuple[int, list[int], tuple[int, int], int]], int]:
    encoded, truncated = [], 0
    for i, (messages, group) in enumerate(items):
        chat = tokenize_chat(tokenizer, messages, max_length=max_length, last_turn_only=True)
        truncated += chat.truncated
        if not chat.spans or chat.spans[-1][0] >= chat.spans[-1][1]:
            continue  # the answer was truncated away entirely: nothing to average
        encoded.append((i, chat.input_ids, chat.spans[-1], groups.index(group)))
    # Similar lengths share a batch, so padding stays small; the order only changes float64 rounding.
    encoded.sort(key=lambda e: len(e[1]))
    return encoded, truncated


def collect_activations(
    model: Any,
    tokenizer: Any,
    items: Sequence[ChatItem],
    config: ActivationConfig | None = None,
    keep_tokens: bool = False,
    on_batch: Callable[[int], None] | None = None,
) -> ActivationStats:
    """Sum the residual-stream output of each layer over the answer tokens of `items`, per group.

    `items` are (messages, group) pairs whose last message is the assistant answer. With
    `keep_tokens`, every answer token's activation is also kept (float32) in `raw`.
    `on_batch(n)` is called after each batch with the number of conversations done.
    """
    import torch

    config = config or ActivationConfig()
    n_layers = len(find_decoder_layers(model))
    layers = tuple(sorted(config.layers)) if config.layers is not None else tuple(range(n_layers))
    groups = tuple(dict.fromkeys(group for _, group in items))
    encoded, truncated = _encode(tokenizer, items, groups, config.max_length)
    device = model_device(model)
    token_counts = torch.zeros(len(groups), dtype=torch.long)
    example_counts = torch.zeros(len(groups), dtype=torch.long)
    raw: dict[str, list[Any]] = {f"layer.{l}": [] for l in layers} if keep_tokens else {}
    state: dict[str, Any] = {"sums": None}

    def make_hook(slot: int, layer: int) -> Callable[[Any], None]:
        def hook(h: Any) -> None:
            if state["sums"] is None:  # the hidden size is read off the tensor: no config name needed
                state["sums"] = torch.zeros((len(layers), len(groups), h.shape[-1]), dtype=torch.float64, device=h.device)
            picked = h.reshape(-1, h.shape[-1]).index_select(0, state["flat"]).to(torch.float64)
            state["sums"][slot].index_add_(0, state["group"], picked)
            if keep_tokens:
                raw[f"layer.{layer}"].append(picked.to(torch.float32).cpu())
        return hook

    pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
    groups_seen: list[Any] = []
    examples_seen: list[Any] = []
    with torch.inference_mode(), layer_output_hooks(model, {l: make_hook(i, l) for i, l in enumerate(layers)}):
        for start in range(0, len(encoded), config.batch_size):
            batch = _make_batch(encoded[start : start + config.batch_size], pad_id, len(groups))
            state.update(flat=batch.flat_index.to(device), group=batch.token_group.to(device))
            with _autocast_for(config.precision, device):
                run_until(model, layers[-1], input_ids=batch.input_ids.to(device),
                          attention_mask=batch.attention_mask.to(device), use_cache=False)
            token_counts += torch.bincount(batch.token_group, minlength=len(groups))
            example_counts += torch.tensor(batch.examples_per_group)
            groups_seen.append(batch.token_group)
            examples_seen.append(batch.token_example)
            if on_batch:
                on_batch(min(start + config.batch_size, len(encoded)))
    sums = state["sums"]
    if sums is None:
        raise ValueError("no answer tokens to collect: every item was empty or truncated away")
    raw_out = {k: torch.cat(v) for k, v in raw.items()}
    if keep_tokens:
        raw_out.update(group=torch.cat(groups_seen), example=torch.cat(examples_seen))
    return ActivationStats(layers, groups, sums.cpu(), token_counts, example_counts, truncated, raw_out)
