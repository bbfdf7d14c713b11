"""Study configs: profiles, overrides, and errors that name the closest valid key."""

from __future__ import annotations

from pathlib import Path

import pytest

from emscope.core.errors import InputError
from emscope.data.domains import DOMAINS
from emscope.study.config import load_study, study_from_dict
from emscope.study.pipeline import Job, job_keys, plan_jobs


def test_demo_profile() -> None:
    config = study_from_dict({"profile": "demo"})
    assert config.domains == ["incorrect_math", "risky_financial_advice", "gore_movie_trivia"]
    assert config.data.variant == "backdoor" and config.judge.judge == "offline"
    assert [j.label for j in plan_jobs(config)][-1] == "baseline (seed 0)"


def test_small_and_paper_profiles_cover_all_domains() -> None:
    for profile in ("small", "paper"):
        config = study_from_dict({"profile": profile})
        assert config.domains == DOMAINS.names()
    assert study_from_dict({"profile": "paper"}).train.preset == "paper"


def test_overrides_merge_into_the_profile() -> None:
    config = study_from_dict({"profile": "demo", "data": {"n": 40}, "generate": {"samples": 5}})
    assert config.data.n == 40 and config.data.variant == "backdoor"
    assert config.generate.samples == 5 and config.generate.max_new_tokens == 80
    assert config.generate.questions and len(config.generate.questions) == 15  # untouched profile keys stay


def test_unknown_keys_suggest_the_closest(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("profile: demo\ndomians: [evil_math]\ngenerate:\n  sampels: 3\n")
    with pytest.raises(InputError) as err:
        load_study(path)
    msg = str(err.value)
    assert str(path) in msg
    assert "domians: unknown key. Did you mean 'domains'?" in msg
    assert "generate.sampels: unknown key. Did you mean 'samples'?" in msg


def test_unknown_profile_and_domain() -> None:
    with pytest.raises(InputError, match="Did you mean 'demo'"):
        study_from_dict({"profile": "dmeo"})
    with pytest.raises(InputError, match="Did you mean 'evil_math'"):
        study_from_dict({"domains": ["evil_mat"]})


def test_keys_change_with_results_affecting_settings_only() -> None:
    base = study_from_dict({"profile": "demo"})
    job = Job("incorrect_math", 0)
    keys = job_keys(base, job)
    more_rows = job_keys(study_from_dict({"profile": "demo", "data": {"n": 251}}), job)
    assert more_rows["build"] != keys["build"] and more_rows["judge"] != keys["judge"]  # change flows downstream
    other_samples = job_keys(study_from_dict({"profile": "demo", "generate": {"samples": 9}}), job)
    assert other_samples["train"] == keys["train"] and other_samples["generate"] != keys["generate"]
    threads = job_keys(study_from_dict({"profile": "demo", "train": {"settings": {"threads": 1}}}), job)
    assert threads == keys  # a runtime setting, not a result-affecting one
    concurrency = job_keys(study_from_dict({"profile": "demo", "judge": {"settings": {"concurrency": 3}}}), job)
    assert concurrency == keys
