"""The run store (atomic completion) and the runners (local, and Ray on a local instance)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from emscope.core.errors import InputError
from emscope.study.runner import LocalRunner, make_runner
from emscope.study.store import RunStore, stage_key


def test_stage_is_invisible_until_complete(tmp_path: Path) -> None:
    store = RunStore(tmp_path)
    key = stage_key("judge", {"a": 1}, {"generate": "k"})
    work = store.workdir("judge", key)
    (work / "judged.jsonl").write_text("{}\n")
    assert store.done("judge", key) is None and store.partial() == [("judge", key)]
    record = store.complete("judge", key, {"a": 1}, {"generate": "k"}, time.time())
    assert record.path == store.path("judge", key) and (record.path / "judged.jsonl").exists()
    assert record.manifest.status == "complete" and record.manifest.environment.packages["torch"]
    assert store.partial() == [] and [r.key for r in store.records()] == [key]


def test_stage_key_depends_on_config_and_inputs() -> None:
    assert stage_key("s", {"a": 1}) == stage_key("s", {"a": 1})
    assert stage_key("s", {"a": 1}) != stage_key("s", {"a": 2})
    assert stage_key("s", {"a": 1}, {"x": "1"}) != stage_key("s", {"a": 1}, {"x": "2"})
    assert stage_key("s", {"a": 1}) != stage_key("t", {"a": 1})


def _square(x: int) -> int:
    return x * x


def test_local_runner_keeps_order() -> None:
    assert LocalRunner().map(_square, [3, 1, 2]) == [9, 1, 4]


def test_unknown_runner() -> None:
    with pytest.raises(InputError, match="Did you mean 'ray'"):
        make_runner("rya")


def test_ray_runner_on_a_local_instance() -> None:
    pytest.importorskip("ray", reason="the ray extra is not installed")
    runner = make_runner("ray", num_cpus=2)
    assert runner.map(_square, list(range(6))) == [0, 1, 4, 9, 16, 25]
