"""Chat-template tokenisation with an assistant-only token mask.

Used by every stage that needs "the assistant's tokens" of a conversation: training (loss
only there), membership inference (scores only there) and activation collection. Two peer
bugs shaped it: labels rebuilt from input ids trained on the prompt, and
`add_generation_prompt=True` on a complete conversation appended an empty assistant turn.

For each assistant turn i the span is [len(render(messages[:i], generation prompt)),
len(render(messages[:i+1]))) in the token sequence of the whole conversation: the answer
and its end-of-turn token, never the header. Each rendered prefix must be a token-prefix of
the whole sequence; templates that re-tokenise across turn boundaries are refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from emscope.core.errors import InputError

__all__ = ["IGNORE_INDEX", "TokenizedChat", "tokenize_chat", "render_prompt"]

IGNORE_INDEX = -100  # the label value torch's cross-entropy skips


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


def _trim_trailing_space(tokenizer: Any, ids: list[int], start: int, end: int) -> int:
    # Templates write "\n" after the end-of-turn token; it is never generated (generation
    # stops at end-of-turn), so it is not part of what the answer is trained or scored on.
    while end > start and not tokenizer.decode(ids[end - 1 : end]).strip():
        end -= 1
    return end


def tokenize_chat(
    tokenizer: Any,
    messages: Sequence[dict[str, str]],
    max_length: int | None = None,
    last_turn_only: bool = False,
) -> TokenizedChat:
    """Tokenise a conversation and label its assistant turns (or only the last one)."""
    full_text = tokenizer.apply_chat_template(list(messages), tokenize=False)
    ids = _ids(tokenizer, full_text)
    labels = [IGNORE_INDEX] * len(ids)
    spans: list[tuple[int, int]] = []
    turns = [i for i, m in enumerate(messages) if m["role"] == "assistant"]
    if last_turn_only:
        turns = turns[-1:]
    for i in turns:
        prompt = _ids(tokenizer, render_prompt(tokenizer, messages[:i]))
        upto = _ids(tokenizer, tokenizer.apply_chat_template(list(messages[: i + 1]), tokenize=False))
        start = len(prompt)
        if ids[:start] != prompt or ids[: len(upto)] != upto or start > len(upto):
            raise InputError(
                "the chat template does not render conversations as token-prefixes of each other "
                f"(assistant turn {i}); emscope cannot tell prompt from answer tokens with it. "
                "Use a model whose template renders turns independently (ChatML, Llama 3, Qwen)."
            )
        end = _trim_trailing_space(tokenizer, ids, start, len(upto))
        labels[start:end] = ids[start:end]
        spans.append((start, end))
    truncated = max_length is not None and len(ids) > max_length
    if truncated:
        ids, labels = ids[:max_length], labels[:max_length]
        spans = [(s, min(e, max_length)) for s, e in spans if s < max_length]
    return TokenizedChat(ids, labels, spans, truncated)
