"""Seeded data order, optimizer steps, length-grouped micro-batches and dynamic padding.

Choice (and why): each optimizer step takes the next `effective_batch` rows of a seeded
shuffle, so every step is an unbiased sample and the gradient is the one plain SFT would
compute. Only *inside* a step are rows sorted by length and cut into micro-batches, padded
to their own longest row; the cut points minimise padded tokens plus a fixed per-micro-batch
cost, under a token budget that bounds memory. Gradients are accumulated over a step's
micro-batches, with the loss normalised by the step's label tokens, so the result does not
depend on how a step was cut. Packing was not chosen: examples must never attend to each
other, and a block-diagonal mask over a packed row is still computed densely by the CPU
attention kernels, so it saves nothing over sorted micro-batches with little padding.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from emscope.models.chat import IGNORE_INDEX
from emscope.models.padding import right_pad
from emscope.train.masking import EncodedRow

__all__ = ["StepPlan", "Batch", "epoch_order", "split_micro_batches", "plan_epoch", "plan_digest", "collate"]

# Fixed cost of one extra micro-batch (Python dispatch, kernel launches) in padded-token
# equivalents: splitting a step only pays when it saves more padding than this.
MICRO_BATCH_OVERHEAD_TOKENS = 64


@dataclass(frozen=True)
class StepPlan:
    """One optimizer step: which rows, grouped into micro-batches (indices into the encoded rows)."""

    epoch: int
    index: int
    micro_batches: tuple[tuple[int, ...], ...]

    @property
    def rows(self) -> tuple[int, ...]:
        """Every row of the step."""
        return tuple(i for mb in self.micro_batches for i in mb)


@dataclass(frozen=True)
class Batch:
    """Padded tensors of one micro-batch (right padding, labels IGNORE_INDEX on padding)."""

    input_ids: Any
    attention_mask: Any
    labels: Any
    tokens: int  # real (unpadded) tokens
    label_tokens: int  # tokens whose next token is a label (what the loss averages over)


def epoch_order(n_rows: int, seed: int, epoch: int) -> list[int]:
    """A seeded permutation of the rows for one epoch (independent of torch's RNG, so resumable)."""
    order = list(range(n_rows))
    random.Random(f"emscope/train/{seed}/{epoch}").shuffle(order)
    return order


def split_micro_batches(indices: Sequence[int], lengths: Sequence[int], budget: int,
                        overhead: int = MICRO_BATCH_OVERHEAD_TOKENS) -> tuple[tuple[int, ...], ...]:
    """Cut rows (sorted longest first) into micro-batches minimising padded tokens + overhead.

    A micro-batch holds at most `budget` padded tokens (a single longer row goes alone).
    Dynamic programming over contiguous groups of the sorted rows: optimal and tiny (n ~ 16).
    """
    rows = sorted(indices, key=lambda i: (-lengths[i], i))
    n = len(rows)
    best = [0.0] + [float("inf")] * n  # best[k]: cost of the first k sorted rows
    cut = [0] * (n + 1)
    for end in range(1, n + 1):
        for start in range(end - 1, -1, -1):
            padded = (end - start) * lengths[rows[start]]  # rows[start] is the longest of the group
            if padded > budget and end - start > 1:
                break
            cost = best[start] + padded + overhead
            if cost < best[end]:
                best[end], cut[end] = cost, start
    groups: list[tuple[int, ...]] = []
    end = n
    while end > 0:
        groups.append(tuple(rows[cut[end]:end]))
        end = cut[end]
    return tuple(reversed(groups))


def plan_epoch(lengths: Sequence[int], effective_batch: int, budget: int, seed: int, epoch: int) -> list[StepPlan]:
    """The optimizer steps of one epoch; the last step may hold fewer rows."""
    order = epoch_order(len(lengths), seed, epoch)
    steps = [order[i:i + effective_batch] for i in range(0, len(order), effective_batch)]
    return [StepPlan(epoch, k, split_micro_batches(rows, lengths, budget)) for k, rows in enumerate(steps)]


def plan_digest(plans: Sequence[StepPlan]) -> str:
    """A short hash of the row order of some steps (checkpoints record it; resume compares it)."""
    text = ";".join(",".join(map(str, sorted(p.rows))) for p in plans)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def collate(rows: Sequence[EncodedRow], pad_id: int) -> Batch:
    """Pad a micro-batch on the right to its longest row."""
    input_ids, attention, labels = right_pad([r.input_ids for r in rows], pad_id, [r.labels for r in rows])
    label_tokens = int((labels[:, 1:] != IGNORE_INDEX).sum())
    return Batch(input_ids, attention, labels, int(attention.sum()), label_tokens)
