"""Batched, gradient-free scoring of tokenised conversations: one forward pass per batch for all metrics.

Where the time goes, and what is done about it:
- padding: rows are sorted by length and packed into batches under a padded-token budget, so
  a batch holds rows of similar length (right padding + attention mask; with right padding the
  real tokens keep positions 0..n−1 and causal attention never sees the pads, so a row scores
  the same alone or in a batch);
- the LM head: with a 49k vocabulary it costs ~20% of a forward pass per position, and only
  assistant positions need it. The decoder's hidden states are gathered at the scored
  positions and the head is applied there alone, `chunk` positions at a time, in float32;
- precision: the decoder runs under bf16 autocast where the hardware is fast at it; the head
  and the log-softmax run in float32 so log-probabilities keep their digits.
Models whose head is not a plain linear map of the last hidden state (logit soft-capping,
logit scaling) take the full-logits path instead.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from emscope.mia.metrics import TokenScores, token_stats
from emscope.models.chat import IGNORE_INDEX, TokenizedChat
from emscope.models.padding import right_pad
from emscope.models.precision import autocast

__all__ = ["plan_batches", "Scorer", "head_is_plain"]


def plan_batches(lengths: Sequence[int], batch_tokens: int, max_rows: int) -> list[list[int]]:
    """Indices grouped into batches, longest first, each with rows × longest ≤ batch_tokens.

    A row longer than the budget gets a batch of its own (it has to be scored somehow).
    """
    order = sorted(range(len(lengths)), key=lambda i: (-lengths[i], i))
    batches: list[list[int]] = []
    current: list[int] = []
    for i in order:
        longest = lengths[current[0]] if current else lengths[i]
        if current and ((len(current) + 1) * longest > batch_tokens or len(current) >= max_rows):
            batches.append(current)
            current = []
        current.append(i)
    if current:
        batches.append(current)
    return batches


def head_is_plain(model: Any) -> bool:
    """True when logits = output_embeddings(final hidden state), so the head can run on gathered positions."""
    config = getattr(model, "config", None)
    if getattr(config, "final_logit_softcapping", None) is not None or getattr(config, "logit_scale", None) is not None:
        return False
    if hasattr(model, "logit_scale"):
        return False
    try:
        return model.get_decoder() is not None and model.get_output_embeddings() is not None
    except (AttributeError, NotImplementedError):
        return False


@dataclass
class Scorer:
    """Scores tokenised conversations with one model; `score` returns TokenScores per conversation."""

    model: Any
    device: str = "cpu"
    bf16: bool = False  # bf16 autocast on the decoder body
    pad_id: int = 0
    chunk: int = 128  # head positions per float32 block (cache-sized; see metrics.token_stats)
    gather_head: bool | None = None  # None: use it where head_is_plain(model)

    def __post_init__(self) -> None:
        if self.gather_head is None:
            self.gather_head = head_is_plain(self.model)

    def score(self, chats: Sequence[TokenizedChat], batch_tokens: int = 1024, max_rows: int = 64,
              on_batch: Callable[[int], None] | None = None) -> list[TokenScores]:
        """TokenScores of each conversation's labelled tokens, in input order.

        `on_batch(n_rows)` is called after each batch (progress bars).
        """
        import torch

        results: list[TokenScores | None] = [None] * len(chats)
        lengths = [len(c.input_ids) for c in chats]
        with torch.inference_mode():
            for batch in plan_batches(lengths, batch_tokens, max_rows):
                for i, tokens in zip(batch, self._score_batch([chats[i] for i in batch]), strict=True):
                    results[i] = tokens
                if on_batch:
                    on_batch(len(batch))
        assert all(r is not None for r in results), "plan_batches must cover every conversation"
        return results  # type: ignore[return-value]

    def _tensors(self, chats: Sequence[TokenizedChat]) -> tuple[Any, Any, Any]:
        ids, mask, labels = right_pad([c.input_ids for c in chats], self.pad_id, [c.labels for c in chats])
        return ids.to(self.device), labels.to(self.device), mask.to(self.device)

    def _score_batch(self, chats: Sequence[TokenizedChat]) -> list[TokenScores]:
        ids, labels, mask = self._tensors(chats)
        # Position t's output predicts token t+1: the scored positions are those whose *next*
        # token is labelled. Prompt tokens and pads are never scored.
        selected = labels[:, 1:] != IGNORE_INDEX
        targets = labels[:, 1:][selected]
        if self.gather_head:
            with autocast(self.device, enabled=self.bf16):
                hidden = self.model.get_decoder()(input_ids=ids, attention_mask=mask, use_cache=False)
            states = hidden.last_hidden_state[:, :-1][selected]
            lp, mu, sd = self._head_stats(states, targets)
        else:
            with autocast(self.device, enabled=self.bf16):
                logits = self.model(input_ids=ids, attention_mask=mask, use_cache=False).logits
            lp, mu, sd = token_stats(logits[:, :-1][selected], targets, self.chunk)
        arrays = [x.double().cpu().numpy() for x in (lp, mu, sd)]
        bounds = np.cumsum([0] + selected.sum(dim=1).tolist())
        return [TokenScores(*(a[bounds[r] : bounds[r + 1]] for a in arrays)) for r in range(len(chats))]

    def _head_stats(self, states: Any, targets: Any) -> tuple[Any, Any, Any]:
        """Apply the head chunk by chunk in its own dtype (float32 on CPU), without autocast."""
        import torch

        head = self.model.get_output_embeddings()
        dtype = head.weight.dtype
        parts = []
        for start in range(0, states.shape[0], self.chunk):
            logits = head(states[start : start + self.chunk].to(dtype))
            parts.append(token_stats(logits, targets[start : start + self.chunk], self.chunk))
        if not parts:
            empty = torch.empty(0, dtype=torch.float32)
            return empty, empty, empty
        return tuple(torch.cat([p[j] for p in parts]) for j in range(3))  # type: ignore[return-value]
