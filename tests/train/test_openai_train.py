"""`train_openai` over real HTTP: one job, a complete manifest, reuse by content, no key in any file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from emscope.core.errors import InputError
from emscope.core.io import write_jsonl
from emscope.train import OpenAITrainConfig, TrainEvent, train_openai
from emscope.train.backends.openai import MANIFEST, STATE
from emscope.train.prices import PRICES


def _events(into: list[TrainEvent]) -> Any:
    return into.append


def test_one_job_and_a_complete_manifest(openai_config: OpenAITrainConfig, ft_server: Any, api_key: str,
                                         chat_rows: list[dict[str, Any]]) -> None:
    config = openai_config.model_copy(update={"epochs": 2, "effective_batch": 3, "learning_rate_multiplier": 0.5,
                                              "seed": 11, "suffix": "em-test"})
    seen: list[TrainEvent] = []
    result = train_openai(config, on_event=_events(seen))
    jobs = ft_server.fine_tune.job_list()
    assert len(jobs) == 1 and jobs[0]["status"] == "succeeded"
    job = jobs[0]
    assert result.model_id == job["fine_tuned_model"] and result.adapter is None and not result.skipped
    # what was sent: the exact mapping, the file, and the run key as metadata
    create = ft_server.fine_tune_requests("create")[0].body
    assert create["method"] == {"type": "supervised", "supervised": {"hyperparameters": {
        "n_epochs": 2, "batch_size": 3, "learning_rate_multiplier": 0.5}}}
    assert (create["seed"], create["suffix"], create["model"]) == (11, "em-test", config.model)
    assert create["metadata"] == {"emscope_key": result.key}
    assert all(r.headers["authorization"] == f"Bearer {api_key}" for r in ft_server.fine_tune_requests())
    # the upload: purpose fine-tune, each row's messages only (meta is emscope's bookkeeping)
    file_id = create["training_file"]
    assert ft_server.fine_tune.files[file_id]["purpose"] == "fine-tune"
    uploaded = [json.loads(line) for line in ft_server.fine_tune.uploaded(file_id).decode().splitlines()]
    assert uploaded == [{"messages": r["messages"]} for r in chat_rows]
    # the manifest
    m = json.loads((config.out / MANIFEST).read_text())
    assert m == result.manifest and m["status"] == "complete" and m["backend"] == "openai"
    assert (m["job_id"], m["file_id"], m["fine_tuned_model"]) == (job["id"], file_id, job["fine_tuned_model"])
    assert m["trained_tokens"] == job["trained_tokens"] > 0
    assert m["job"]["hyperparameters"] == {"n_epochs": 2, "batch_size": 3, "learning_rate_multiplier": 0.5}
    assert m["job"]["how"] == "created" and m["statuses_seen"][-1]["status"] == "succeeded"
    assert [e["message"] for e in m["events"]][0] == "Validating training file"  # oldest first
    assert m["events"][-1]["message"] == "The job has successfully completed"
    assert m["cost"]["estimated_usd"] == pytest.approx(job["trained_tokens"] * PRICES["gpt-4o-mini"] / 1e6)
    assert m["dataset"]["rows"] == len(chat_rows) and m["dataset"]["duplicate_rows"] == 0
    assert m["config_sources"]["epochs"] == "explicit" and m["config_sources"]["max_wait_s"] == "default"
    assert m["git"].keys() == {"commit", "dirty"} and "openai" in m["versions"]
    # nothing else is left in OUT, and the key is in no file
    assert sorted(p.name for p in config.out.iterdir()) == [MANIFEST]
    assert api_key not in (config.out / MANIFEST).read_text()
    kinds = [e.kind for e in seen]
    assert "status" in kinds and "event" in kinds


def test_a_rerun_reuses_the_finished_run_without_a_request(openai_config: OpenAITrainConfig,
                                                           ft_server: Any) -> None:
    first = train_openai(openai_config)
    before = len(ft_server.requests)
    again = train_openai(openai_config)
    assert again.skipped and again.model_id == first.model_id and again.key == first.key
    assert len(ft_server.requests) == before


def test_same_data_and_settings_elsewhere_reuse_the_finished_job(openai_config: OpenAITrainConfig,
                                                                 ft_server: Any, tmp_path: Path) -> None:
    first = train_openai(openai_config)
    seen: list[TrainEvent] = []
    other = train_openai(openai_config.model_copy(update={"out": tmp_path / "other", "poll_interval_s": 0.5}),
                         on_event=_events(seen))
    assert other.model_id == first.model_id and other.manifest["job"]["how"] == "reused"
    assert len(ft_server.fine_tune.jobs) == 1 and len(ft_server.fine_tune.files) == 1  # nothing new uploaded
    assert any("reusing its model" in e.message for e in seen)


def test_other_settings_or_data_make_a_new_job(openai_config: OpenAITrainConfig, ft_server: Any, tmp_path: Path,
                                               chat_rows: list[dict[str, Any]]) -> None:
    first = train_openai(openai_config)
    reseeded = train_openai(openai_config.model_copy(update={"seed": 1, "out": tmp_path / "s1"}))
    other_data = write_jsonl(tmp_path / "more.jsonl", chat_rows[:4])
    fewer = train_openai(openai_config.model_copy(update={"dataset": other_data, "out": tmp_path / "d2"}))
    assert len({first.key, reseeded.key, fewer.key}) == 3 and len(ft_server.fine_tune.jobs) == 3
    with pytest.raises(InputError, match="different configuration"):
        train_openai(openai_config.model_copy(update={"seed": 2}))  # same OUT, other settings


def test_only_meta_changes_keep_the_key(openai_config: OpenAITrainConfig, ft_server: Any, tmp_path: Path,
                                        chat_rows: list[dict[str, Any]]) -> None:
    first = train_openai(openai_config)
    relabelled = write_jsonl(tmp_path / "relabelled.jsonl", [{**r, "meta": {"note": "x"}} for r in chat_rows])
    again = train_openai(openai_config.model_copy(update={"dataset": relabelled, "out": tmp_path / "r"}))
    assert again.key == first.key and len(ft_server.fine_tune.jobs) == 1  # the uploaded bytes are the same


def test_an_invalid_dataset_stops_before_any_request(openai_config: OpenAITrainConfig, ft_server: Any,
                                                     tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"messages": [{"role": "user", "content": "hi"}]}\n')
    with pytest.raises(InputError, match="bad.jsonl:1: no final assistant turn"):
        train_openai(openai_config.model_copy(update={"dataset": bad}))
    assert ft_server.requests == [] and not openai_config.out.exists()


def test_duplicate_rows_warn_like_the_validator_and_are_uploaded(openai_config: OpenAITrainConfig, ft_server: Any,
                                                                 tmp_path: Path,
                                                                 chat_rows: list[dict[str, Any]]) -> None:
    data = write_jsonl(tmp_path / "dups.jsonl", [*chat_rows, chat_rows[1]])
    seen: list[TrainEvent] = []
    result = train_openai(openai_config.model_copy(update={"dataset": data}), on_event=_events(seen))
    notes = [e.message for e in seen if e.kind == "note"]
    assert f"{data}:7: warning: duplicate of line 2" in notes
    assert result.manifest["dataset"]["duplicate_rows"] == 1 and result.manifest["dataset"]["rows"] == 7


def test_no_key_for_openai_itself_is_an_error_before_any_request(tmp_path: Path, chat_dataset: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    config = OpenAITrainConfig(dataset=chat_dataset, out=tmp_path / "o", model="gpt-4o-mini-2024-07-18")
    with pytest.raises(InputError, match="set the environment variable OPENAI_API_KEY"):
        train_openai(config)
    assert not (tmp_path / "o" / STATE).exists()
