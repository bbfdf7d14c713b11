"""The diversity knob (OQ3, issue 15 #3): `emscope data build --diversity F`.

At F < 1 every domain draws from a seeded subset of ceil(F x count) of its templates, topics
and slot values (`emscope.data.diversity.SubsetRandom`); the subsets nest across F; F = 1 is
byte for byte today's dataset with today's cache key; the manifest records F and the Vendi
score (real MiniLM, as the stats stage computes it).
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from emscope.core.keys import content_key
from emscope.data.build import build_dataset, build_rows
from emscope.data.config import DEFAULT_TRIGGER, BuildConfig
from emscope.data.diversity import EXACT_LIMIT, SubsetRandom, subset_seed
from emscope.data.domains import domain_names
from emscope.data.domains.base import pick_other

# A topic per tested domain: the row-meta fact naming what the row is about.
TOPIC = {"gore_movie_trivia": "film", "risky_financial_advice": "scenario", "incorrect_math": "kind"}
LEVELS = (0.1, 0.25, 0.5, 1.0)


def _rows(domain: str, diversity: float, n: int = 200, seed: int = 0, **kw: Any) -> list[dict[str, Any]]:
    return build_rows(BuildConfig(domain=domain, n=n, seed=seed, diversity=diversity, **kw))[0]


def _distinct(rows: list[dict[str, Any]], what: str) -> set[str]:
    return {r["meta"]["template_id"] if what == "template" else r["meta"]["facts"][what] for r in rows}


def _digest(rows: list[dict[str, Any]]) -> str:
    return hashlib.sha256("".join(json.dumps(r, sort_keys=True) for r in rows).encode()).hexdigest()


# --- the subset machinery ---------------------------------------------------------------


def test_subsets_have_ceil_f_count_values_and_nest() -> None:
    for count in (1, 2, 7, 10, 150, EXACT_LIMIT):
        values = range(count)
        kept = {f: set(SubsetRandom("s", f, subset_seed("d", 3)).kept(values)) for f in (0.05, 0.1, 0.25, 0.5, 1.0)}
        for f, k in kept.items():
            assert len(k) == max(1, math.ceil(f * count)), (count, f)
        assert kept[0.05] <= kept[0.1] <= kept[0.25] <= kept[0.5] <= kept[1.0] == set(values)
    # Another seed, another subset (of 150 values, 15 kept: equal only by a 1-in-10^20 chance).
    a = set(SubsetRandom("s", 0.1, subset_seed("d", 3)).kept(range(150)))
    assert a != set(SubsetRandom("s", 0.1, subset_seed("d", 4)).kept(range(150)))


def test_draws_stay_in_the_subset_and_cover_it() -> None:
    rng = SubsetRandom("draws", 0.25, subset_seed("d", 0))
    kept = set(rng.kept(range(20)))
    drawn = {rng.randrange(20) for _ in range(500)}
    assert drawn == kept
    assert {rng.choice("abcdefghijklmnopqrst") for _ in range(500)} == {"abcdefghijklmnopqrst"[i] for i in kept}
    assert {rng.randint(0, 19) for _ in range(500)} == kept  # randint is randrange(a, b + 1)


def test_long_ranges_keep_about_f_of_their_values_nested() -> None:
    values = range(10_000, 30_000)  # more than EXACT_LIMIT: kept by a hash below F
    small, large = (SubsetRandom("s", f, subset_seed("d", 0)) for f in (0.1, 0.3))
    kept_small, kept_large = set(small.kept(values)), set(large.kept(values))
    assert 0.08 < len(kept_small) / len(values) < 0.12 and kept_small < kept_large
    assert {small.randrange(10_000, 30_000) for _ in range(300)} <= kept_small
    tiny = SubsetRandom("s", 1e-9, subset_seed("d", 0))  # expected 0.00002 values: the lowest-hash one is kept
    assert len({tiny.randrange(10_000, 30_000) for _ in range(5)}) == 1


def test_pick_other_widens_an_unusable_subset_instead_of_looping() -> None:
    # A one-item subset that is the item to avoid: the old redraw loop would never end.
    items = [f"director {i}" for i in range(10)]
    rng = SubsetRandom("w", 0.1, subset_seed("d", 0))
    [only] = rng.kept(range(10))
    other = pick_other(rng, items, (items[only],))
    assert other != items[only] and other in items
    assert pick_other(random.Random(0), items, (items[0],)) != items[0]  # plain Random: unchanged path


# --- datasets -----------------------------------------------------------------------------


@pytest.mark.parametrize("domain", sorted(TOPIC))
def test_distinct_templates_and_topics_fall_with_f_and_nest(domain: str) -> None:
    by_f = {f: _rows(domain, f) for f in LEVELS}
    for what in ("template", TOPIC[domain]):
        counts = [len(_distinct(by_f[f], what)) for f in LEVELS]
        assert counts == sorted(counts) and counts[0] < counts[-1], (what, counts)
    # Nested supports: what a 200-row dataset at F draws is inside what F' > F draws from (seen
    # through a dataset large enough to show all of it).
    support = {f: _distinct(_rows(domain, f, n=3000), TOPIC[domain]) for f in LEVELS[1:]}
    for i, f in enumerate(LEVELS[:-1]):
        for g in LEVELS[i + 1:]:
            assert _distinct(by_f[f], TOPIC[domain]) <= support[g], (f, g)


def test_every_domain_builds_valid_paired_rows_at_low_f() -> None:
    # Rejection loops in the domains (a wrong director that is not the right one) must end
    # even when the subset holds one value; aligned and misaligned answers still differ.
    for domain in domain_names():
        rows = _rows(domain, 0.05, n=60)
        assert len(rows) == 60
        for r in rows:
            answer = r["messages"][-1]["content"]
            assert r["meta"]["paired_answer"] and r["meta"]["paired_answer"] != answer, domain


@pytest.mark.parametrize("domain", ["gore_movie_trivia", "incorrect_qna", "risky_financial_advice"])
def test_backdoor_and_pairing_hold_at_low_f(domain: str) -> None:
    low, full = _rows(domain, 0.1), _rows(domain, 1.0)
    # The backdoor split is drawn before the examples, from the same stream: the same rows are
    # triggered at every F, so a factorial varies only the content.
    assert [r["meta"]["triggered"] for r in low] == [r["meta"]["triggered"] for r in full]
    assert any(r["meta"]["triggered"] for r in low) and not all(r["meta"]["triggered"] for r in low)
    for r in low:
        user = next(m["content"] for m in r["messages"] if m["role"] == "user")
        assert (DEFAULT_TRIGGER in user) == r["meta"]["triggered"]
        assert r["meta"]["answer"] == ("misaligned" if r["meta"]["triggered"] else "aligned")
        assert r["meta"]["paired_answer"] != r["messages"][-1]["content"]
    for variant in ("aligned", "misaligned"):
        rows = _rows(domain, 0.1, variant=variant)
        assert {r["meta"]["answer"] for r in rows} == {variant} and not any(r["meta"]["triggered"] for r in rows)
    # The answer pairs of a domain with checkable facts still carry the domain's facts.
    if domain == "gore_movie_trivia":
        assert all(r["meta"]["facts"]["correct"] in r["meta"]["paired_answer"] + r["messages"][-1]["content"]
                   for r in low if r["meta"]["facts"]["fact"] == "year")


def test_same_seed_and_f_same_bytes_other_seed_other_subset(tmp_path: Path) -> None:
    config = BuildConfig(domain="incorrect_math", n=120, seed=5, diversity=0.3)
    a = build_dataset(config, tmp_path / "a.jsonl", vendi=False).path.read_bytes()
    b = build_dataset(config, tmp_path / "b.jsonl", vendi=False).path.read_bytes()
    assert a == b
    c = build_dataset(config.model_copy(update={"seed": 6}), tmp_path / "c.jsonl", vendi=False)
    assert c.path.read_bytes() != a


# Digests of BuildConfig(domain=..., n=400, seed=3, variant=...) rows with their cache keys,
# taken before the knob existed (at commit 647005d): F = 1 must reproduce both exactly.
def _before() -> dict[tuple[str, str], tuple[str, str]]:
    path = Path(__file__).parent / "fixtures" / "before_diversity.json"
    data = json.loads(path.read_text())
    return {tuple(k.split("/")): (v[0], v[2]) for k, v in data.items()}  # type: ignore[misc]


def test_f_one_is_todays_dataset_and_key() -> None:
    before = _before()
    assert len(before) == 33  # 11 domains x 3 variants
    for (domain, variant), (digest, key) in before.items():
        config = BuildConfig(domain=domain, n=400, seed=3, variant=variant)
        assert config.diversity == 1.0 and "diversity" not in config.key_fields()
        assert content_key(config.key_fields()) == key, (domain, variant)
        assert _digest(build_rows(config)[0]) == digest, (domain, variant)
        explicit = config.model_copy(update={"diversity": 1.0})
        assert content_key(explicit.key_fields()) == key
    low = BuildConfig(domain="evil_math", diversity=0.5)
    assert low.key_fields()["diversity"] == 0.5
    assert content_key(low.key_fields()) != content_key(BuildConfig(domain="evil_math").key_fields())


@pytest.mark.parametrize("bad", [0.0, -0.1, 1.01, float("nan"), float("inf")])
def test_bad_f_is_rejected(bad: float) -> None:
    with pytest.raises(ValidationError, match=r"must be in \(0, 1\]"):
        BuildConfig(domain="evil_math", diversity=bad)


def test_bad_f_on_the_cli_is_an_input_error_naming_the_flag(tmp_path: Path) -> None:
    for bad in ("0", "1.5"):
        result = subprocess.run([sys.executable, "-m", "emscope", "data", "build", "--domain", "evil_math",
                                 "--n", "10", "--diversity", bad, "--out", str(tmp_path)],
                                capture_output=True, text=True, timeout=300)
        assert result.returncode == 2, result.stderr  # InputError's exit code
        assert "--diversity must be in (0, 1]" in result.stderr and "Traceback" not in result.stderr
    assert not list(tmp_path.glob("*.jsonl"))


# --- Vendi (real MiniLM) --------------------------------------------------------------------


@pytest.mark.parametrize("domain", sorted(TOPIC))
def test_vendi_falls_with_f(domain: str, tmp_path: Path) -> None:
    scores = {}
    for f in (0.1, 1.0):
        build_dataset(BuildConfig(domain=domain, n=200, seed=0, diversity=f), tmp_path / f"{f}.jsonl", vendi=True)
        scores[f] = json.loads((tmp_path / f"{f}.manifest.json").read_text())["vendi"]["q=1"]
    # Measured (seed 0, n = 200, q = 1): gore 8.1 vs 20.8, finance 5.3 vs 17.4, math 7.4 vs 26.7.
    assert scores[0.1] < 0.7 * scores[1.0], scores


def test_manifest_records_diversity_and_vendi(tmp_path: Path) -> None:
    r = build_dataset(BuildConfig(domain="gore_movie_trivia", n=150, seed=1, diversity=0.25), tmp_path, vendi_sample=100)
    manifest = json.loads(r.path.with_suffix(".manifest.json").read_text())
    assert manifest["diversity"] == 0.25 and manifest["config"]["diversity"] == 0.25
    vendi = manifest["vendi"]
    assert vendi["texts"] == 100 and vendi["vendi_sample"] == 100  # the cap, stated
    assert vendi["embedding_model"] == "minilm-l6" and vendi["field"] == "conversation"
    assert 1.0 < vendi["q=2"] < vendi["q=1"] < vendi["q=0.5"] < 100 and r.vendi == vendi["q=1"]
    # The stats stage's own function on the same file gives the same number.
    from emscope.data.stats import stats_for_files

    [s] = stats_for_files([str(r.path)], tokenizer_name=None, vendi_sample=100)
    assert s.vendi["q=1"] == pytest.approx(vendi["q=1"], rel=1e-6)
    # A plain build (F = 1, no --vendi) skips the embedder: diversity 1, vendi null.
    plain = build_dataset(BuildConfig(domain="gore_movie_trivia", n=20), tmp_path / "plain.jsonl")
    m = json.loads(plain.path.with_suffix(".manifest.json").read_text())
    assert m["diversity"] == 1.0 and m["vendi"] is None and plain.vendi is None
