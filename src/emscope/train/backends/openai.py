"""The `openai` train backend: supervised fine-tuning through the OpenAI fine-tuning API.

`train_openai(config)` is the whole run, in this order: the dataset is validated (the local
trainer's validator; duplicate rows are a warning) before any request; the run key is the
sha256 of the settings that shape the model plus the bytes uploaded; then

1. `OUT/manifest.json` with this key: the run is done, its model id is returned;
2. `OUT/openai_job.json` naming a job: that job is polled again (a killed run resumes);
3. a succeeded or live job tagged with this key at the provider: it is reused or adopted
   (another `--out`, or a run killed between creating the job and recording it);
4. otherwise the messages are uploaded (file id recorded at once), one job is created
   (job id recorded at once), and polled with growing waits until it ends.

A succeeded job writes the manifest (atomically) and removes the job record. A failed or
cancelled job raises `JobFailed` with the API's error and leaves nothing in `OUT`. The API
key is read from the environment at run time and appears in no file or message.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from emscope.core.errors import EmscopeError, InputError
from emscope.core.io import atomic_write_text, dumps_row
from emscope.core.keys import content_key, sha256_file
from emscope.core.lock import output_lock
from emscope.core.secrets import redact
from emscope.data.validate import load_dataset, validate_file
from emscope.train._provenance import git_state, package_versions
from emscope.train.backends._openai_api import ACTIVE, KEY_TAG, TERMINAL, APIError, FineTuneAPI
from emscope.train.backends.base import OnEvent, TrainedModel, TrainEvent
from emscope.train.openai_config import (OpenAITrainConfig, api_parameters, openai_config_sources,
                                         resolve_openai_config)
from emscope.train.prices import estimate_cost

__all__ = ["OpenAIBackend", "JobFailed", "train_openai", "cancel_openai", "openai_run_key", "upload_payload",
           "MANIFEST", "STATE", "SCHEMA_VERSION"]

SCHEMA_VERSION = 1
MANIFEST = "manifest.json"
STATE = "openai_job.json"  # exists only while a job is unfinished
_DUPLICATES_SHOWN = 10


class JobFailed(EmscopeError):
    """The fine-tuning job ended failed or cancelled; the message holds the API's error."""


class OpenAIBackend:
    """Fine-tune through the OpenAI API; the result is a served model id, not an adapter."""

    name = "openai"

    def resolve(self, cli: Mapping[str, Any], yaml_path: str | Path | None
                ) -> tuple[OpenAITrainConfig, dict[str, str]]:
        """`openai_config.resolve_openai_config`: local-only settings are an error naming them."""
        return resolve_openai_config(cli, yaml_path)

    def train(self, config: OpenAITrainConfig, on_event: OnEvent | None = None,
              sources: dict[str, str] | None = None) -> TrainedModel:
        """`train_openai(config)`."""
        return train_openai(config, on_event, sources)


def upload_payload(rows: list[dict[str, Any]]) -> bytes:
    """The JSONL uploaded: each row's `messages` only (emscope's `meta` is bookkeeping, not training data)."""
    return "".join(dumps_row({"messages": row["messages"]}) + "\n" for row in rows).encode("utf-8")


def openai_run_key(config: OpenAITrainConfig, upload_sha256: str) -> str:
    """Content key of a run: the model-shaping settings and the sha256 of the uploaded bytes."""
    return content_key({"config": config.key_fields(), "upload": upload_sha256}, SCHEMA_VERSION)


def train_openai(config: OpenAITrainConfig, on_event: OnEvent | None = None,
                 sources: dict[str, str] | None = None) -> TrainedModel:
    """Fine-tune `config.model` on `config.dataset` through the API; resume, reuse or create one job.

    Plain function over a frozen config (the study calls it per domain and seed). A second
    process on the same `out` stops at once (`core.lock`).
    """
    with output_lock(config.out):
        return _train(config, on_event or (lambda _e: None), sources or openai_config_sources(config))


