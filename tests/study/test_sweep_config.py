"""Sweeps without running anything: points, labels, up-front errors, and the keys each point's jobs get."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from emscope.core.errors import InputError
from emscope.study.config import load_study, study_from_dict
from emscope.study.jobs import Job, plan_jobs
from emscope.study.pipeline import job_keys, seen_by
from emscope.study.stages import JobState, get_stage
from emscope.study.sweep import headline_point, point_label, sweep_points
from emscope.study.validate import validate_study

DOMAINS = ["gore_movie_trivia", "risky_financial_advice"]


def _study(sweep: dict[str, Any] | None, **extra: Any) -> Any:
    data: dict[str, Any] = {"profile": "demo", "domains": DOMAINS, "seeds": [0, 1], **extra}
    if sweep is not None:
        data["sweep"] = sweep
    return study_from_dict(data)


def test_cartesian_and_zip_points_and_readable_job_labels() -> None:
    cart = _study({"data.n": [40, 80], "train.settings.epochs": [1, 2]})
    assert [point_label(p) for p in sweep_points(cart)] == [
        "data.n=40,train.settings.epochs=1", "data.n=40,train.settings.epochs=2",
        "data.n=80,train.settings.epochs=1", "data.n=80,train.settings.epochs=2"]
    zipped = _study({"data.n": [40, 80], "train.settings.epochs": [1, 2], "mode": "zip"})
    assert [point_label(p) for p in sweep_points(zipped)] == ["data.n=40,train.settings.epochs=1",
                                                             "data.n=80,train.settings.epochs=2"]
    jobs = plan_jobs(zipped)
    assert len(jobs) == 2 * 2 * 2 + 2  # points x seeds x domains, then one baseline per seed
    assert jobs[0].label == "gore_movie_trivia (seed 0, data.n=40,train.settings.epochs=1)"
    baselines = [j for j in jobs if j.domain is None]
    assert [j.label for j in baselines] == ["baseline (seed 0)", "baseline (seed 1)"]
    assert all(j.point == () for j in baselines)  # the baseline is never swept


def test_list_values_are_points_too() -> None:
    config = _study({"train.settings.target_modules": [["q_proj", "v_proj"], ["q_proj"]]})
    assert [point_label(p) for p in sweep_points(config)] == ['train.settings.target_modules=["q_proj","v_proj"]',
                                                             'train.settings.target_modules=["q_proj"]']
    validate_study(config)


def test_a_yaml_sweep_reads_and_round_trips_through_study_json(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump({"profile": "demo", "domains": DOMAINS,
                                    "sweep": {"data.n": [40, 80], "mode": "zip", "margin": 0.2}}))
    config = load_study(path)
    assert config.sweep is not None and config.sweep.axes == {"data.n": [40, 80]} and config.sweep.margin == 0.2
    again = study_from_dict(config.model_dump(mode="json"))  # what study.json holds
    assert again == config


@pytest.mark.parametrize(("sweep", "message"), [
    ({"data.size": [1, 2]}, "unknown path 'data.size'. Did you mean 'data.n'?"),
    ({"train.settings.lora_rr": [8]}, "Did you mean 'train.settings.lora_r'?"),
    ({"generate.samples": [1, 2]}, "'generate.samples' cannot be swept: it is shared with the baseline"),
    ({"data.trigger": ["a", "b"]}, "'data.trigger' cannot be swept"),
    ({"train.backend": ["local", "openai"]}, "'train.backend' cannot be swept: a study has one train backend"),
    ({"seeds.x": [1]}, "seeds and domains are axes of every study already"),
    ({"train.settings.threads": [1, 2]}, "changes how fast training runs, not the adapter"),
    ({"data.n": [40, 40]}, "data.n lists 40 more than once"),
    ({"data.n": [40, 80], "train.settings.epochs": [1], "mode": "zip"}, "mode zip needs the same number"),
    ({"data.n": [40, 0]}, "sweep point data.n=0: data.n: Input should be greater than or equal to 1"),
    ({"data.diversity": [0.5, 1.5]}, "sweep point data.diversity=1.5: data.diversity"),
])
def test_bad_sweeps_fail_before_anything_runs(sweep: dict[str, Any], message: str) -> None:
    with pytest.raises(InputError, match=_literal(message)):
        validate_study(_study(sweep))


def _literal(text: str) -> str:
    import re

    return re.escape(text)


def test_a_value_that_fails_a_stage_config_names_the_point() -> None:
    with pytest.raises(InputError, match=r"(?s)sweep point train\.settings\.epochs=0: .*epochs: Input should be greater"):
        validate_study(_study({"train.settings.epochs": [1, 0]}))


def test_points_that_are_the_same_model_are_refused() -> None:
    # backdoor_ratio only matters for backdoor datasets: with misaligned data both points are one model.
    with pytest.raises(InputError, match="data.backdoor_ratio=0.3 and data.backdoor_ratio=0.6 give the same jobs"):
        validate_study(_study({"data.backdoor_ratio": [0.3, 0.6]}, data={"variant": "misaligned"}))


def test_every_stage_key_differs_per_point_and_the_baseline_is_shared() -> None:
    config = _study({"data.n": [40, 80]})
    validate_study(config)
    a, b = (job_keys(config, Job(DOMAINS[0], 0, p)) for p in sweep_points(config))
    assert set(a) == set(b) == {"build", "train", "generate", "judge"}
    assert all(a[s] != b[s] for s in a)
    plain = _study(None)
    assert job_keys(config, Job(None, 0)) == job_keys(plain, Job(None, 0))


def test_a_point_equal_to_the_unswept_study_reuses_its_jobs_and_growing_keeps_old_points() -> None:
    plain = _study(None, data={"n": 80})
    two = _study({"data.n": [40, 80]})
    three = _study({"data.n": [40, 80, 160], "mode": "zip"})
    for seed in (0, 1):
        for domain in DOMAINS:
            unswept = job_keys(plain, Job(domain, seed))
            assert job_keys(two, Job(domain, seed, (("data.n", 80),))) == unswept
            for point in sweep_points(two):
                assert job_keys(three, Job(domain, seed, point)) == job_keys(two, Job(domain, seed, point))


def test_study_wide_stages_read_the_headline_point_and_the_sweep_stage_every_point() -> None:
    config = _study({"data.n": [40, 80, 160]})
    states = [JobState(j, {}) for j in plan_jobs(config)]
    assert point_label(headline_point(config)) == "data.n=160"
    analyze = seen_by(get_stage("analyze"), config, states)
    assert {j.job.point for j in analyze} == {(), (("data.n", 160),)}
    assert len(analyze) == 2 * 2 + 2
    assert len(seen_by(get_stage("sweep"), config, states)) == len(states)
    chosen = _study({"data.n": [40, 80, 160], "headline": "data.n=80"})
    assert headline_point(chosen) == (("data.n", 80),)
    with pytest.raises(InputError, match="Did you mean 'data.n=80'"):
        headline_point(_study({"data.n": [40, 80, 160], "headline": "data.n=8"}))


def test_a_sweep_over_max_jobs_asks_for_yes_before_writing_anything(tmp_path: Path) -> None:
    from emscope.study.run import run_study

    config = _study({"data.n": [40, 80, 160], "max_jobs": 4})
    run = tmp_path / "run"
    with pytest.raises(InputError, match=r"would start 12 fine-tuning jobs .*3 point\(s\) x 2 domain\(s\) x 2 seed"
                                         r"\(s\).*pass --yes"):
        run_study(config, run)
    assert not run.exists()


@pytest.mark.parametrize(("example", "points", "labels"), [
    ("oq1-sizes", 4, ["data.n=40", "data.n=80", "data.n=160", "data.n=320"]),
    ("oq3-factorial", 6, ["data.n=40,data.diversity=0.25", "data.n=40,data.diversity=0.5", "data.n=40,data.diversity=1.0",
                          "data.n=160,data.diversity=0.25", "data.n=160,data.diversity=0.5",
                          "data.n=160,data.diversity=1.0"]),
])
def test_the_examples_validate_and_plan_their_jobs(example: str, points: int, labels: list[str]) -> None:
    config = load_study(Path(__file__).parents[2] / "examples" / f"{example}.yaml")
    validate_study(config)
    assert [point_label(p) for p in sweep_points(config)] == labels
    jobs = plan_jobs(config)
    assert config.domains == DOMAINS and config.seeds == [0, 1]
    assert len([j for j in jobs if j.domain]) == points * 2 * 2 <= config.sweep.max_jobs  # no --yes needed
    assert config.generate.samples == 2 and config.generate.max_new_tokens == 80
    assert len(config.generate.questions or []) == 15  # the demo's core questions


def test_oq3_s_full_diversity_points_are_oq1_s_jobs() -> None:
    root = Path(__file__).parents[2] / "examples"
    oq1, oq3 = load_study(root / "oq1-sizes.yaml"), load_study(root / "oq3-factorial.yaml")
    for n in (40, 160):
        a = job_keys(oq1, Job(DOMAINS[0], 0, (("data.n", n),)))
        b = job_keys(oq3, Job(DOMAINS[0], 0, (("data.n", n), ("data.diversity", 1.0))))
        assert a == b
