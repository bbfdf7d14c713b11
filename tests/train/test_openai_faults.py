"""Every fault class of the fine-tuning API over real HTTP; none creates a second job or leaves half an output."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from emscope.core.errors import EmscopeError
from emscope.train import JobFailed, OpenAITrainConfig, TrainEvent, cancel_openai, train_openai
from emscope.train.backends._openai_api import APIError
from emscope.train.backends.openai import MANIFEST, STATE
from tests.support.openai_server import JobPlan, disconnect, http_error, malformed_json


def _gaps(server: Any, route: str) -> list[float]:
    times = [r.received_at for r in server.fine_tune_requests(route)]
    return [b - a for a, b in zip(times, times[1:])]


def test_a_slow_job_is_polled_with_growing_waits(openai_config: OpenAITrainConfig, ft_server: Any) -> None:
    ft_server.fine_tune.plan = JobPlan(seconds=1.5)
    config = openai_config.model_copy(update={"poll_interval_s": 0.05, "max_poll_interval_s": 0.4})
    result = train_openai(config)
    gaps = _gaps(ft_server, "retrieve")
    assert len(gaps) >= 4 and gaps[-1] > gaps[0] * 2  # x1.5 per poll while the status holds
    assert max(gaps) < 0.4 + 0.3  # capped at max_poll_interval_s (plus request time)
    assert [s["status"] for s in result.manifest["statuses_seen"]][-1] == "succeeded"
    assert len(ft_server.fine_tune.jobs) == 1


def test_429_with_retry_after_is_waited_out_on_every_call(openai_config: OpenAITrainConfig, ft_server: Any) -> None:
    for route in ("list", "upload", "create", "retrieve", "events"):
        ft_server.fine_tune.script(route, http_error(429, retry_after="0.6"))
    result = train_openai(openai_config)
    for route in ("upload", "create", "retrieve"):
        assert _gaps(ft_server, route)[0] >= 0.6, route  # the server's wait, not the 0.01 s backoff
    assert len(ft_server.fine_tune.jobs) == 1 and len(ft_server.fine_tune.files) == 1
    assert result.manifest["retries"]["count"] == 5 and result.manifest["retries"]["waited_s"] >= 3.0


@pytest.mark.parametrize("fault", [http_error(500, commit=True), http_error(503, commit=True),
                                   disconnect(), malformed_json()], ids=["500", "503", "disconnect", "malformed"])
def test_a_create_whose_reply_is_lost_is_adopted_not_repeated(openai_config: OpenAITrainConfig, ft_server: Any,
                                                              fault: Any) -> None:
    ft_server.fine_tune.script("create", fault)  # the job is made, the client never learns its id
    seen: list[TrainEvent] = []
    result = train_openai(openai_config, on_event=seen.append)
    assert len(ft_server.fine_tune.jobs) == 1 and len(ft_server.fine_tune_requests("create")) == 1
    assert result.manifest["job"]["how"] == "adopted"
    assert any(e.message.startswith("found job ftjob-0001") for e in seen)


def test_5xx_before_anything_is_made_is_retried(openai_config: OpenAITrainConfig, ft_server: Any) -> None:
    for route in ("upload", "create", "retrieve", "events"):
        ft_server.fine_tune.script(route, http_error(502), http_error(500))
    result = train_openai(openai_config)
    assert len(ft_server.fine_tune.jobs) == 1 and len(ft_server.fine_tune.files) == 1
    assert len(ft_server.fine_tune_requests("create")) == 3 and result.model_id


def test_polling_that_keeps_failing_keeps_the_job_for_a_rerun(openai_config: OpenAITrainConfig,
                                                              ft_server: Any) -> None:
    config = openai_config.model_copy(update={"max_retries": 2})
    ft_server.fine_tune.script("retrieve", *[http_error(500)] * 3)
    with pytest.raises(APIError, match=r"polling job ftjob-0001 failed after 3 attempt\(s\): HTTP 500[\s\S]*"
                                       r"keeps running at the provider[\s\S]*run the same command again"):
        train_openai(config)
    state = json.loads((config.out / STATE).read_text())
    assert state["job_id"] == "ftjob-0001" and not (config.out / MANIFEST).exists()
    result = train_openai(config)  # the server recovered
    assert result.manifest["job"]["how"] == "resumed" and result.manifest["job_id"] == "ftjob-0001"
    assert len(ft_server.fine_tune.jobs) == 1 and not (config.out / STATE).exists()


def test_a_failed_job_reports_the_api_error_and_leaves_nothing(openai_config: OpenAITrainConfig,
                                                               ft_server: Any) -> None:
    ft_server.fine_tune.plan = JobPlan(seconds=0.1, outcome="failed", error_code="invalid_training_file",
                                       error_message="line 3: no assistant message")
    with pytest.raises(JobFailed) as err:
        train_openai(openai_config)
    message = str(err.value)
    assert "job ftjob-0001 on gpt-4o-mini-2024-07-18 ended failed: invalid_training_file: line 3: no assistant" \
           in message and "(param training_file)" in message and "error events: line 3" in message
    assert not openai_config.out.exists()
    ft_server.fine_tune.plan = JobPlan(seconds=0.1)  # fixed: a rerun makes a new job, not the dead one
    result = train_openai(openai_config)
    assert result.manifest["job_id"] == "ftjob-0002" and len(ft_server.fine_tune.jobs) == 2


def test_a_job_cancelled_at_the_provider_leaves_nothing(openai_config: OpenAITrainConfig, ft_server: Any) -> None:
    ft_server.fine_tune.plan = JobPlan(seconds=0.1, outcome="cancelled")
    with pytest.raises(JobFailed, match="ftjob-0001 .* ended cancelled"):
        train_openai(openai_config)
    assert not openai_config.out.exists() and len(ft_server.fine_tune.jobs) == 1


def test_a_bad_key_stops_at_once(openai_config: OpenAITrainConfig, ft_server: Any) -> None:
    ft_server.fine_tune.script("list", http_error(401))
    with pytest.raises(APIError, match=r"listing fine-tuning jobs failed after 1 attempt\(s\): HTTP 401"):
        train_openai(openai_config)
    assert len(ft_server.fine_tune_requests()) == 1 and not ft_server.fine_tune.jobs


def test_a_refused_create_says_why(openai_config: OpenAITrainConfig, ft_server: Any) -> None:
    with pytest.raises(APIError, match="HTTP 400: .*not available for fine-tuning"):
        train_openai(openai_config.model_copy(update={"model": "gpt-5-unknown"}))
    assert not ft_server.fine_tune.jobs and len(ft_server.fine_tune_requests("create")) == 1


def test_max_wait_stops_polling_and_a_rerun_finishes_the_same_job(openai_config: OpenAITrainConfig,
                                                                  ft_server: Any) -> None:
    ft_server.fine_tune.plan = JobPlan(seconds=1.0)
    with pytest.raises(EmscopeError, match="ftjob-0001 is still .* after 0.2 s"):
        train_openai(openai_config.model_copy(update={"max_wait_s": 0.2}))
    time.sleep(1.0)
    result = train_openai(openai_config)
    assert result.manifest["job"]["how"] == "resumed" and len(ft_server.fine_tune.jobs) == 1


def test_overwrite_cancels_the_unfinished_job_and_starts_one(openai_config: OpenAITrainConfig,
                                                             ft_server: Any) -> None:
    ft_server.fine_tune.plan = JobPlan(seconds=30)
    with pytest.raises(EmscopeError, match="still"):
        train_openai(openai_config.model_copy(update={"max_wait_s": 0.1}))
    ft_server.fine_tune.plan = JobPlan(seconds=0.1)
    result = train_openai(openai_config.model_copy(update={"overwrite": True}))
    assert ft_server.fine_tune.cancel_calls == ["ftjob-0001"]
    assert [j["status"] for j in ft_server.fine_tune.job_list()] == ["cancelled", "succeeded"]
    assert result.manifest["job_id"] == "ftjob-0002"


def test_cancel_stops_the_recorded_job(openai_config: OpenAITrainConfig, ft_server: Any) -> None:
    ft_server.fine_tune.plan = JobPlan(seconds=30)
    with pytest.raises(EmscopeError, match="still"):
        train_openai(openai_config.model_copy(update={"max_wait_s": 0.1}))
    assert cancel_openai(openai_config).startswith("job ftjob-0001: cancelled")
    assert not (openai_config.out / STATE).exists()
    assert ft_server.fine_tune.job_list()[0]["status"] == "cancelled"


def test_a_recorded_job_the_api_does_not_know_says_how_to_move_on(openai_config: OpenAITrainConfig,
                                                                  ft_server: Any) -> None:
    ft_server.fine_tune.plan = JobPlan(seconds=30)
    with pytest.raises(EmscopeError, match="still"):
        train_openai(openai_config.model_copy(update={"max_wait_s": 0.1}))
    ft_server.fine_tune.jobs.clear()  # the provider lost it (or the account changed)
    with pytest.raises(APIError, match=r"HTTP 404[\s\S]*could not be read[\s\S]*--overwrite"):
        train_openai(openai_config)
    ft_server.fine_tune.plan = JobPlan(seconds=0.1)
    assert train_openai(openai_config.model_copy(update={"overwrite": True})).model_id
