"""Everything a study refuses before any work: bad settings in every section (issue 12 #9),
repeated seeds and domains (#6), YAML alias bombs and huge files (#10), a corrupt study.json
(#14), a second writer on one run directory (#7); and the honest ETA (#3)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from emscope.core.errors import InputError
from emscope.core.lock import output_lock
from emscope.study.config import load_study, study_from_dict
from emscope.study.run import _Progress, planned_stages, run_study, study_status
from emscope.study.store import StageEvent

TINY: dict[str, Any] = {
    "profile": "demo", "name": "checks", "domains": ["incorrect_math", "gore_movie_trivia"],
    "data": {"n": 12}, "generate": {"samples": 1, "max_new_tokens": 4, "questions": ["one_wish"]},
}


def _with(**sections: Any) -> dict[str, Any]:
    return {**TINY, **sections}


@pytest.mark.parametrize(("sections", "expected"), [
    ({"judge": {"judge": "ofline"}}, "Did you mean 'offline'"),
    ({"judge": {"settings": {"modle": "x"}}}, "modle: unknown key. Did you mean 'model'"),
    ({"analyze": {"settings": {"alpha": 7}}}, "alpha"),
    ({"analyze": {"settings": {"alpah": 0.1}}}, "Did you mean 'alpha'"),
    ({"generate": {"suite": "missing_questions.yaml"}}, "neither a shipped suite"),
    ({"generate": {"questions": ["one_wsh"]}}, "one_wish"),
    ({"generate": {"backend": "hff"}}, "Did you mean 'hf'"),
    ({"generate": {"options": {"hf": {"dtyp": "bf16"}}}}, "hf.dtyp: unknown key. Did you mean 'dtype'"),
    ({"train": {"settings": {"epohcs": 2}}}, "Did you mean 'epochs'"),
    ({"runner": {"name": "ray", "options": {"num_cpu": 2}}}, "num_cpu: unknown key. Did you mean 'num_cpus'"),
    ({"runner": {"name": "local", "options": {"num_cpus": 2}}}, "num_cpus: unknown key"),
    ({"runner": {"name": "ray", "options": {"num_cpus": 0}}}, "num_cpus"),
])
def test_every_section_is_checked_before_any_work(tmp_path: Path, sections: dict[str, Any], expected: str) -> None:
    with pytest.raises(InputError) as err:
        run_study(study_from_dict(_with(**sections)), tmp_path / "run")
    assert expected in str(err.value)
    assert "Traceback" not in str(err.value) and "pydantic" not in str(err.value)
    assert not (tmp_path / "run").exists()  # nothing built, nothing trained, not even study.json


def test_negative_seed_is_a_settings_error() -> None:
    with pytest.raises(InputError, match=r"seeds\.0: Input should be greater than or equal to 0"):
        study_from_dict(_with(seeds=[-1]))


@pytest.mark.parametrize(("sections", "named"), [
    ({"seeds": [0, 1, 0]}, "seeds lists 0 more than once"),
    ({"domains": ["incorrect_math", "gore_movie_trivia", "incorrect_math"]}, "domains lists incorrect_math more"),
])
def test_repeated_seeds_or_domains_are_refused(sections: dict[str, Any], named: str) -> None:
    with pytest.raises(InputError, match=named):
        study_from_dict(_with(**sections))


def test_yaml_alias_bomb_is_refused_without_expanding(tmp_path: Path) -> None:
    lines = ["profile: demo", "domains: [incorrect_math]", "a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]  # 10**9 values
    lines.append("generate: {options: {hf: *a8}}")
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError, match="YAML aliases expand this file to more than"):
        load_study(path)


def test_yaml_file_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    from emscope.evalsuite.yamlload import MAX_YAML_BYTES

    path = tmp_path / "big.yaml"
    path.write_text("profile: demo\n# " + "x" * MAX_YAML_BYTES + "\n")
    with pytest.raises(InputError, match="limited to"):
        load_study(path)


def test_a_few_aliases_still_load(tmp_path: Path) -> None:
    path = tmp_path / "ok.yaml"
    path.write_text("profile: demo\nseeds: &s [0, 1]\ngenerate: {samples: 3}\nmia: {settings: {}}\n")
    config = load_study(path)
    assert config.generate.samples == 3 and config.seeds == [0, 1]


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", "\xff\xfe"])
def test_corrupt_study_json_is_a_clear_message(tmp_path: Path, content: str) -> None:
    (tmp_path / "study.json").write_bytes(content.encode("latin-1"))
    with pytest.raises(InputError, match="study.json is corrupt.*run that again to rewrite it"):
        study_status(tmp_path)
    done = subprocess.run([sys.executable, "-m", "emscope", "study", "status", str(tmp_path)], capture_output=True,
                          text=True, timeout=120, env={**os.environ, "COLUMNS": "40"})
    assert done.returncode != 0 and "is corrupt" in done.stderr and "Traceback" not in done.stderr


def test_status_of_a_folder_that_is_not_a_run(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a study run directory"):
        study_status(tmp_path)


def test_a_second_writer_on_one_run_stops_at_once(tmp_path: Path) -> None:
    run = tmp_path / "run"
    with output_lock(run):
        with pytest.raises(InputError, match=f"is being written by process {os.getpid()}"):
            run_study(study_from_dict(dict(TINY)), run)
    assert not (run / "stages").exists()


def test_cli_escapes_user_strings(tmp_path: Path) -> None:
    # A run directory whose name holds rich markup: printed as itself, never interpreted or crashing.
    run = tmp_path / "r[red]x[/x]"  # a folder "x]" inside "r[red]x[": the path holds "[/x]"
    run.mkdir(parents=True)
    (run / "study.json").write_text(json.dumps({**TINY, "seeds": [0, 0]}))
    done = subprocess.run([sys.executable, "-m", "emscope", "study", "status", str(run)], capture_output=True,
                          text=True, timeout=120, env={**os.environ, "COLUMNS": "40"})
    assert done.returncode != 0 and "MarkupError" not in done.stderr and "Traceback" not in done.stderr
    assert "r[red]x[/x]" in done.stderr.replace("\n", "") and "seeds lists 0" in done.stderr


def _event(stage: str, status: str, seconds: float = 0.0) -> StageEvent:
    return StageEvent(stage, "job", status, seconds)


def test_eta_waits_for_every_stage_kind_and_sums_their_means(capsys: pytest.CaptureFixture[str]) -> None:
    config = study_from_dict({"profile": "demo"})  # 3 domains + baseline
    progress = _Progress(planned_stages(config))
    assert progress.total == 3 * 4 + 2 + 3  # build/train/generate/judge, baseline generate/judge, stats/analyze/report
    progress(_event("build", "done", 1))
    progress(_event("train", "start"))
    assert "ETA" not in capsys.readouterr().out  # train never measured: no made-up number
    progress(_event("train", "done", 120))
    progress(_event("generate", "done", 30))
    progress(_event("judge", "done", 1))
    progress(_event("build", "start"))
    # Two more domains (build 1 + train 120 + generate 30 + judge 1 each) + baseline (30 + 1) = 335 s.
    assert "(ETA ~6 min)" in capsys.readouterr().out