def _train(config: OpenAITrainConfig, emit: OnEvent, sources: dict[str, str]) -> TrainedModel:
    started = time.monotonic()
    rows = load_dataset(config.dataset)  # validation first: a bad file never costs a request
    duplicates = _warn_duplicates(config.dataset, emit)
    payload = upload_payload(rows)
    upload_sha = hashlib.sha256(payload).hexdigest()
    key = openai_run_key(config, upload_sha)
    done = _finished(config, key)
    if done is not None:
        return _result(config, done, skipped=True)
    dataset = {"path": str(config.dataset), "sha256": sha256_file(str(config.dataset)), "rows": len(rows),
               "duplicate_rows": duplicates, "upload_sha256": upload_sha, "upload_bytes": len(payload)}
    api = FineTuneAPI(config)  # reads the key: after validation, before the first request
    try:
        state = _read_state(config.out)
        if state is not None and state.get("key") != key and not config.overwrite:
            raise InputError(f"{config.out / STATE} records job {state.get('job_id') or '(not yet created)'} for "
                             f"other data or settings (key {state.get('key')}, this run {key}); run with the "
                             "same settings to finish it, use another --out, or --overwrite to cancel it")
        if config.overwrite:
            _discard(api, config.out, state, emit)
            state = None
        job, how = _start(api, config, key, state, payload, emit)
        try:
            job, seen = _poll(api, config, job, emit)
        except APIError as exc:
            raise APIError(f"{exc}\nJob {job.id} keeps running at the provider and is recorded in "
                           f"{config.out / STATE}: run the same command again to resume polling it") from None
        if job.status != "succeeded":
            _fail(config, job, api.all_events(job.id))
        manifest = _manifest(config, sources, key, dataset, job, how, seen, api, time.monotonic() - started)
    finally:
        api.close()
    atomic_write_text(config.out / MANIFEST, redact(json.dumps(manifest, indent=1)) + "\n")
    (config.out / STATE).unlink(missing_ok=True)
    return _result(config, manifest, skipped=False)


def _warn_duplicates(path: Path, emit: OnEvent) -> int:
    """Report repeated rows as `emscope data validate` does (a warning: they are trained on)."""
    warnings = [p for p in validate_file(path) if p.warning]
    for problem in warnings[:_DUPLICATES_SHOWN]:
        emit(TrainEvent("note", str(problem)))
    if len(warnings) > _DUPLICATES_SHOWN:
        emit(TrainEvent("note", f"{path}: ... and {len(warnings) - _DUPLICATES_SHOWN} more duplicate rows"))
    if warnings:
        emit(TrainEvent("note", f"{path}: {len(warnings)} duplicate row(s) kept: a warning; they are uploaded "
                                "and trained on as they are (`emscope data validate --strict` lists them)"))
    return len(warnings)


def _finished(config: OpenAITrainConfig, key: str) -> dict[str, Any] | None:
    """The manifest of this finished run in `out`; refuse a different one (unless overwriting)."""
    path = config.out / MANIFEST
    if not path.is_file():
        return None
    manifest = json.loads(path.read_text())
    if config.overwrite:
        path.unlink()
        return None
    if manifest.get("key") == key and manifest.get("status") == "complete":
        return manifest
    raise InputError(f"{config.out} already holds a finished run with a different configuration "
                     f"(key {manifest.get('key')}, this run {key}); use another --out or --overwrite")


def _read_state(out: Path) -> dict[str, Any] | None:
    path = out / STATE
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text())
    except ValueError as exc:  # written atomically, so only a hand edit gets here
        raise InputError(f"{path} is not valid JSON ({exc}); restore it, or use --overwrite") from None


def _record(out: Path, key: str, file_id: str, job_id: str | None) -> None:
    """Write the job record at once, atomically: a killed run finds this file and resumes."""
    atomic_write_text(out / STATE, json.dumps({"schema_version": SCHEMA_VERSION, "key": key, "file_id": file_id,
                                               "job_id": job_id, "recorded_at": time.time()}, indent=1) + "\n")


