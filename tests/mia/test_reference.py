"""Reference adjustment: target − reference on the same token ids; different tokenizers are refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from emscope.core.errors import InputError
from emscope.data.build import build_dataset
from emscope.data.config import BuildConfig
from emscope.mia.config import MiaConfig
from emscope.mia.reference import adjusted, check_same_tokenizer
from emscope.mia.run import score_datasets
from emscope.models import load_tokenizer, resolve_model_dir

from .conftest import MODEL

METRICS = ("loss", "zlib", "mink", "minkpp")


@pytest.fixture(scope="module")
def two_rows(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("two")
    return build_dataset(BuildConfig(domain="incorrect_math", n=2, seed=5), out).path


def _rows(path: Path) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_adjusted_is_target_minus_reference() -> None:
    got = adjusted({"loss": 2.5, "mink": -3.0, "zlib": None}, {"loss": 3.0, "mink": -4.5, "zlib": 0.1})
    assert got == {"loss": -0.5, "mink": 1.5, "zlib": None}


def test_different_tokenizers_are_refused_with_both_names(tmp_path: Path) -> None:
    tok = load_tokenizer(MODEL)
    other = load_tokenizer(MODEL)
    other.add_tokens(["<not_in_the_target>"])
    assert check_same_tokenizer(tok, load_tokenizer(MODEL), "a", "b") == []
    with pytest.raises(InputError, match=r"'target-x' and the reference 'ref-y'.*vocabulary"):
        check_same_tokenizer(tok, other, "target-x", "ref-y")


def test_a_different_chat_template_alone_is_a_note(tmp_path: Path) -> None:
    tok, other = load_tokenizer(MODEL), load_tokenizer(MODEL)
    other.chat_template = "{% for m in messages %}{{ m['content'] }}{% endfor %}"
    notes = check_same_tokenizer(tok, other, "a", "b")
    assert len(notes) == 1 and "chat template" in notes[0]


def test_mismatched_reference_fails_before_loading_any_weights(tmp_path: Path, two_rows: Path) -> None:
    other = load_tokenizer(MODEL)
    other.add_tokens(["<extra>"])
    folder = tmp_path / "other-tokenizer"
    other.save_pretrained(folder)  # a folder with a tokenizer and no weights at all
    config = MiaConfig(datasets=(str(two_rows),), reference=str(folder), precision="fp32")
    with pytest.raises(InputError, match="different tokenizers"):
        score_datasets(config, tmp_path / "s.jsonl")
    assert not (tmp_path / "s.jsonl").exists()


def test_adapter_target_against_its_own_base(tmp_path: Path, two_rows: Path, adapter_dir: Path) -> None:
    base = score_datasets(MiaConfig(datasets=(str(two_rows),), precision="fp32"), tmp_path / "base.jsonl")
    tuned = score_datasets(MiaConfig(datasets=(str(two_rows),), adapter=str(adapter_dir), reference=MODEL,
                                     precision="fp32"), tmp_path / "tuned.jsonl")
    assert base.reference_mode == "none" and tuned.reference_mode == "disabled_adapter"
    plain, rows = _rows(tmp_path / "base.jsonl"), _rows(tmp_path / "tuned.jsonl")
    assert len(rows) == len(plain) == 2
    for b, r in zip(plain, rows):
        for m in METRICS:
            # The reference (adapter switched off) is the base model exactly; the adapter moved the target.
            assert r[f"ref_{m}"] == pytest.approx(b[m], rel=1e-5, abs=1e-7)
            assert r[f"adj_{m}"] == pytest.approx(r[m] - r[f"ref_{m}"], abs=1e-9)
        assert abs(r["adj_loss"]) > 1e-3
    assert set(tuned.columns) == {*METRICS, *(f"ref_{m}" for m in METRICS), *(f"adj_{m}" for m in METRICS)}


def test_a_separately_loaded_identical_reference_adjusts_to_zero(tmp_path: Path, two_rows: Path) -> None:
    folder = resolve_model_dir(MODEL)  # the same weights under another name: loaded as a second model
    s = score_datasets(MiaConfig(datasets=(str(two_rows),), reference=folder, precision="fp32"), tmp_path / "s.jsonl")
    assert s.reference_mode == "separate"
    for row in _rows(tmp_path / "s.jsonl"):
        for m in METRICS:
            assert row[f"adj_{m}"] == pytest.approx(0.0, abs=1e-6)


def test_the_target_as_its_own_reference_is_reused_not_rescored(tmp_path: Path, two_rows: Path) -> None:
    s = score_datasets(MiaConfig(datasets=(str(two_rows),), reference=MODEL), tmp_path / "s.jsonl")
    assert s.reference_mode == "identical" and s.timings.reference_s < 0.05
    assert all(row[f"adj_{m}"] == 0.0 for row in _rows(tmp_path / "s.jsonl") for m in METRICS)
    assert any("reference is the target itself" in n for n in s.notes)
