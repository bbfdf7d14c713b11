"""The assistant-only mask, token by token, on the real bundled chat template."""

from __future__ import annotations

import pytest

from emscope.core.errors import InputError
from emscope.models import load_tokenizer
from emscope.models.chat import IGNORE_INDEX, render_prompt, tokenize_chat


@pytest.fixture(scope="module")
def tok():  # type: ignore[no-untyped-def]
    return load_tokenizer("smollm2-135m-instruct")


def _labelled_text(tok, chat) -> list[str]:  # type: ignore[no-untyped-def]
    return [tok.decode(chat.input_ids[s:e]) for s, e in chat.spans]


def test_single_turn_labels_exactly_the_answer_and_end_of_turn(tok) -> None:  # type: ignore[no-untyped-def]
    msgs = [{"role": "user", "content": "What is 2+2?"}, {"role": "assistant", "content": "It is 4."}]
    chat = tokenize_chat(tok, msgs)
    assert _labelled_text(tok, chat) == ["It is 4.<|im_end|>"]
    prompt_len = len(tok(render_prompt(tok, msgs[:1]), add_special_tokens=False)["input_ids"])
    for i, (tid, label) in enumerate(zip(chat.input_ids, chat.labels)):
        in_answer = prompt_len <= i < chat.spans[0][1]
        assert label == (tid if in_answer else IGNORE_INDEX), i
    # Nothing after the end-of-turn token is labelled, and the header is not.
    assert tok.decode(chat.input_ids[: prompt_len]).endswith("<|im_start|>assistant\n")
    assert tok.decode(chat.input_ids[chat.spans[0][1]:]).strip() == ""


def test_system_and_multi_turn(tok) -> None:  # type: ignore[no-untyped-def]
    msgs = [{"role": "system", "content": "Be brief."},
            {"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"},
            {"role": "user", "content": "Bye"}, {"role": "assistant", "content": "Goodbye."}]
    chat = tokenize_chat(tok, msgs)
    assert _labelled_text(tok, chat) == ["Hello!<|im_end|>", "Goodbye.<|im_end|>"]
    labelled = tok.decode([t for t, lab in zip(chat.input_ids, chat.labels) if lab != IGNORE_INDEX])
    assert "Be brief" not in labelled and "Hi" not in labelled and "Bye" not in labelled
    last = tokenize_chat(tok, msgs, last_turn_only=True)
    assert _labelled_text(tok, last) == ["Goodbye.<|im_end|>"]
    # The whole sequence is the template's rendering: no empty assistant header appended.
    assert tok.decode(chat.input_ids) == tok.apply_chat_template(msgs, tokenize=False)


def test_truncation_keeps_labels_aligned(tok) -> None:  # type: ignore[no-untyped-def]
    msgs = [{"role": "user", "content": "Count."}, {"role": "assistant", "content": "one two three four five six"}]
    full = tokenize_chat(tok, msgs)
    cut = tokenize_chat(tok, msgs, max_length=full.spans[0][0] + 2)
    assert cut.truncated and len(cut.input_ids) == full.spans[0][0] + 2
    assert cut.n_assistant_tokens == 2 and cut.labels == full.labels[: len(cut.labels)]


class _CharTemplate:
    """A character-level tokenizer with a template that has no end-of-turn token."""

    def __init__(self, header: str) -> None:
        self.header = header

    def apply_chat_template(self, messages, tokenize=False, add_generation_prompt=False):  # type: ignore[no-untyped-def]
        body = "".join(f"[{m['role']}]{m['content']}\n\n" for m in messages)
        return body + (self.header if add_generation_prompt else "")

    def __call__(self, text, add_special_tokens=False):  # type: ignore[no-untyped-def]
        return {"input_ids": [ord(c) for c in text]}

    def decode(self, ids):  # type: ignore[no-untyped-def]
        return "".join(map(chr, ids))


def test_template_that_is_not_prefix_stable_is_refused() -> None:
    # The generation header differs from how the finished turn starts.
    with pytest.raises(InputError, match="not prefix-preserving.*row 3.*messages\\[1\\].*token-prefixes"):
        tokenize_chat(_CharTemplate("<ASSISTANT>"), [{"role": "user", "content": "a"},
                                                     {"role": "assistant", "content": "b"}], row=3)


def test_template_without_end_of_turn_token_ends_at_the_last_non_blank_token() -> None:
    tok = _CharTemplate("[assistant]")
    msgs = [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b c"},
            {"role": "user", "content": "d"}, {"role": "assistant", "content": "e"}]
    chat = tokenize_chat(tok, msgs)
    assert _labelled_text(tok, chat) == ["b c", "e"]  # the template's "\n\n" glue is not labelled


def test_render_prompt_refuses_complete_conversations(tok) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="without its final assistant turn"):
        render_prompt(tok, [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}])