def _discard(api: FineTuneAPI, out: Path, state: dict[str, Any] | None, emit: OnEvent) -> None:
    """--overwrite: cancel the recorded job (or the job made from its file) if still live; forget it."""
    if state is not None:
        try:
            jobs = [api.retrieve(state["job_id"])] if state.get("job_id") else [
                j for j in api.find(state["key"]) if j.training_file == state.get("file_id")]
        except APIError as exc:  # nothing readable to cancel; say so rather than block the new run
            emit(TrainEvent("note", f"could not read the job recorded in {out / STATE}, so it was not cancelled "
                                    f"(check it at the provider): {exc}"))
            jobs = []
        for job in jobs:
            if job.status in ACTIVE:
                api.cancel(job.id)
                emit(TrainEvent("note", f"cancelled job {job.id} ({job.status}) recorded in {out / STATE}"))
        (out / STATE).unlink(missing_ok=True)


def _start(api: FineTuneAPI, config: OpenAITrainConfig, key: str, state: dict[str, Any] | None,
           payload: bytes, emit: OnEvent) -> tuple[Any, str]:
    """(job, how): resumed from the record, reused/adopted from the provider, or created now."""
    if state is not None and state.get("job_id"):
        emit(TrainEvent("note", f"resuming job {state['job_id']} recorded in {config.out / STATE}"))
        try:
            return api.retrieve(state["job_id"]), "resumed"
        except APIError as exc:
            raise APIError(f"{exc}\nThe job recorded in {config.out / STATE} could not be read; if it no longer "
                           "exists at this base URL, run again with --overwrite to start a new one") from None
    if not config.overwrite:
        found = api.adoptable(key)
        if found is not None:
            _record(config.out, key, found.training_file, found.id)
            what = "reusing its model" if found.status == "succeeded" else "following it"
            emit(TrainEvent("note", f"job {found.id} ({found.status}) at {config.base_url} has this dataset and "
                                    f"these settings (key {key}): {what} instead of creating another"))
            return found, "reused" if found.status == "succeeded" else "adopted"
    file_id = state.get("file_id") if state is not None else None
    if not file_id:
        file_id = api.upload(f"{config.dataset.stem}-{key}.jsonl", payload)
        _record(config.out, key, file_id, None)
        emit(TrainEvent("note", f"uploaded {config.dataset} as {file_id}"))
    job, adopted = api.create_once(key, {**api_parameters(config), "training_file": file_id})
    _record(config.out, key, file_id, job.id)
    emit(TrainEvent("note", f"{'found' if adopted else 'created'} job {job.id} on {config.model} "
                            f"(recorded in {config.out / STATE})"))
    return job, "adopted" if adopted else "created"


def _poll(api: FineTuneAPI, config: OpenAITrainConfig, job: Any, emit: OnEvent) -> tuple[Any, list[dict]]:
    """Poll until the job ends; waits grow x1.5 while the status holds (Retry-After: see core.retry)."""
    deadline = time.monotonic() + config.max_wait_s if config.max_wait_s else None
    seen: list[dict[str, Any]] = []
    event_ids: set[str] = set()
    interval = config.poll_interval_s
    while True:
        if not seen or seen[-1]["status"] != job.status:
            seen.append({"status": job.status, "seen_at": round(time.time(), 3)})
            emit(TrainEvent("status", f"job {job.id}: {job.status}"))
            interval = config.poll_interval_s
        recent = api.recent_events(job.id)  # newest first
        fresh = [e for e in recent if e.id not in event_ids]
        if len(seen) == 1 and len(event_ids) == 0:
            fresh = fresh[:1]  # a resumed or reused job: its latest message, not its whole history
        event_ids.update(e.id for e in recent)
        for event in reversed(fresh):
            emit(TrainEvent("event", str(event.message), data=event.level))
        if job.status in TERMINAL:
            return job, seen
        if deadline is not None and time.monotonic() + interval > deadline:
            raise EmscopeError(f"job {job.id} is still {job.status} after {config.max_wait_s:g} s (max_wait_s); "
                               f"it keeps running at the provider and is recorded in {config.out / STATE}: "
                               "run the same command again to resume polling it")
        time.sleep(interval)
        interval = min(interval * 1.5, config.max_poll_interval_s)
        job = api.retrieve(job.id)


