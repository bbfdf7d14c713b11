"""Finished stages verify against their manifests; damaged ones are redone with their dependents
(issue 12 #8, #14). Toy stages here; tests/study/test_study_e2e.py damages a real study."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from emscope.study.store import RunStore, StageEvent, StageRecord, run_stage

CHAIN = ("a", "b", "c")  # c reads b, b reads a


def _run_chain(root: Path) -> tuple[dict[str, StageRecord], list[tuple[str, str]]]:
    """Run a → b → c; return the records and the (stage, status) events other than 'start'."""
    store, events = RunStore(root), []

    def note(event: StageEvent) -> None:
        if event.status != "start":
            events.append((event.stage, event.status))

    records: dict[str, StageRecord] = {}
    previous: StageRecord | None = None
    for stage in CHAIN:
        def body(work: Path, stage: str = stage) -> None:
            (work / "rows.jsonl").write_text(f'{{"stage": "{stage}", "i": 1}}\n{{"stage": "{stage}", "i": 2}}\n')
            (work / "sub").mkdir()
            (work / "sub" / "results.json").write_text("{}\n")
            (work / ".rows.jsonl.lock").write_text("123\n")  # hidden: not an output

        previous = records[stage] = run_stage(store, stage, ({"n": 2}, {}), "job", note, body, deps=(previous,))
    return records, events


@pytest.fixture
def finished(tmp_path: Path) -> dict[str, StageRecord]:
    records, events = _run_chain(tmp_path)
    assert events == [(s, "done") for s in CHAIN]
    return records


def test_manifest_records_size_rows_sha_and_upstream(finished: dict[str, StageRecord]) -> None:
    manifest = finished["b"].manifest
    assert manifest.files is not None
    assert manifest.files["rows.jsonl"].rows == 2 and len(manifest.files["rows.jsonl"].sha256) == 64
    assert set(manifest.files) == {"rows.jsonl", "sub/results.json"}
    assert list(manifest.deps) == [f"a/{finished['a'].key}"]


def test_an_intact_run_is_skipped(tmp_path: Path, finished: dict[str, StageRecord]) -> None:
    _, events = _run_chain(tmp_path)
    assert events == [(s, "skip") for s in CHAIN]


def _redone(events: list[tuple[str, str]]) -> list[str]:
    return [s for s, status in events if status == "done"]


@pytest.mark.parametrize(("stage", "damage", "problem"), [
    ("a", lambda d: (d / "rows.jsonl").write_text('{"stage": "a", "i": 1}\n'), "rows.jsonl has 1 rows, 2 were written"),
    ("a", lambda d: (d / "rows.jsonl").write_text('{"stage": "a", "i": 9}\n{"stage": "a", "i": 2}\n'),
     "rows.jsonl changed since it was written"),
    ("b", lambda d: (d / "sub" / "results.json").unlink(), "sub/results.json is missing"),
    ("b", lambda d: (d / "manifest.json").unlink(), "manifest.json is missing"),
    ("b", lambda d: (d / "manifest.json").write_text('{"status": "compl'), "manifest.json is corrupt"),
    ("c", lambda d: (d / "manifest.json").write_bytes(b"\xff\xfe"), "manifest.json is corrupt"),
])
def test_damage_is_named_and_redone_with_everything_downstream(tmp_path: Path, finished: dict[str, StageRecord],
                                                               stage: str, damage, problem: str) -> None:
    damage(finished[stage].path)
    store = RunStore(tmp_path)
    found = store.inspect(stage, finished[stage].key)
    assert found.state == "damaged" and problem in (found.problem or "")
    for later in CHAIN[CHAIN.index(stage) + 1:]:
        assert store.inspect(later, finished[later].key).state == "stale"
    for earlier in CHAIN[: CHAIN.index(stage)]:
        assert store.inspect(earlier, finished[earlier].key).ok
    records, events = _run_chain(tmp_path)
    assert [s for s, status in events if status == "damaged"] == list(CHAIN[CHAIN.index(stage):])
    assert _redone(events) == list(CHAIN[CHAIN.index(stage):])
    assert all(RunStore(tmp_path).inspect(s, r.key).ok for s, r in records.items())
    _, again = _run_chain(tmp_path)
    assert _redone(again) == []


def test_a_stage_from_before_integrity_records_is_trusted(tmp_path: Path, finished: dict[str, StageRecord]) -> None:
    path = finished["a"].path / "manifest.json"
    manifest = json.loads(path.read_text())
    del manifest["files"]
    path.write_text(json.dumps(manifest))
    assert RunStore(tmp_path).inspect("a", finished["a"].key).ok
    assert RunStore(tmp_path).inspect("b", finished["b"].key).state == "stale"  # a's manifest digest changed
