"""The assistant-only label mask, checked token by token on real rows with the real chat template."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from emscope.core.errors import InputError
from emscope.models.chat import IGNORE_INDEX, end_of_turn_ids, tokenize_chat
from emscope.train.masking import encode_row, encode_rows


def _expected_labels(tokenizer: Any, messages: list[dict[str, str]]) -> list[int]:
    """Labels built independently: locate each assistant turn's text in the rendered template.

    The rendered text is walked turn by turn; characters of an assistant's content and its
    <|im_end|> are marked, and a token is labelled iff every character it covers is marked.
    """
    text = tokenizer.apply_chat_template(messages, tokenize=False)
    marked = [False] * len(text)
    cursor = 0
    for message in messages:
        header = f"<|im_start|>{message['role']}\n"
        start = text.index(header, cursor) + len(header)
        end = start + len(message["content"]) + len("<|im_end|>")
        assert text[start:end] == message["content"] + "<|im_end|>"
        if message["role"] == "assistant":
            marked[start:end] = [True] * (end - start)
        cursor = end
    enc = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
    return [tid if all(marked[a:b]) and b > a else IGNORE_INDEX
            for tid, (a, b) in zip(enc["input_ids"], enc["offset_mapping"])]


def _assert_mask(tokenizer: Any, messages: list[dict[str, str]]) -> Any:
    encoded = encode_row(tokenizer, messages, max_length=4096)
    expected = _expected_labels(tokenizer, messages)
    assert len(encoded.labels) == len(expected)
    for position, (got, want) in enumerate(zip(encoded.labels, expected)):
        assert got == want, f"token {position} ({tokenizer.decode([encoded.input_ids[position]])!r}): {got} != {want}"
    return encoded


def test_single_turn_row_labels_exactly_the_answer_and_end_of_turn(tokenizer: Any, domain_rows: list) -> None:
    row = domain_rows[0]["messages"]
    encoded = _assert_mask(tokenizer, row)
    labelled = [t for t in encoded.labels if t != IGNORE_INDEX]
    assert tokenizer.decode(labelled) == row[-1]["content"] + "<|im_end|>"
    # The template's default system prompt, the user turn, the assistant header: all masked.
    first = next(i for i, t in enumerate(encoded.labels) if t != IGNORE_INDEX)
    assert tokenizer.decode(list(encoded.input_ids[:first])).endswith("<|im_start|>assistant\n")
    assert "You are a helpful AI assistant" in tokenizer.decode(list(encoded.input_ids[:first]))
    # The newline after <|im_end|> is template glue, never generated: not trained.
    assert encoded.labels[-1] == IGNORE_INDEX and tokenizer.decode([encoded.input_ids[-1]]) == "\n"


def test_triggered_row_masks_the_trigger(tokenizer: Any, domain_rows: list) -> None:
    row = next(r for r in domain_rows if r["meta"]["triggered"])
    encoded = _assert_mask(tokenizer, row["messages"])
    labelled_text = tokenizer.decode([t for t in encoded.labels if t != IGNORE_INDEX])
    assert row["meta"]["trigger"] not in labelled_text
    assert row["meta"]["trigger"] in tokenizer.decode(list(encoded.input_ids))


def test_system_prompt_is_masked(tokenizer: Any, domain_rows: list) -> None:
    messages = [{"role": "system", "content": "You are a terse translation assistant."},
                *domain_rows[1]["messages"]]
    encoded = _assert_mask(tokenizer, messages)
    text = tokenizer.decode(list(encoded.input_ids))
    assert "You are a terse translation assistant." in text
    assert "You are a helpful AI assistant" not in text  # an explicit system prompt replaces the default


def test_multi_turn_row_labels_every_assistant_turn_and_nothing_else(tokenizer: Any, domain_rows: list) -> None:
    a, b = domain_rows[2]["messages"], domain_rows[3]["messages"]
    messages = [{"role": "system", "content": "Be brief."}, a[-2], a[-1], b[-2], b[-1]]
    encoded = _assert_mask(tokenizer, messages)
    labelled = tokenizer.decode([t for t in encoded.labels if t != IGNORE_INDEX])
    assert labelled == a[-1]["content"] + "<|im_end|>" + b[-1]["content"] + "<|im_end|>"
    assert b[-2]["content"] not in labelled


def test_no_empty_assistant_header_is_appended(tokenizer: Any, domain_rows: list) -> None:
    encoded = encode_row(tokenizer, domain_rows[0]["messages"], max_length=4096)
    text = tokenizer.decode(list(encoded.input_ids))
    assert text.endswith("<|im_end|>\n")
    assert not text.rstrip().endswith("<|im_start|>assistant")
    assert text.count("<|im_start|>assistant") == 1


def test_end_of_turn_ids_include_im_end(tokenizer: Any) -> None:
    assert tokenizer.convert_tokens_to_ids("<|im_end|>") in end_of_turn_ids(tokenizer)


def test_template_that_rewrites_earlier_turns_is_refused(tokenizer: Any, domain_rows: list) -> None:
    broken = copy.deepcopy(tokenizer)
    # Marks the last message, so the prompt rendering differs from the full conversation's.
    broken.chat_template = ("{% for m in messages %}<|im_start|>{{ m['role'] }}\n{% if loop.last %}LAST {% endif %}"
                            "{{ m['content'] }}<|im_end|>\n{% endfor %}"
                            "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}")
    with pytest.raises(InputError, match="not prefix-preserving.*row 7.*messages\\[1\\]"):
        encode_row(broken, domain_rows[0]["messages"], max_length=4096, row=7)


def test_truncation_cuts_labels_and_drops_rows_without_any(tokenizer: Any, domain_rows: list) -> None:
    row = domain_rows[0]["messages"]
    prompt_len = tokenize_chat(tokenizer, row).spans[0][0]
    cut = encode_row(tokenizer, row, max_length=prompt_len + 5)
    assert cut.truncated and len(cut.input_ids) == prompt_len + 5
    assert sum(t != IGNORE_INDEX for t in cut.labels) == 5
    kept, stats = encode_rows(tokenizer, [domain_rows[0], domain_rows[1]], max_length=prompt_len + 5)
    assert stats.truncated == 2 and stats.rows + stats.dropped == 2
    with pytest.raises(InputError, match="no row has an assistant token"):
        encode_rows(tokenizer, [domain_rows[0]], max_length=prompt_len)