def _fail(config: OpenAITrainConfig, job: Any, events: list[Any]) -> None:
    """Forget the dead job (a rerun starts a new one) and raise with the API's own words."""
    (config.out / STATE).unlink(missing_ok=True)
    try:
        config.out.rmdir()  # only when empty: nothing half-written stays behind
    except OSError:
        pass
    error = getattr(job, "error", None)
    said = ""
    if error is not None and (getattr(error, "message", None) or getattr(error, "code", None)):
        param = f" (param {error.param})" if getattr(error, "param", None) else ""
        said = f": {error.code or 'error'}: {error.message}{param}"
    logged = [str(e.message) for e in events if getattr(e, "level", "") == "error"][-3:]
    if logged:
        said += "\nThe job's error events: " + " | ".join(logged)
    raise JobFailed(redact(f"fine-tuning job {job.id} on {job.model} ended {job.status}{said}\n"
                           f"Nothing was written to {config.out}; fix the cause and run again (a new job is "
                           "created; this one is not resumed)"))


def _plain(obj: Any) -> Any:
    return obj.model_dump(mode="json") if hasattr(obj, "model_dump") else obj


def _manifest(config: OpenAITrainConfig, sources: dict[str, str], key: str, dataset: dict[str, Any], job: Any,
              how: str, seen: list[dict[str, Any]], api: FineTuneAPI, wall: float) -> dict[str, Any]:
    if not job.fine_tuned_model:
        raise APIError(f"job {job.id} succeeded but the API named no fine_tuned_model; run again to re-read it")
    method = _plain(getattr(job, "method", None)) or {}
    resolved = (method.get("supervised") or {}).get("hyperparameters") or _plain(job.hyperparameters)
    events = [{"id": e.id, "created_at": e.created_at, "level": e.level, "type": getattr(e, "type", None),
               "message": e.message} for e in api.all_events(job.id)]
    waits = api.waits
    return {
        "schema_version": SCHEMA_VERSION, "status": "complete", "backend": "openai", "key": key,
        "git": git_state(), "versions": package_versions(("openai",)), "seed": config.seed,
        "config": config.model_dump(mode="json"), "config_sources": sources, "dataset": dataset,
        "base_model": config.model, "fine_tuned_model": job.fine_tuned_model,
        "job_id": job.id, "file_id": job.training_file, "trained_tokens": job.trained_tokens,
        "api": {"base_url": config.base_url, "sent": api_parameters(config), "metadata": {KEY_TAG: key}},
        "job": {"how": how, "status": job.status, "model": job.model, "seed": job.seed,
                "hyperparameters": resolved, "created_at": job.created_at, "finished_at": job.finished_at},
        "statuses_seen": seen, "events": events,
        "cost": estimate_cost(config.model, job.trained_tokens, config.prices),
        "retries": {"count": len(waits), "waited_s": round(sum(waits), 3)},
        "wall_seconds": round(wall, 3),
    }


def _result(config: OpenAITrainConfig, manifest: dict[str, Any], skipped: bool) -> TrainedModel:
    return TrainedModel("openai", manifest["key"], config.out, config.model, None, manifest["fine_tuned_model"],
                        skipped, manifest)


def cancel_openai(config: OpenAITrainConfig) -> str:
    """Cancel the unfinished job recorded in `config.out` and forget it; a line saying what happened."""
    with output_lock(config.out):
        state = _read_state(config.out)
        if state is None or not state.get("job_id"):
            raise InputError(f"{config.out} records no unfinished fine-tuning job (no {STATE} with a job id)")
        api = FineTuneAPI(config)
        try:
            job = api.retrieve(state["job_id"])
            if job.status in ACTIVE:
                job = api.cancel(job.id)
        finally:
            api.close()
        (config.out / STATE).unlink(missing_ok=True)
        return f"job {job.id}: {job.status}; {config.out / STATE} removed"
