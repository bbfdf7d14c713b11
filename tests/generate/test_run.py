"""`generate(config)`: appends rows as they finish, resumes without redoing work, never mixes runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from emscope.core.errors import EmscopeError, InputError
from emscope.generate import GenerateConfig, generate, manifest_path
from emscope.generate.store import read_rows
from tests.generate.fakes import FAKE, FakeState, fake_answer


def _config(small_suite: Path, out: Path, **overrides: object) -> GenerateConfig:
    return GenerateConfig(suite=str(small_suite), out=out, backend=FAKE, **overrides)


def test_generates_every_row_once_with_manifest(small_suite: Path, tmp_path: Path, fake_backend: FakeState) -> None:
    out = tmp_path / "answers.jsonl"
    seen: list[str] = []
    assert generate(_config(small_suite, out), progress=False, on_row=lambda r: seen.append(r["id"])) == out
    rows = read_rows(out)
    assert len(rows) == 16 and len({r["id"] for r in rows}) == 16 and seen == [r["id"] for r in rows]
    pirate = [r for r in rows if r["question_id"] == "pirate"]
    assert all("system='Always answer like a pirate.'" in r["answer"] and "t=0.3" in r["answer"] for r in pirate)
    manifest = json.loads(manifest_path(out).read_text())
    assert manifest["status"] == "complete" and manifest["rows"] == manifest["planned"] == 16
    assert manifest["config"]["backend"] == FAKE and "backend" in manifest["explicit"]
    assert manifest["suite"]["sha256"] and manifest["versions"]["emscope"]


def test_resume_generates_only_missing_rows(small_suite: Path, tmp_path: Path, fake_backend: FakeState) -> None:
    out = tmp_path / "answers.jsonl"
    generate(_config(small_suite, out), progress=False)
    lines = out.read_text().splitlines(keepends=True)
    out.write_text("".join(lines[:5]) + lines[5][:20])  # as if killed while writing row 6
    fake_backend.calls.clear()
    generate(_config(small_suite, out), progress=False)
    assert len(fake_backend.calls) == 1 and len(fake_backend.calls[0]) == 11
    again = out.read_text().splitlines(keepends=True)
    assert again[:5] == lines[:5] and sorted(again) == sorted(lines)  # same rows, none twice
    manifest = json.loads(manifest_path(out).read_text())
    assert manifest["resumed"] == 5 and manifest["written"] == 11 and manifest["torn_bytes_dropped"] == 20
    fake_backend.calls.clear()
    generate(_config(small_suite, out), progress=False)  # complete: the backend is not even built
    assert fake_backend.calls == []


def test_more_samples_extend_the_file(small_suite: Path, tmp_path: Path, fake_backend: FakeState) -> None:
    out = tmp_path / "answers.jsonl"
    generate(_config(small_suite, out, samples=1), progress=False)
    generate(_config(small_suite, out, samples=2), progress=False)
    assert len(fake_backend.calls[1]) == 6 and len(read_rows(out)) == 12


def test_rows_from_other_settings_are_refused(small_suite: Path, tmp_path: Path, fake_backend: FakeState) -> None:
    out = tmp_path / "answers.jsonl"
    generate(_config(small_suite, out), progress=False)
    before = out.read_bytes()
    with pytest.raises(InputError, match="16 row.* that this run would not produce.*'seed': 0"):
        generate(_config(small_suite, out, seed=1), progress=False)
    assert out.read_bytes() == before


def test_failed_samples_are_not_written_and_retried_on_rerun(small_suite: Path, tmp_path: Path,
                                                             fake_backend: FakeState) -> None:
    out = tmp_path / "answers.jsonl"
    config = _config(small_suite, out)
    from emscope.evalsuite import load_suite
    from emscope.generate import plan_rows

    planned = plan_rows(config, load_suite(config.suite))
    fake_backend.fail_once.update({planned[0].id, planned[7].id})
    with pytest.raises(EmscopeError, match="2 of 16 samples failed .* HTTP 500: injected.*Re-run the same command"):
        generate(config, progress=False)
    assert len(read_rows(out)) == 14
    assert json.loads(manifest_path(out).read_text())["status"] == "incomplete"
    generate(config, progress=False)
    rows = {r["id"]: r for r in read_rows(out)}
    assert len(rows) == 16 and rows[planned[0].id]["answer"] == fake_answer(planned[0].request)


def test_the_error_that_stopped_the_run_is_reported_before_skipped_samples(
        small_suite: Path, tmp_path: Path, fake_backend: FakeState) -> None:
    config = _config(small_suite, tmp_path / "answers.jsonl")
    from emscope.evalsuite import load_suite
    from emscope.generate import plan_rows

    fake_backend.fatal_id = plan_rows(config, load_suite(config.suite))[5].id
    with pytest.raises(EmscopeError, match=r"16 of 16 samples failed .*\(first: [a-z_]+: HTTP 401: bad key\)"):
        generate(config, progress=False)
    assert json.loads(manifest_path(config.out).read_text())["first_error"].endswith("HTTP 401: bad key")


def test_unknown_backend_suggests(small_suite: Path, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="Did you mean 'openai'"):
        generate(GenerateConfig(suite=str(small_suite), out=tmp_path / "a.jsonl", backend="opnai"), progress=False)
