"""The openai train backend's settings: the exact API mapping, refused settings, precedence, key, prices."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from emscope.core.errors import InputError
from emscope.train import OpenAITrainConfig, get_backend, resolve_openai_config
from emscope.train.backends.openai import openai_run_key
from emscope.train.config import TrainConfig
from emscope.train.openai_config import API_PARAMETERS, OPENAI_KEY_EXCLUDED, UNSUPPORTED, api_parameters
from emscope.train.prices import PRICES, estimate_cost, price_for

BASE = {"dataset": "d.jsonl", "out": "out", "model": "gpt-4o-mini-2024-07-18"}


def test_settings_map_to_the_exact_api_parameters() -> None:
    config, _ = resolve_openai_config({**BASE, "epochs": 4, "effective_batch": 16, "learning_rate_multiplier": 2.0,
                                       "seed": 7, "suffix": "em-medical"})
    assert api_parameters(config) == {
        "model": "gpt-4o-mini-2024-07-18", "seed": 7, "suffix": "em-medical",
        "method": {"type": "supervised", "supervised": {"hyperparameters": {
            "n_epochs": 4, "batch_size": 16, "learning_rate_multiplier": 2.0}}}}
    assert set(API_PARAMETERS) == {"epochs", "effective_batch", "learning_rate_multiplier", "seed", "suffix"}


def test_unset_hyperparameters_are_left_to_the_api_but_the_seed_is_always_sent() -> None:
    config, sources = resolve_openai_config(BASE)
    params = api_parameters(config)
    assert params["method"]["supervised"]["hyperparameters"] == {}  # "auto" for all three
    assert params["seed"] == 0 and "suffix" not in params
    assert sources["seed"] == "default" and sources["model"] == "cli"


def test_every_local_only_setting_is_an_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(InputError) as err:
        resolve_openai_config({**BASE, "lora_r": 8, "learning_rate": 1e-4, "max_length": 256})
    message = str(err.value)
    assert "cannot take these train settings (from command-line options)" in message
    for name in ("lora_r", "learning_rate", "max_length"):
        assert f"  {name}:" in message
    assert "learning_rate_multiplier" in message and "--backend local" in message
    yaml_file = tmp_path / "t.yaml"
    yaml_file.write_text("preset: paper\nwarmup_steps: 3\n")
    with pytest.raises(InputError, match=r"from config file .*t\.yaml[\s\S]*preset:[\s\S]*warmup_steps:"):
        resolve_openai_config(BASE, yaml_file)
    # every local setting is either taken (and mapped) or refused: none is silently dropped
    taken = {"dataset", "out", "model", "overwrite"} | set(API_PARAMETERS)
    assert set(TrainConfig.model_fields) <= taken | set(UNSUPPORTED)
    assert not (taken & set(UNSUPPORTED))


def test_unknown_and_invalid_settings_say_what_is_wrong() -> None:
    with pytest.raises(InputError, match="'sufix' Did you mean 'suffix'"):
        resolve_openai_config({**BASE, "sufix": "x"})
    with pytest.raises(InputError, match="suffix"):
        resolve_openai_config({**BASE, "suffix": "x" * 65})
    with pytest.raises(InputError, match="epochs"):
        resolve_openai_config({**BASE, "epochs": 51})
    with pytest.raises(InputError, match="needs --model"):
        resolve_openai_config({"dataset": "d.jsonl", "out": "o"})


def test_cli_beats_yaml_beats_defaults_and_an_explicit_zero_wins(tmp_path: Path) -> None:
    yaml_file = tmp_path / "t.yaml"
    yaml_file.write_text("seed: 5\nepochs: 2\nsuffix: from-yaml\n")
    config, sources = resolve_openai_config({**BASE, "seed": 0, "suffix": "from-cli"}, yaml_file)
    assert config.seed == 0 and sources["seed"] == "cli"
    assert config.epochs == 2 and sources["epochs"] == "yaml"
    assert config.suffix == "from-cli" and sources["effective_batch"] == "default"


def test_the_local_backend_refuses_api_only_settings(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="suffix.*openai train backend"):
        get_backend("local").resolve({"dataset": "d.jsonl", "out": "o", "suffix": "x"}, None)
    yaml_file = tmp_path / "t.yaml"
    yaml_file.write_text("learning_rate_multiplier: 2\n")
    with pytest.raises(InputError, match="learning_rate_multiplier \\(from config file"):
        get_backend("local").resolve({"dataset": "d.jsonl", "out": "o"}, yaml_file)


# The key, both ways: every field either changes it or is listed as not shaping the model.
KEY_CHANGES: dict[str, Any] = {"model": "gpt-4.1-nano-2025-04-14", "seed": 1, "epochs": 2, "effective_batch": 4,
                               "learning_rate_multiplier": 0.5, "suffix": "s", "base_url": "http://127.0.0.1:9/v1"}
KEY_KEEPS: dict[str, Any] = {"dataset": "other.jsonl", "out": "elsewhere", "api_key_env": "MY_KEY", "timeout_s": 5,
                             "max_retries": 0, "backoff_s": 2, "max_backoff_s": 3, "poll_interval_s": 1,
                             "max_poll_interval_s": 2, "max_wait_s": 9, "prices": {"gpt-4o-mini": 1.0},
                             "overwrite": True}


def test_every_field_is_tested_for_the_key() -> None:
    assert set(KEY_CHANGES) | set(KEY_KEEPS) == set(OpenAITrainConfig.model_fields)
    assert set(KEY_KEEPS) == set(OPENAI_KEY_EXCLUDED)


@pytest.mark.parametrize("field", sorted(KEY_CHANGES))
def test_model_shaping_fields_change_the_key(field: str) -> None:
    base = OpenAITrainConfig(**BASE)
    assert openai_run_key(base, "sha") != openai_run_key(base.model_copy(update={field: KEY_CHANGES[field]}), "sha")


@pytest.mark.parametrize("field", sorted(KEY_KEEPS))
def test_other_fields_keep_the_key(field: str) -> None:
    base = OpenAITrainConfig(**BASE)
    assert openai_run_key(base, "sha") == openai_run_key(base.model_copy(update={field: KEY_KEEPS[field]}), "sha")


def test_the_uploaded_bytes_change_the_key() -> None:
    base = OpenAITrainConfig(**BASE)
    assert openai_run_key(base, "a") != openai_run_key(base, "b")


def test_prices_match_families_and_user_overrides_win() -> None:
    assert price_for("gpt-4o-mini-2024-07-18")[0] == PRICES["gpt-4o-mini"]  # not gpt-4o's price
    assert price_for("gpt-4o-2024-08-06")[0] == PRICES["gpt-4o"]
    assert price_for("ft:gpt-4o-mini-2024-07-18:org:x:abc")[0] == PRICES["gpt-4o-mini"]
    price, source = price_for("gpt-4o-mini-2024-07-18", {"gpt-4o-mini-2024-07-18": 1.25})
    assert price == 1.25 and source == "user override"
    unknown, why = price_for("my-model")
    assert unknown is None and "--price my-model=" in why
    cost = estimate_cost("gpt-4o-mini-2024-07-18", 2_000_000)
    assert cost["estimated_usd"] == pytest.approx(2 * PRICES["gpt-4o-mini"])
    assert estimate_cost("my-model", 10)["estimated_usd"] is None
    with pytest.raises(InputError, match="negative"):
        resolve_openai_config({**BASE, "prices": {"gpt-4o-mini": -1}})


def test_the_readme_lists_exactly_the_refused_settings_and_the_mapping() -> None:
    import re

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    refused = readme[readme.index("an **error that names"):readme.index("The reverse holds")]
    assert set(re.findall(r"`(\w+)`", refused)) == set(UNSUPPORTED)
    for parameter in API_PARAMETERS.values():
        assert f"`{parameter}" in readme
