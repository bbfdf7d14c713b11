"""`emscope train --backend openai` on the command line, against the loopback fine-tuning API."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from emscope.cli.app import app
from emscope.core.errors import InputError
from emscope.train import OpenAITrainConfig
from tests.support.openai_server import JobPlan

runner = CliRunner()


def _args(config: OpenAITrainConfig, *extra: str) -> list[str]:
    return ["train", "--backend", "openai", "--dataset", str(config.dataset), "--out", str(config.out),
            "--model", config.model, "--base-url", config.base_url, "--poll-interval", "0.02", *extra]


def test_train_backend_openai_end_to_end(openai_config: OpenAITrainConfig, ft_server: Any, api_key: str) -> None:
    result = runner.invoke(app, _args(openai_config, "--epochs", "2", "--effective-batch", "4",
                                      "--learning-rate-multiplier", "1.5", "--seed", "3", "--suffix", "cli",
                                      "--price", "gpt-4o-mini=2.0"))
    assert result.exit_code == 0, result.output
    manifest = json.loads((openai_config.out / "manifest.json").read_text())
    job = ft_server.fine_tune.job_list()[0]
    assert manifest["fine_tuned_model"] == job["fine_tuned_model"] and job["seed"] == 3
    hyper = ft_server.fine_tune_requests("create")[0].body["method"]["supervised"]["hyperparameters"]
    assert hyper == {"n_epochs": 2, "batch_size": 4, "learning_rate_multiplier": 1.5}
    assert manifest["cost"]["usd_per_million_tokens"] == 2.0 and manifest["cost"]["price_source"].startswith("user")
    assert manifest["config_sources"]["suffix"] == "cli" and manifest["config_sources"]["max_wait_s"] == "default"
    output = " ".join(result.output.split())
    assert f"fine-tuned model: {job['fine_tuned_model']}" in output and "job ftjob-0001" in output
    assert "estimated cost $" in output and api_key not in result.output
    again = runner.invoke(app, _args(openai_config, "--epochs", "2", "--effective-batch", "4",
                                     "--learning-rate-multiplier", "1.5", "--seed", "3", "--suffix", "cli"))
    assert again.exit_code == 0 and "already trained" in again.output and len(ft_server.fine_tune.jobs) == 1


def test_local_only_options_are_refused_by_name(openai_config: OpenAITrainConfig, ft_server: Any) -> None:
    result = runner.invoke(app, _args(openai_config, "--lora-r", "8", "--lr", "1e-4"))
    assert isinstance(result.exception, InputError)
    assert "lora_r:" in str(result.exception) and "learning_rate:" in str(result.exception)
    assert ft_server.requests == []


def test_api_only_options_are_refused_by_the_local_backend(tmp_path: Path, chat_dataset: Path) -> None:
    result = runner.invoke(app, ["train", "--dataset", str(chat_dataset), "--out", str(tmp_path / "o"),
                                 "--suffix", "x"])
    assert isinstance(result.exception, InputError) and "suffix" in str(result.exception)
    assert "--backend openai" in str(result.exception)


def test_a_bad_price_option_says_the_format(openai_config: OpenAITrainConfig, ft_server: Any) -> None:
    result = runner.invoke(app, _args(openai_config, "--price", "gpt-4o-mini"))
    assert isinstance(result.exception, InputError) and "MODEL=USD_PER_1M_TOKENS" in str(result.exception)


def test_cancel_needs_only_out_and_the_api(openai_config: OpenAITrainConfig, ft_server: Any) -> None:
    ft_server.fine_tune.plan = JobPlan(seconds=30)
    started = runner.invoke(app, _args(openai_config, "--max-wait", "0.1"))
    assert started.exit_code != 0 and "ftjob-0001" in str(started.exception)
    result = runner.invoke(app, ["train", "--backend", "openai", "--out", str(openai_config.out),
                                 "--base-url", openai_config.base_url, "--cancel"])
    assert result.exit_code == 0, result.output
    assert "job ftjob-0001: cancelled" in " ".join(result.output.split())
    assert ft_server.fine_tune.job_list()[0]["status"] == "cancelled"
