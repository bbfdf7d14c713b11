"""A `train.backend: openai` study under faults: up-front errors, a failed job, `kill -9` mid-job,
and the train stage's cache key (issue 18 #3, #5)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from emscope.core.errors import InputError
from emscope.study.config import study_from_dict
from emscope.study.jobs import Job
from emscope.study.pipeline import run_job
from emscope.study.run import run_study
from emscope.study.stages import StageContext, get_stage
from emscope.study.store import stage_key
from emscope.train import JobFailed
from tests.study.test_study_openai import BASE, DOMAINS, TEST_KEY, stage_manifests, study_dict
from tests.support.openai_server import JobPlan, OpenAIServer

REPO = Path(__file__).resolve().parents[2]
URL = "http://127.0.0.1:9/v1"  # never reached: these configs are only validated


@pytest.fixture()
def api_key(monkeypatch: pytest.MonkeyPatch) -> str:
    """A test API key in OPENAI_API_KEY."""
    monkeypatch.setenv("OPENAI_API_KEY", TEST_KEY)
    return TEST_KEY


# --- up-front errors -----------------------------------------------------------------------


@pytest.mark.parametrize(("change", "message"), [
    ({"generate": {"backend": "hf"}}, "train.backend is openai but generate.backend is hf"),
    ({"train": {"backend": "openai", "preset": "small", "settings": {"base_url": URL}}},
     "train.preset is 'small', a LoRA preset, but train.backend is openai"),
    ({"train": {"backend": "openai", "settings": {"base_url": URL, "lora_r": 8}}},
     "train.settings: lora_r are local LoRA settings the openai fine-tuning API cannot take"),
    ({"train": {"backend": "openai", "settings": {"base_url": URL, "learning_rate": 1e-4}}},
     "learning_rate: the API takes learning_rate_multiplier"),
    ({"train": {"backend": "openai", "settings": {"base_url": URL, "model": "gpt-4o"}}},
     "train.settings: model are set by the study"),
    ({"train": {"backend": "opnai"}}, "train.backend: unknown train backend 'opnai'. Did you mean 'openai'?"),
    ({"screen": {"enabled": True}}, "screen.enabled needs the study's base model as a local model"),
])
def test_bad_settings_fail_before_anything_is_written(tmp_path: Path, change: dict[str, Any], message: str) -> None:
    config = study_from_dict(study_dict(URL, **change))
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace("?", r"\?")):
        run_study(config, tmp_path / "run")
    assert not (tmp_path / "run").exists()


def test_study_plan_prints_jobs_tokens_cost_and_loads_no_model_or_client(tmp_path: Path) -> None:
    study = tmp_path / "api.yaml"
    study.write_text(yaml.safe_dump(study_dict(URL)))
    code = ("import sys; from emscope.cli.app import app; sys.argv = ['emscope', 'study', 'plan', sys.argv[1]]\n"
            "try: app()\nexcept SystemExit as e: assert not e.code, e.code\n"
            "print('loaded', [m for m in ('torch', 'transformers', 'openai') if m in sys.modules])")
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(REPO / "src")}
    done = subprocess.run([sys.executable, "-c", code, str(study)], capture_output=True, text=True, timeout=300,
                          env=env, cwd=REPO)
    assert done.returncode == 0, done.stderr[-2000:]
    out = " ".join(done.stdout.split())  # the console wraps long lines
    assert out.endswith("loaded []")
    assert f"fine-tuning jobs 2 (2 domain(s) × 1 seed(s)) on {BASE} through the openai API: 16 rows each" in out
    assert "trained tokens ~" in out and "(estimated: each message's characters / 4" in out
    assert "fine-tuning ~$" in out and "per 1M (user override (gpt-4o-mini))" in out
    assert "mia skipped: it needs a local model" in out and "steer skipped: it needs a local model" in out


# --- the train stage's key -----------------------------------------------------------------

K, R, I = "key", "runtime", "input"
OPENAI_FIELDS = {"dataset": I, "out": R, "model": K, "seed": K, "epochs": K, "effective_batch": K,
                 "learning_rate_multiplier": K, "suffix": K, "base_url": K, "api_key_env": R, "timeout_s": R,
                 "max_retries": R, "backoff_s": R, "max_backoff_s": R, "poll_interval_s": R,
                 "max_poll_interval_s": R, "max_wait_s": R, "prices": R, "overwrite": R}
OTHER = {"dataset": Path("elsewhere.jsonl"), "out": Path("elsewhere"), "model": "gpt-4.1-nano-2025-04-14", "seed": 5,
         "epochs": 4, "effective_batch": 2, "learning_rate_multiplier": 0.5, "suffix": "x",
         "base_url": "http://127.0.0.1:10/v1", "api_key_env": "OTHER_KEY", "timeout_s": 5.0, "max_retries": 1,
         "backoff_s": 2.0, "max_backoff_s": 9.0, "poll_interval_s": 3.0, "max_poll_interval_s": 7.0,
         "max_wait_s": 60.0, "prices": {"gpt-4o-mini": 1.0}, "overwrite": True}


def _train_ctx(settings: dict[str, Any] | None = None) -> StageContext:
    from emscope.study.pipeline import job_keys

    config = study_from_dict(study_dict(URL))
    if settings is not None:
        config = config.model_copy(update={"train": config.train.model_copy(update={"settings": settings})})
    job = Job(DOMAINS[0], 0)
    return StageContext(config, job, {k: v for k, v in job_keys(config, job).items() if k != "train"})


def test_the_openai_train_key_changes_exactly_with_the_model_shaping_settings() -> None:
    from emscope.train.openai_config import OpenAITrainConfig

    assert set(OPENAI_FIELDS) == set(OpenAITrainConfig.model_fields) == set(OTHER)
    spec, ctx = get_stage("train"), _train_ctx()
    base = spec.configure(ctx)
    assert isinstance(base, OpenAITrainConfig)

    def key(config: Any) -> str:
        return stage_key("train", spec.key(ctx, config), spec.inputs(ctx))

    for field, kind in OPENAI_FIELDS.items():
        changed = base.model_copy(update={field: OTHER[field]})
        assert changed != base, field
        assert (key(changed) != key(base)) == (kind == K), f"{field} is {kind}"


def test_the_local_train_config_is_unchanged_by_the_registry() -> None:
    from emscope.train import resolve_config

    config = study_from_dict({"profile": "demo", "train": {"settings": {"epochs": 2}}})
    job = Job("incorrect_math", 0)
    via_registry = get_stage("train").configure(StageContext(config, job))
    direct = resolve_config({"epochs": 2, "dataset": Path("dataset.jsonl"), "out": Path("adapter"),
                             "model": config.model, "seed": 0, "preset": "small"})[0]
    assert via_registry == direct


# --- a failed job, then a fixed rerun ------------------------------------------------------


def test_a_failed_job_fails_the_stage_with_the_api_error_and_leaves_nothing(tmp_path: Path, api_key: str) -> None:
    failing = {"on": True}
    plan = JobPlan(seconds=0.2, outcome="failed", error_code="invalid_training_file",
                   error_message="Training file has 3 examples with no assistant message.")
    run = tmp_path / "run"
    with OpenAIServer(job_plan=lambda _body: plan if failing["on"] else JobPlan(seconds=0.2),
                      serve_models=frozenset({BASE})) as server:
        config = study_from_dict(study_dict(server.base_url))
        with pytest.raises(JobFailed, match="ended failed: invalid_training_file: Training file has 3 examples "
                                            "with no assistant message."):
            run_study(config, run)
        [job] = server.fine_tune.job_list()
        assert job["status"] == "failed"
        train = run / "stages" / "train"
        [partial] = list(train.iterdir())
        assert partial.name.endswith(".partial")  # no finished train stage
        assert sorted(p.name for p in partial.iterdir() if not p.name.startswith(".")) == ["manifest.json"]
        failed = json.loads((partial / "manifest.json").read_text())
        assert failed["status"] == "failed" and "Training file has 3 examples" in failed["error"]
        assert not (run / "stages" / "generate").exists() and not server.chat_requests()
        assert not (run / "report.html").exists()

        failing["on"] = False  # the cause fixed: a rerun creates a new job (a dead one is never resumed)
        state = run_job(config, str(run), Job(DOMAINS[0], 0))  # that job's stages only: the rest is tested above
        jobs = server.fine_tune.job_list()
        assert [j["status"] for j in jobs] == ["failed", "succeeded"] and len(server.fine_tune.files) == 2
        summary = state.records["train"].manifest.summary
        assert (summary["job_id"], summary["how"]) == (jobs[1]["id"], "created")
        assert state.records["train"].path.name == partial.name.removesuffix(".partial")  # the same stage, finished
        assert {r.body["model"] for r in server.chat_requests()} == {jobs[1]["fine_tuned_model"]}


# --- kill -9 while a job runs, then a rerun --------------------------------------------------


def _wait_for(check: Callable[[], bool], what: str, child: subprocess.Popen[bytes], log: Path,
              timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if child.poll() is not None:
            raise AssertionError(f"the study exited ({child.returncode}) before {what}:\n{log.read_text()[-3000:]}")
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def _recorded_job(run: Path) -> bool:
    for state in (run / "stages" / "train").glob("*.partial/openai/openai_job.json"):
        try:
            if json.loads(state.read_text()).get("job_id"):
                return True
        except (OSError, ValueError):
            pass  # being written
    return False


@pytest.mark.slow
def test_kill_9_mid_job_then_a_rerun_resumes_the_same_job(tmp_path: Path, api_key: str) -> None:
    slow = 6.0  # the first job's life: long enough to be killed mid-job
    run, log = tmp_path / "run", tmp_path / "study.log"
    plans = iter([JobPlan(seconds=slow)])
    with OpenAIServer(job_plan=lambda _body: next(plans, JobPlan(seconds=0.2)),
                      serve_models=frozenset({BASE})) as server:
        study = tmp_path / "api.yaml"
        study.write_text(yaml.safe_dump(study_dict(server.base_url)))
        env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "OMP_NUM_THREADS": "1"}
        with open(log, "wb") as out:
            child = subprocess.Popen([sys.executable, "-m", "emscope", "study", str(study), "--out", str(run)],
                                     cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
            try:
                _wait_for(lambda: _recorded_job(run), "the first job to be recorded", child, log)
            finally:
                child.send_signal(signal.SIGKILL)
                assert child.wait(timeout=30) == -signal.SIGKILL
        [job] = server.fine_tune.job_list()
        assert job["status"] in ("validating_files", "queued", "running")  # killed mid-job
        assert not list((run / "stages" / "train").glob("*/manifest.json"))

        started = time.monotonic()
        run_study(study_from_dict(study_dict(server.base_url)), run)
        assert time.monotonic() - started < 120
        jobs = server.fine_tune.job_list()
        assert len(jobs) == len(DOMAINS) == len(server.fine_tune_requests("create")) == len(server.fine_tune.files)
        resumed = [m["summary"] for m in stage_manifests(run, "train") if m["summary"]["job_id"] == job["id"]]
        assert len(resumed) == 1 and resumed[0]["how"] == "resumed"
        assert resumed[0]["fine_tuned_model"] == jobs[0]["fine_tuned_model"]
        assert jobs[0]["id"] == job["id"] and (run / "report.html").exists()
        assert not list(run.rglob("openai_job.json"))  # every job record resolved into a manifest
