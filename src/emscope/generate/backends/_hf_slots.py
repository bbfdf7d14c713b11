"""A slot KV cache and a decode attention for continuous batching on transformers models.

Why not transformers' DynamicCache + SDPA: profiling one decode step of the bundled model on
CPU (batch 64, 100 cached tokens) showed 41% of the time in `torch.cat` (DynamicCache grows
by concatenation, copying the whole cache every step) and 37% in SDPA's CPU flash kernel for
a single query; the matmuls that do the work were 17%.

Here every sequence owns a *slot* (a row of preallocated buffers [slots, kv_heads, columns,
head_dim]); all slots write the new token at the same column, so one step writes in place.
Buffers grow 32 columns at a time (amortised copies) and the attention reads the whole
buffer, which stays contiguous: a strided view of it makes matmul copy it anyway. A boolean
`valid` matrix [slots, columns] says which columns each slot attends to, so a finished slot
can be refilled with a new prompt at any time (the prompt's keys are copied in, right-aligned
to the current column). Rotary embeddings are applied before keys are cached and position
ids are passed per slot, so a key's column does not need to match its position.

Buffers are zero-initialised and every slot always attends at least to its current column,
so no softmax row is empty and no NaN can reach a value that is multiplied by zero weight.
"""

from __future__ import annotations

from typing import Any

import torch
from transformers import AttentionInterface, AttentionMaskInterface
from transformers.cache_utils import Cache, DynamicLayer
from transformers.integrations.sdpa_attention import sdpa_attention_forward
from transformers.masking_utils import ALL_MASK_ATTENTION_FUNCTIONS

__all__ = ["ATTENTION_NAME", "SlotCache", "register_attention", "prefill_mask"]

ATTENTION_NAME = "emscope_slots"
_GROW = 32  # columns added (and rounded to) when a buffer grows


