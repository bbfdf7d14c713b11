"""Training rows as token ids with labels on assistant tokens only.

Which tokens are the assistant's is decided once, in `emscope.models.chat` (the same mask
membership inference and activation collection use); this module turns a dataset into
immutable encoded rows, counts what the length limit cut, and drops rows left with nothing
to learn.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from emscope.core.errors import InputError
from emscope.models.chat import IGNORE_INDEX, end_of_turn_ids, tokenize_chat

__all__ = ["EncodedRow", "EncodeStats", "encode_row", "encode_rows"]


@dataclass(frozen=True)
class EncodedRow:
    """Token ids of one conversation and its labels (IGNORE_INDEX outside assistant answers)."""

    input_ids: tuple[int, ...]
    labels: tuple[int, ...]
    truncated: bool = False

    @property
    def label_count(self) -> int:
        """Tokens that carry a label."""
        return sum(1 for t in self.labels if t != IGNORE_INDEX)


@dataclass(frozen=True)
class EncodeStats:
    """How a dataset tokenised: totals, and rows cut or dropped by the length limit."""

    rows: int
    tokens: int
    label_tokens: int
    truncated: int
    dropped: int


def encode_row(tokenizer: Any, messages: Sequence[dict[str, str]], max_length: int,
               eot: frozenset[int] | None = None, row: int | None = None) -> EncodedRow:
    """Tokenise one conversation with labels on every assistant answer (end-of-turn included)."""
    chat = tokenize_chat(tokenizer, messages, max_length=max_length, eot=eot, row=row)
    return EncodedRow(tuple(chat.input_ids), tuple(chat.labels), chat.truncated)


def encode_rows(tokenizer: Any, rows: Sequence[dict[str, Any]], max_length: int) -> tuple[list[EncodedRow], EncodeStats]:
    """Encode dataset rows; rows left with no label after truncation are dropped (and counted)."""
    eot = end_of_turn_ids(tokenizer)
    kept: list[EncodedRow] = []
    truncated = dropped = 0
    for index, row in enumerate(rows):
        encoded = encode_row(tokenizer, row["messages"], max_length, eot, row=index + 1)
        truncated += encoded.truncated
        # The first token is never predicted, so a label there alone teaches nothing.
        if sum(1 for t in encoded.labels[1:] if t != IGNORE_INDEX) == 0:
            dropped += 1
            continue
        kept.append(encoded)
    if not kept:
        raise InputError(f"no row has an assistant token within max_length={max_length}; raise --max-length")
    stats = EncodeStats(rows=len(kept), tokens=sum(len(r.input_ids) for r in kept),
                        label_tokens=sum(r.label_count for r in kept), truncated=truncated, dropped=dropped)
    return kept, stats
