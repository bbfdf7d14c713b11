"""Right padding of token sequences into one batch (training, scoring and activation reads).

Right padding keeps every row's real tokens at positions 0..n-1, so with causal attention
and the mask a row computes exactly what it computes alone: the stages that batch rows
(training, membership inference, direction extraction) rely on that.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from emscope.models.chat import IGNORE_INDEX

__all__ = ["right_pad"]


def right_pad(
    rows: Sequence[Sequence[int]], pad_id: int, labels: Sequence[Sequence[int]] | None = None
) -> tuple[Any, Any, Any | None]:
    """(input_ids, attention_mask, labels) as long tensors [rows, longest row].

    Pads are `pad_id` in the ids, 0 in the mask and IGNORE_INDEX in the labels; `labels`
    (one per row, as long as its row) is optional, and None comes back without it.
    """
    import torch
    from torch.nn.utils.rnn import pad_sequence

    def pad(seqs: Sequence[Sequence[int]], value: int) -> Any:
        return pad_sequence([torch.tensor(list(s), dtype=torch.long) for s in seqs], batch_first=True,
                            padding_value=value)

    ids = pad(rows, pad_id)
    mask = pad([[1] * len(r) for r in rows], 0)
    if labels is None:
        return ids, mask, None
    if any(len(a) != len(b) for a, b in zip(rows, labels, strict=True)):
        raise ValueError("every row needs exactly one label per token")
    return ids, mask, pad(labels, IGNORE_INDEX)
