"""Chat-template tokenisation with a label mask on assistant tokens only.

For each assistant turn i the template is rendered twice: `messages[:i]` with the
generation prompt (what the model sees before it answers) and `messages[:i+1]` (the
answered conversation). The first must be a token-prefix of the second, and the second a
prefix of the whole conversation; the tokens in between are the assistant's answer, and
only those carry labels. The answer span ends at the end-of-turn token (included): text
the template adds after it (a newline before the next turn) is never generated, so it is
not trained. The generation prompt is never added to a complete conversation, so no
empty assistant header is trained either (a bug peers shipped).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from emscope.core.errors import InputError

__all__ = ["IGNORE", "EncodedRow", "EncodeStats", "template_ids", "end_of_turn_ids", "encode_row", "encode_rows"]

IGNORE = -100  # label value cross-entropy skips
# End-of-turn markers of common chat templates; the tokenizer's own eos is always included.
_EOT_MARKERS = ("<|im_end|>", "<|eot_id|>", "<end_of_turn>", "<|end|>", "<|endoftext|>", "</s>")


@dataclass(frozen=True)
class EncodedRow:
    """Token ids of one conversation and its labels (IGNORE outside assistant answers)."""

    input_ids: tuple[int, ...]
    labels: tuple[int, ...]
    truncated: bool = False

    @property
    def label_count(self) -> int:
        """Tokens that carry a label (after the one-token shift, minus at most one)."""
        return sum(1 for t in self.labels if t != IGNORE)


@dataclass(frozen=True)
class EncodeStats:
    """How a dataset tokenised: totals, and rows cut or dropped by the length limit."""

    rows: int
    tokens: int
    label_tokens: int
    truncated: int
    dropped: int


def template_ids(tokenizer: Any, messages: Sequence[dict[str, str]], add_generation_prompt: bool) -> list[int]:
    """Token ids of the chat template applied to `messages` (no extra special tokens)."""
    text = tokenizer.apply_chat_template(list(messages), tokenize=False,
                                         add_generation_prompt=add_generation_prompt)
    return list(tokenizer(text, add_special_tokens=False)["input_ids"])


def end_of_turn_ids(tokenizer: Any) -> frozenset[int]:
    """Ids that end an assistant turn: the eos token(s) and known end-of-turn markers in the vocab."""
    ids: set[int] = set()
    eos = tokenizer.eos_token_id
    ids.update(eos if isinstance(eos, list) else [eos] if eos is not None else [])
    vocab = tokenizer.get_vocab()
    ids.update(vocab[m] for m in _EOT_MARKERS if m in vocab)
    return frozenset(ids)


def _prefix_error(what: str, row: int | None, turn: int, shorter: list[int], longer: list[int],
                  tokenizer: Any) -> InputError:
    at = next((k for k, (a, b) in enumerate(zip(shorter, longer)) if a != b), min(len(shorter), len(longer)))
    show = lambda ids: repr(tokenizer.decode(ids[max(0, at - 8):at + 8]))  # noqa: E731
    where = f"row {row}, " if row is not None else ""
    return InputError(
        f"chat template is not prefix-preserving ({where}assistant turn at messages[{turn}]): the tokens of "
        f"{what} are not a prefix of the longer conversation; they differ at token {at}: "
        f"{show(shorter)} vs {show(longer)}. The assistant-only loss mask cannot be built from this "
        "template; use a model whose template renders earlier turns unchanged, or give it one that does."
    )


def _answer_end(ids: list[int], start: int, end: int, eot: frozenset[int]) -> int:
    """End of the trainable span: just past the last end-of-turn token in ids[start:end], else `end`."""
    for k in range(end - 1, start - 1, -1):
        if ids[k] in eot:
            return k + 1
    return end


def encode_row(tokenizer: Any, messages: Sequence[dict[str, str]], max_length: int,
               eot: frozenset[int] | None = None, row: int | None = None) -> EncodedRow:
    """Tokenise one conversation with labels on every assistant answer (end-of-turn included)."""
    eot = end_of_turn_ids(tokenizer) if eot is None else eot
    full = template_ids(tokenizer, messages, add_generation_prompt=False)
    labels = [IGNORE] * len(full)
    for i, message in enumerate(messages):
        if message["role"] != "assistant":
            continue
        prompt = template_ids(tokenizer, messages[:i], add_generation_prompt=True)
        last = i == len(messages) - 1
        answered = full if last else template_ids(tokenizer, messages[: i + 1], add_generation_prompt=False)
        if answered[: len(prompt)] != prompt:
            raise _prefix_error(f"messages[:{i}] + generation prompt", row, i, prompt, answered, tokenizer)
        if full[: len(answered)] != answered:
            raise _prefix_error(f"messages[:{i + 1}]", row, i, answered, full, tokenizer)
        stop = _answer_end(full, len(prompt), len(answered), eot)
        labels[len(prompt):stop] = full[len(prompt):stop]
    truncated = len(full) > max_length
    return EncodedRow(tuple(full[:max_length]), tuple(labels[:max_length]), truncated)


def encode_rows(tokenizer: Any, rows: Sequence[dict[str, Any]], max_length: int) -> tuple[list[EncodedRow], EncodeStats]:
    """Encode dataset rows; rows left with no label after truncation are dropped (and counted)."""
    eot = end_of_turn_ids(tokenizer)
    kept: list[EncodedRow] = []
    truncated = dropped = 0
    for index, row in enumerate(rows):
        encoded = encode_row(tokenizer, row["messages"], max_length, eot, row=index + 1)
        truncated += encoded.truncated
        # The first token is never predicted, so a label there alone teaches nothing.
        if sum(1 for t in encoded.labels[1:] if t != IGNORE) == 0:
            dropped += 1
            continue
        kept.append(encoded)
    if not kept:
        raise InputError(f"no row has an assistant token within max_length={max_length}; raise --max-length")
    stats = EncodeStats(rows=len(kept), tokens=sum(len(r.input_ids) for r in kept),
                        label_tokens=sum(r.label_count for r in kept), truncated=truncated, dropped=dropped)
    return kept, stats