def _slot_attention(
    module: torch.nn.Module, query: torch.Tensor, key: torch.Tensor, value: torch.Tensor,
    attention_mask: torch.Tensor | None, dropout: float = 0.0, scaling: float | None = None, **kwargs: Any,
) -> tuple[torch.Tensor, None]:
    """SDPA for prompts; for one new token, grouped-query attention as two batched matmuls."""
    if query.shape[2] != 1:
        return sdpa_attention_forward(module, query, key, value, attention_mask, dropout=dropout,
                                      scaling=scaling, **kwargs)
    for unsupported in ("softcap", "s_aux", "sliding_window"):
        if kwargs.get(unsupported) is not None:
            raise RuntimeError(f"the slots engine does not support attention with {unsupported}; "
                               "use --hf-engine stock")
    batch, heads, _, dim = query.shape
    kv_heads, length = key.shape[1], key.shape[2]
    # Query head h reads key/value head h // groups (as transformers' repeat_kv lays them out),
    # so grouping the query heads avoids materialising repeated keys.
    q = query.reshape(batch, kv_heads, heads // kv_heads, dim)
    scores = torch.matmul(q, key.transpose(-1, -2)).float()
    scores.mul_(scaling if scaling is not None else dim**-0.5)
    if attention_mask is not None:
        mask = attention_mask.reshape(attention_mask.shape[0], 1, 1, length)
        if mask.dtype == torch.bool:
            scores.masked_fill_(~mask, float("-inf"))
        else:
            scores.add_(mask.float())
    probs = torch.softmax(scores, dim=-1).to(value.dtype)
    out = torch.matmul(probs, value)  # [batch, kv_heads, groups, dim]
    return out.reshape(batch, heads, 1, dim).transpose(1, 2), None


def register_attention() -> None:
    """Make `attn_implementation="emscope_slots"` available (idempotent)."""
    AttentionInterface.register(ATTENTION_NAME, _slot_attention)
    # Prompts go through SDPA, so they take SDPA's mask format (we pass 4D masks anyway).
    AttentionMaskInterface.register(ATTENTION_NAME, ALL_MASK_ATTENTION_FUNCTIONS["sdpa"])


def prefill_mask(attention_mask: torch.Tensor) -> torch.Tensor:
    """A 4D boolean mask [b, 1, p, p] for left-padded prompts: causal, padding hidden.

    Padding queries attend to themselves, so their (unused) keys and values stay finite.
    """
    length = attention_mask.shape[1]
    device = attention_mask.device
    causal = torch.ones(length, length, dtype=torch.bool, device=device).tril_()
    mask = causal.unsqueeze(0) & attention_mask.bool().unsqueeze(1)
    mask |= torch.eye(length, dtype=torch.bool, device=device).unsqueeze(0)
    return mask.unsqueeze(1)


class _SlotLayer(DynamicLayer):
    """One layer's slot buffers; writes the step's keys at the owner's current column."""

    def __init__(self, owner: SlotCache) -> None:
        super().__init__()
        self.owner = owner
        self.is_initialized = True

    def update(self, key_states: torch.Tensor, value_states: torch.Tensor, *args: Any,
               **kwargs: Any) -> tuple[torch.Tensor, torch.Tensor]:
        col = self.owner.n
        self.keys[:, :, col:col + key_states.shape[-2]] = key_states
        self.values[:, :, col:col + value_states.shape[-2]] = value_states
        return self.keys, self.values

    def get_seq_length(self) -> int:
        return self.owner.n

    def get_mask_sizes(self, query_length: int) -> tuple[int, int]:
        return self.owner.capacity, 0


class SlotCache(Cache):
    """Preallocated per-slot KV buffers shared by all layers' column bookkeeping.

    `n` is the number of columns in use (the next token is written at column n);
    `capacity` the buffers' width; `valid[s, c]` whether slot s attends to column c.
    """

    def __init__(self, num_layers: int, slots: int, device: torch.device) -> None:
        super().__init__(layers=[_SlotLayer(self) for _ in range(num_layers)])
        self.slots = slots
        self.n = 0
        self.capacity = 0
        self.valid = torch.zeros(slots, 0, dtype=torch.bool, device=device)

    def _allocate_like(self, prefill: Cache) -> None:
        for layer, source in zip(self.layers, prefill.layers, strict=True):
            shape = (self.slots, source.keys.shape[1], 0, source.keys.shape[3])
            layer.keys = source.keys.new_zeros(shape)
            layer.values = source.values.new_zeros(shape)

    def relayout(self, keep_from: int, new_n: int) -> int:
        """Keep columns [keep_from, n), right-aligned to end at `new_n`; return the column shift.

        Used to drop columns no live slot attends to, and to make room on the left for a
        prompt longer than `n`. The new width leaves `_GROW` spare columns.
        """
        kept = self.n - keep_from
        assert 0 <= kept <= new_n, (keep_from, new_n, self.n)
        capacity = -(-(new_n + _GROW) // _GROW) * _GROW
        dst = new_n - kept
        for layer in self.layers:
            for name in ("keys", "values"):
                old = getattr(layer, name)
                new = old.new_zeros(old.shape[0], old.shape[1], capacity, old.shape[3])
                new[:, :, dst:new_n] = old[:, :, keep_from:self.n]
                setattr(layer, name, new)
        valid = self.valid.new_zeros(self.slots, capacity)
        valid[:, dst:new_n] = self.valid[:, keep_from:self.n]
        self.valid, self.n, self.capacity = valid, new_n, capacity
        return dst - keep_from

    def admit(self, slots: torch.Tensor, rows: torch.Tensor, prefill: Cache, prompt_mask: torch.Tensor,
              keep_from: int) -> int:
        """Copy prompt keys/values (row `rows[i]` of `prefill`) into slot `slots[i]`, ending at column n.

        `keep_from` is the first column a live slot still needs. Returns the column shift
        applied to existing slots (0 when nothing moved).
        """
        if self.layers[0].keys is None:
            self._allocate_like(prefill)
        length = prompt_mask.shape[1]
        shift = 0
        if self.n < length:
            shift = self.relayout(keep_from, max(length, self.n - keep_from))
        lo, hi = self.n - length, self.n
        for layer, source in zip(self.layers, prefill.layers, strict=True):
            layer.keys[slots, :, lo:hi] = source.keys.index_select(0, rows)
            layer.values[slots, :, lo:hi] = source.values.index_select(0, rows)
        self.valid[slots] = False
        self.valid[slots, lo:hi] = prompt_mask.bool().index_select(0, rows)
        return shift

    def select(self, keep: torch.Tensor) -> None:
        """Keep only these slots, renumbered 0..len(keep)-1 (shrinks the batch when few are left)."""
        for layer in self.layers:
            layer.keys = layer.keys.index_select(0, keep)
            layer.values = layer.values.index_select(0, keep)
        self.valid = self.valid.index_select(0, keep)
        self.slots = int(keep.shape[0])

    def release(self, slot: int) -> None:
        """Forget a finished slot's columns (it keeps attending to the columns written from now on)."""
        self.valid[slot] = False

    def begin_step(self, keep_from: int) -> tuple[torch.Tensor, int]:
        """Make room for one column; return the step's 4D mask [slots, 1, 1, capacity] and the shift."""
        shift = 0
        if self.n + 1 > self.capacity:
            shift = self.relayout(keep_from, self.n - keep_from)
        self.valid[:, self.n] = True
        return self.valid[:, None, None, :], shift

    def end_step(self) -> None:
        """The step's keys are written: one more column is in use."""
        self.n += 1
