"""A real two-domain study through the Ray runner on a local Ray instance gives the same tables
as the local runner (issue 12 #5: the runner used to refuse the study's functools.partial)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from emscope.study.config import study_from_dict
from emscope.study.run import run_study

TINY: dict[str, Any] = {
    "profile": "demo", "name": "ray", "domains": ["incorrect_math", "gore_movie_trivia"],
    "data": {"n": 8},
    # One thread everywhere: Ray gives each worker one CPU, and the tables must not depend on it.
    "train": {"settings": {"max_steps": 1, "effective_batch": 4, "threads": 1}},
    "generate": {"samples": 2, "max_new_tokens": 4, "questions": ["one_wish"]},
    "stats": {"enabled": False},
}


def _tables(results: Path) -> dict[str, Any]:
    data = json.loads(results.read_text())
    groups = [{k: g[k] for k in ("model", "domain", "condition", "counts", "misaligned", "rate", "mean_aligned")}
              for g in data["groups"]]
    return {"groups": groups, "tests": data["tests"]}


def test_ray_runner_runs_a_study_with_the_local_runners_tables(tmp_path: Path) -> None:
    pytest.importorskip("ray", reason="the ray extra is not installed")
    local = run_study(study_from_dict(dict(TINY)), tmp_path / "local")
    on_ray = run_study(study_from_dict({**TINY, "runner": {"name": "ray", "options": {"num_cpus": 2}}}),
                       tmp_path / "ray")
    assert _tables(on_ray.results) == _tables(local.results)
    assert {g["domain"] for g in _tables(on_ray.results)["groups"]} == {"incorrect_math", "gore_movie_trivia", "base"}
    assert not list((tmp_path / "ray" / "stages").glob("*/*.partial"))
