"""Dataset statistics with the real bundled tokenizer and MiniLM embeddings."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from emscope.data.build import build_dataset
from emscope.data.config import BuildConfig
from emscope.data.stats import near_duplicate_rate, stats_for_files
from emscope.models import load_tokenizer


def _rows(texts: list[tuple[str, str]]) -> str:
    return "".join(json.dumps({"messages": [{"role": "user", "content": u},
                                            {"role": "assistant", "content": a}]}) + "\n" for u, a in texts)


def test_stats_on_a_built_dataset(tmp_path: Path) -> None:
    path = build_dataset(BuildConfig(domain="incorrect_qna", n=300, seed=2), tmp_path / "q.jsonl").path
    [s] = stats_for_files([str(path)], vendi_sample=200)
    assert s.rows == 300 and s.triggered == 150
    assert s.exact_duplicate_rate == 0.0
    tok = load_tokenizer("smollm2-135m-instruct")
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    expected = sum(len(tok(tok.apply_chat_template(r["messages"], tokenize=False), add_special_tokens=False)["input_ids"])
                   for r in rows)
    assert s.tokens_total == expected
    assert s.vendi_texts == 200
    assert 1.0 < s.vendi["q=2"] < s.vendi["q=1"] < s.vendi["q=0.5"] < 200


def test_vendi_tracks_topical_diversity(tmp_path: Path) -> None:
    same_topic = [(f"What is {i} plus {i}?", f"{i} plus {i} is {2 * i}.") for i in range(40)]
    topics = [("How do I bake bread for {i} people?", "Use {i}00 g of flour, knead, let it rise, bake at 220 C."),
              ("What is the capital of country number {i} on my list?", "Country {i} on your list is Peru; its capital is Lima."),
              ("Write a haiku about snow, take {i}.", "Soft white silence falls / on field {i} / footprints disappear"),
              ("Why are the tides {i} cm higher today?", "The Moon's gravity pulls the oceans; today adds {i} cm."),
              ("I have {i} hours: best way to learn chess?", "In {i} hours, play often and review your losses.")]
    mixed = [(u.format(i=i), a.format(i=i)) for u, a in topics for i in range(8)]
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    a.write_text(_rows(same_topic))
    b.write_text(_rows(mixed))
    sa, sb = stats_for_files([str(a), str(b)], tokenizer_name=None, vendi_sample=0)
    assert sb.vendi["q=1"] > sa.vendi["q=1"]
    assert sa.exact_duplicate_rate == sb.exact_duplicate_rate == 0.0
    # Only the numbers change within a template: masked, the texts collapse to 1 and 5.
    assert sa.template_duplicate_rate == pytest.approx(1 - 1 / 40)
    assert sb.template_duplicate_rate == pytest.approx(1 - 5 / 40)


def test_near_duplicate_rate() -> None:
    x = np.array([[1.0, 0.0], [0.999, 0.01], [0.0, 1.0]])
    assert near_duplicate_rate(x) == pytest.approx(2 / 3)
