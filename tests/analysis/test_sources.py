"""Side inputs of the analysis across seeds: one dataset per (domain, seed) in the stats file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from emscope.analysis.sources import dataset_seed, load_vendi
from emscope.core.errors import InputError
from emscope.data.build import build_dataset
from emscope.data.config import BuildConfig


def _built(tmp: Path, domain: str, seed: int) -> Path:
    out = tmp / f"seed{seed}" / f"{domain}_backdoor.jsonl"
    build_dataset(BuildConfig(domain=domain, n=12, seed=seed, variant="backdoor"), out)
    return out


def _stats(tmp: Path, entries: list[tuple[Path, float]]) -> Path:
    path = tmp / "stats.json"
    path.write_text(json.dumps([{"file": str(f), "rows": 12, "vendi": {"q=1": v}} for f, v in entries]))
    return path


def test_a_domain_built_with_several_seeds_gets_the_mean_of_its_seeds(tmp_path: Path) -> None:
    a0, a1 = _built(tmp_path, "incorrect_math", 0), _built(tmp_path, "incorrect_math", 1)
    b0 = _built(tmp_path, "gore_movie_trivia", 0)
    assert (dataset_seed(a0), dataset_seed(a1)) == (0, 1)
    vendi = load_vendi(_stats(tmp_path, [(a0, 4.0), (a1, 7.0), (b0, 3.0)]), "q=1", ["incorrect_math", "gore_movie_trivia"])
    assert vendi["incorrect_math"][0] == pytest.approx((4.0 + 7.0) / 2)
    assert vendi["incorrect_math"][1] == f"{a0}; {a1}"
    assert vendi["gore_movie_trivia"] == (3.0, str(b0))


def test_two_datasets_of_one_domain_and_seed_are_still_an_error(tmp_path: Path) -> None:
    a0 = _built(tmp_path, "incorrect_math", 0)
    other = tmp_path / "again" / "incorrect_math_backdoor.jsonl"
    build_dataset(BuildConfig(domain="incorrect_math", n=5, seed=0, variant="backdoor"), other)
    with pytest.raises(InputError, match="two datasets for domain 'incorrect_math' with seed 0"):
        load_vendi(_stats(tmp_path, [(a0, 4.0), (other, 5.0)]), "q=1", ["incorrect_math"])
    seedless = tmp_path / "incorrect_math_misaligned.jsonl"  # a file that does not say its seed
    seedless.write_text(json.dumps({"messages": [{"role": "user", "content": "q"},
                                                 {"role": "assistant", "content": "a"}]}) + "\n")
    with pytest.raises(InputError, match="no meta.seed to tell them apart"):
        load_vendi(_stats(tmp_path, [(a0, 4.0), (seedless, 5.0)]), "q=1", ["incorrect_math"])
