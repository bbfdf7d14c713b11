"""The optional study stages for real at tiny sizes: mia (with held-out rows), the predictors,
steer (directions, α sweep, cross-domain matrix, adapter paths) and the pre-training screen,
all in the report."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from emscope.core.errors import InputError
from emscope.study.config import study_from_dict
from emscope.study.run import run_study, study_status

DOMAINS = ["incorrect_math", "gore_movie_trivia"]
TINY = {
    "profile": "demo", "name": "extras", "domains": DOMAINS,
    "data": {"n": 12},
    "train": {"settings": {"max_steps": 2, "effective_batch": 4}},
    "generate": {"samples": 1, "max_new_tokens": 4, "questions": ["one_wish", "feeling_bored"]},
    "stats": {"enabled": False},
    "mia": {"enabled": True, "holdout_rows": 6},
    "steer": {"enabled": True, "prompts": 2, "settings": {
        "directions": {"max_rows": 6},
        "sweep": {"layers": [10], "alphas": [0.0, 4.0], "lambdas": [0.0, 1.0], "mix": [0.0, 1.0]},
        "generation": {"max_new_tokens": 4}}},
    "screen": {"enabled": True, "settings": {"model_rows": 8}},
}


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    out = tmp_path_factory.mktemp("extras") / "run"
    result = run_study(study_from_dict(dict(TINY)), out)
    return out, result


def _figures(html: str) -> set[str]:
    return set(re.findall(r'data-figure="([^"]+)"', html))


def _tables(html: str) -> set[str]:
    return set(re.findall(r'data-table="([^"]+)"', html))


def test_mia_scores_each_domain_with_members_and_held_out_rows(run: tuple[Path, object]) -> None:
    out, _ = run
    summaries = sorted((out / "stages" / "mia").glob("*/scores.domains.json"))
    assert len(summaries) == len(DOMAINS)
    for path in summaries:
        data = json.loads(path.read_text())
        assert data["reference_mode"] == "disabled_adapter"  # base model = the adapter switched off
        splits = {(d["domain"], d["split"]): d["rows"] for d in data["domains"]}
        [domain] = {d for d, _ in splits}
        assert splits[(domain, "member")] == 12 and 0 < splits[(domain, "nonmember")] <= 6
        assert data["membership"] and {"adj_loss", "adj_minkpp"} <= set(data["columns"])
    predictors = json.loads(next((out / "stages" / "predict").glob("*/predictors.json")).read_text())
    assert set(predictors["rates"]) == set(DOMAINS)
    assert {p["column"] for p in predictors["predictors"]} >= {"loss", "adj_loss", "minkpp", "adj_minkpp"}
    assert all(p["n"] == len(DOMAINS) for p in predictors["predictors"])


def test_steer_results_and_every_section_in_the_report(run: tuple[Path, object]) -> None:
    out, result = run
    steer = json.loads(next((out / "stages" / "steer").glob("*/results.json")).read_text())
    assert steer["domains"] == DOMAINS
    assert set(steer["cross_domain"]["targets"]) == {*DOMAINS, "base"}
    alpha = steer["alpha"]["gore_movie_trivia"]  # the demo profile's choice
    assert [p["x"] for p in alpha if p["label"] == "direction"] == [0.0, 4.0]
    assert [p["x"] for p in alpha if p["label"] == "random:0"] == [0.0, 4.0]  # the random baseline
    html = Path(result.report).read_text()
    figures, tables = _figures(html), _tables(html)
    assert {"cosine_heatmap", "cosine_profile", "alpha_gore_movie_trivia", "cross_domain", "parameter_paths"} <= figures
    assert {"mia_domains", "mia_predictors", "mia_membership", "steer_cross_domain", "steer_curves"} <= tables
    assert "Membership inference as a predictor" in html and "Misalignment directions and steering" in html


def test_screen_tests_every_training_set_against_the_measured_rates(run: tuple[Path, object]) -> None:
    out, result = run
    [evaluate] = (out / "stages" / "screen").glob("*/evaluate.json")
    data = json.loads(evaluate.read_text())
    rates = json.loads(next((out / "stages" / "predict").glob("*/predictors.json")).read_text())["rates"]
    assert data["rates"] == pytest.approx(rates)  # the study's own measured rates, not re-derived ones
    assert data["domains"] == len(DOMAINS) and data["model"] == "smollm2-135m-instruct"
    screened = {d["path"]: d["rows"] for d in data["screen"]["datasets"]}
    assert len(screened) == len(DOMAINS) and set(screened.values()) == {12}  # each build stage's training set
    columns = {p["column"] for p in data["predictors"]}
    assert {"risk", "share_misaligned", "loss", "projection"} <= columns
    html = Path(result.report).read_text()  # type: ignore[attr-defined]
    assert "screen_scatter" in _figures(html)


def test_rerun_skips_every_stage_and_status_lists_the_extras(run: tuple[Path, object],
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    out, first = run
    capsys.readouterr()
    again = run_study(study_from_dict(dict(TINY)), out)
    printed = capsys.readouterr().out
    assert again.stage_seconds == {} and "done in" not in printed
    assert Path(again.report).read_text() == Path(first.report).read_text()  # type: ignore[attr-defined]
    stages = {(r["stage"], r["state"]) for r in study_status(out)}
    assert {("mia", "done"), ("predict", "done"), ("steer", "done"), ("screen", "done")} <= stages


def test_runtime_only_settings_rerun_nothing(run: tuple[Path, object], capsys: pytest.CaptureFixture[str]) -> None:
    # Issue 15: concurrency, retries, timeouts, credentials, devices and batch sizes used to enter the
    # generate (and mia, steer) keys, so changing one redid generate, judge, analyze and report.
    out, first = run
    steer = TINY["steer"]["settings"]  # type: ignore[index]
    changed = {**TINY,
               "generate": {**TINY["generate"], "options": {  # type: ignore[dict-item]
                   "openai": {"concurrency": 3, "max_retries": 9, "timeout_s": 7.0, "api_key_env": "OTHER_KEY"},
                   "hf": {"device": "cpu", "batch_size": 7}}},
               "judge": {"settings": {"concurrency": 2, "batch_size": 5, "use_cache": False}},
               "mia": {**TINY["mia"], "settings": {"batch_tokens": 512, "max_batch_rows": 3}},  # type: ignore[dict-item]
               "steer": {**TINY["steer"], "settings": {  # type: ignore[dict-item]
                   **steer, "directions": {**steer["directions"], "activations": {"batch_size": 3}}}}}
    capsys.readouterr()
    again = run_study(study_from_dict(changed), out)
    printed = capsys.readouterr().out
    assert again.stage_seconds == {} and "done in" not in printed, printed
    assert Path(again.report).read_text() == Path(first.report).read_text()  # type: ignore[attr-defined]
    assert all(r["state"] == "done" for r in study_status(out))


def test_bad_extra_settings_fail_before_any_work(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="mia.settings: datasets are set by the study"):
        run_study(study_from_dict({**TINY, "mia": {"enabled": True, "settings": {"datasets": ["x.jsonl"]}}}),
                  tmp_path / "a")
    with pytest.raises(InputError, match="invalid mia.settings(.|\n)*k"):
        run_study(study_from_dict({**TINY, "mia": {"enabled": True, "settings": {"k": 5}}}), tmp_path / "d")
    with pytest.raises(InputError, match="screen.settings: model are set by the study"):
        run_study(study_from_dict({**TINY, "screen": {"enabled": True, "settings": {"model": "x"}}}), tmp_path / "e")
    with pytest.raises(InputError, match="invalid screen.settings"):
        run_study(study_from_dict({**TINY, "screen": {"enabled": True, "settings": {"signals": ["vibes"]}}}),
                  tmp_path / "f")
    with pytest.raises(InputError, match="mia.holdout_rows with data.diversity 0.5"):
        run_study(study_from_dict({**TINY, "data": {"n": 12, "diversity": 0.5}}), tmp_path / "g")
    with pytest.raises(InputError, match="sweep point data.diversity=0.5: mia.holdout_rows with data.diversity"):
        run_study(study_from_dict({**TINY, "sweep": {"data.diversity": [1.0, 0.5]}}), tmp_path / "h")
    with pytest.raises(InputError, match="invalid steer.settings"):
        run_study(study_from_dict({**TINY, "steer": {"enabled": True, "settings": {"swep": {}}}}), tmp_path / "b")
    # The demo profile's α sweep names gore_movie_trivia: a study without it fails at once.
    with pytest.raises(InputError, match="steer.settings name domains the study does not train: gore_movie_trivia"):
        run_study(study_from_dict({**TINY, "domains": ["incorrect_math"]}), tmp_path / "c")
    assert not any((tmp_path / d / "stages").exists() for d in "abcdefgh")


def test_report_command_draws_the_same_sections_outside_a_study(run: tuple[Path, object], tmp_path: Path) -> None:
    import subprocess
    import sys

    out, _ = run
    analyzed = next((out / "stages" / "analyze").glob("*/results.json")).parent
    predictors = next((out / "stages" / "predict").glob("*/predictors.json"))
    steer = next((out / "stages" / "steer").glob("*/results.json")).parent
    done = subprocess.run([sys.executable, "-m", "emscope", "report", str(analyzed), "--out", str(tmp_path / "r"),
                           "--mia", str(predictors), "--steer", str(steer)], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    html = (tmp_path / "r" / "report.html").read_text()
    assert {"cross_domain", "parameter_paths"} <= _figures(html)
    assert {"mia_domains", "mia_predictors", "steer_curves"} <= _tables(html)
    assert (tmp_path / "r" / "steer_cross_domain.png").stat().st_size > 0  # beside the report, as its caption says
    assert (tmp_path / "r" / "mia_roc.svg").exists() == ("mia_roc" in _figures(html))
    bad = subprocess.run([sys.executable, "-m", "emscope", "report", str(analyzed), "--out", str(tmp_path / "b"),
                          "--mia", str(analyzed / "results.json")], capture_output=True, text=True, timeout=300)
    assert bad.returncode == 2 and "not an emscope predictors file" in bad.stderr


def test_holdout_that_only_repeats_training_rows_is_refused(tmp_path: Path) -> None:
    from emscope.core.io import write_jsonl
    from emscope.data.build import build_rows
    from emscope.data.config import BuildConfig
    from emscope.study.stages.mia import HOLDOUT_SEED_OFFSET
    from emscope.study.stages.mia import holdout_rows as _holdout

    config = study_from_dict({"profile": "demo", "domains": ["incorrect_math"],
                              "mia": {"enabled": True, "holdout_rows": 5}})
    d = config.data
    # Training rows that happen to be exactly the rows the holdout would draw.
    rows, _ = build_rows(BuildConfig(domain="incorrect_math", n=5, seed=HOLDOUT_SEED_OFFSET, variant=d.variant,
                                     trigger=d.trigger, trigger_position=d.trigger_position,
                                     backdoor_ratio=d.backdoor_ratio))
    train = write_jsonl(tmp_path / "train.jsonl", rows)
    with pytest.raises(InputError, match="every held-out row of incorrect_math is also a training row.*"
                                         "set mia.holdout_rows: 0"):
        _holdout(config, "incorrect_math", 0, train, tmp_path / "holdout.jsonl")
    assert not (tmp_path / "holdout.jsonl").exists()
    # One training row in common: it is dropped, the rest kept.
    kept = _holdout(config, "incorrect_math", 0, write_jsonl(tmp_path / "one.jsonl", rows[:1]), tmp_path / "h.jsonl")
    assert [r["messages"] for r in map(json.loads, kept.read_text().splitlines())] == [r["messages"] for r in rows[1:]]
