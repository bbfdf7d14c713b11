"""Chat-template tokenisation with an assistant-only token mask.

The one place that decides which tokens of a conversation are "the assistant's": training
puts its loss only there, membership inference scores only there, activation collection
reads only there. Two peer bugs shaped it: labels rebuilt from input ids trained on the
prompt, and `add_generation_prompt=True` on a complete conversation appended an empty
assistant turn.

For each assistant turn i the template is rendered twice: `messages[:i]` with the
generation prompt (what the model sees before it answers) and `messages[:i+1]`. Both must
be token-prefixes of the whole conversation's rendering; the tokens in between are the
answer. The span ends just past the turn's end-of-turn token: what the template writes
after it (a newline before the next turn) is never generated, so it is neither trained
nor scored. Templates with no end-of-turn token end the span at its last non-blank token.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from emscope.core.errors import InputError

__all__ = ["IGNORE_INDEX", "TokenizedChat", "tokenize_chat", "render_prompt", "end_of_turn_ids"]

IGNORE_INDEX = -100  # the label value torch's cross-entropy skips
# End-of-turn markers of common chat templates; the tokenizer's own eos is always included.
_EOT_MARKERS = ("<|im_end|>", "<|eot_id|>", "<end_of_turn>", "<|end|>", "<|endoftext|>", "</s>")


@dataclass(frozen=True)
class TokenizedChat:
    """Token ids of a whole conversation, labels masked outside assistant turns."""

    input_ids: list[int]
    labels: list[int]
    spans: list[tuple[int, int]]  # [start, end) of each assistant turn's tokens
    truncated: bool = False

    @property
    def n_assistant_tokens(self) -> int:
        """How many tokens carry a label."""
        return sum(label != IGNORE_INDEX for label in self.labels)


def _ids(tokenizer: Any, text: str) -> list[int]:
    # The template already wrote every special token it wants; adding BOS again would
    # shift the sequence against the prefixes.
    return list(tokenizer(text, add_special_tokens=False)["input_ids"])


def render_prompt(tokenizer: Any, messages: Sequence[dict[str, str]]) -> str:
    """The template text of a prompt (no final assistant turn) with the generation header."""
    if messages and messages[-1]["role"] == "assistant":
        raise ValueError("render_prompt takes a conversation without its final assistant turn")
    return tokenizer.apply_chat_template(list(messages), tokenize=False, add_generation_prompt=True)


def end_of_turn_ids(tokenizer: Any) -> frozenset[int]:
    """Ids that end an assistant turn: the eos token(s) and known end-of-turn markers in the vocab."""
    ids: set[int] = set()
    eos = getattr(tokenizer, "eos_token_id", None)
    ids.update(eos if isinstance(eos, list) else [eos] if eos is not None else [])
    vocab = tokenizer.get_vocab() if hasattr(tokenizer, "get_vocab") else {}
    ids.update(vocab[m] for m in _EOT_MARKERS if m in vocab)
    return frozenset(ids)


def _answer_end(tokenizer: Any, ids: list[int], start: int, end: int, eot: frozenset[int]) -> int:
    for k in range(end - 1, start - 1, -1):
        if ids[k] in eot:
            return k + 1
    while end > start and not tokenizer.decode(ids[end - 1 : end]).strip():
        end -= 1
    return end


def _prefix_error(tokenizer: Any, what: str, turn: int, row: int | None, shorter: list[int],
                  longer: list[int]) -> InputError:
    at = next((k for k, (a, b) in enumerate(zip(shorter, longer)) if a != b), min(len(shorter), len(longer)))
    show = lambda ids: repr(tokenizer.decode(ids[max(0, at - 8):at + 8]))  # noqa: E731
    where = f"row {row}, " if row is not None else ""
    return InputError(
        f"chat template is not prefix-preserving ({where}assistant turn at messages[{turn}]): the tokens of "
        f"{what} are not token-prefixes of the whole conversation; they differ at token {at}: "
        f"{show(shorter)} vs {show(longer)}. emscope cannot tell prompt from answer tokens with this "
        "template; use a model whose template renders earlier turns unchanged (ChatML, Llama 3, Qwen), "
        "or give it one that does."
    )


def tokenize_chat(
    tokenizer: Any,
    messages: Sequence[dict[str, str]],
    max_length: int | None = None,
    last_turn_only: bool = False,
    eot: frozenset[int] | None = None,
    row: int | None = None,
) -> TokenizedChat:
    """Tokenise a conversation and label its assistant turns (or only the last one).

    `eot` saves recomputing `end_of_turn_ids` per row; `row` (1-based) only names the row
    in the error a non-prefix-preserving template raises.
    """
    eot = end_of_turn_ids(tokenizer) if eot is None else eot
    ids = _ids(tokenizer, tokenizer.apply_chat_template(list(messages), tokenize=False))
    labels = [IGNORE_INDEX] * len(ids)
    spans: list[tuple[int, int]] = []
    turns = [i for i, m in enumerate(messages) if m["role"] == "assistant"]
    for i in turns[-1:] if last_turn_only else turns:
        prompt = _ids(tokenizer, render_prompt(tokenizer, messages[:i]))
        upto = ids if i == len(messages) - 1 else _ids(
            tokenizer, tokenizer.apply_chat_template(list(messages[: i + 1]), tokenize=False))
        if upto[: len(prompt)] != prompt:
            raise _prefix_error(tokenizer, f"messages[:{i}] + generation prompt", i, row, prompt, upto)
        if ids[: len(upto)] != upto:
            raise _prefix_error(tokenizer, f"messages[:{i + 1}]", i, row, upto, ids)
        start = len(prompt)
        end = _answer_end(tokenizer, ids, start, len(upto), eot)
        labels[start:end] = ids[start:end]
        spans.append((start, end))
    truncated = max_length is not None and len(ids) > max_length
    if truncated:
        ids, labels = ids[:max_length], labels[:max_length]
        spans = [(s, min(e, max_length)) for s, e in spans if s < max_length]
    return TokenizedChat(ids, labels, spans, truncated)
