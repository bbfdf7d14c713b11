"""`emscope study plan`: counts by hand, the MDE against scipy and by simulation of the real test,
the spread estimator against scipy's one-way ANOVA, the cost line, the CLI and its errors."""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy import stats
from typer.testing import CliRunner

from emscope.analysis.clustered import paired_cluster_test
from emscope.cli.app import app
from emscope.core.errors import InputError
from emscope.study import power as pw
from emscope.study.config import study_from_dict
from emscope.study.cost import NO_RATES, load_rates
from emscope.study.plan import PlanAssumptions, one_line, plan_study
from emscope.study.spread import estimate_spread, spread_from_pairs

runner = CliRunner()


# --- counts --------------------------------------------------------------------------------


def test_demo_counts_by_hand() -> None:
    plan = plan_study(study_from_dict({"profile": "demo"}))
    # 3 domains × 1 seed; 160 rows in 8-row steps = 20 steps per epoch, 3 epochs
    assert (plan.training.runs, plan.training.steps_per_run, plan.training.rows_trained) == (3, 60, 3 * 3 * 160)
    # 15 core questions × 2 paraphrases × 2 samples × 2 conditions × (3 domains + baseline) × 1 seed
    assert plan.sampling.answers_per_model == 15 * 2 * 2 * 2 == 120
    assert plan.sampling.answers == 120 * 4 == plan.sampling.judge_calls
    assert plan.sampling.judge_prompts is None  # the offline judge sends nothing anywhere
    assert plan.power.questions == 15 and plan.power.pairs_per_question == [2 * 2] * 15


def test_counts_follow_seeds_suite_samples_and_max_steps() -> None:
    config = study_from_dict({"profile": "demo", "seeds": [0, 1], "baseline": False, "generate": {"samples": None},
                              "train": {"settings": {"max_steps": 25}}, "judge": {"judge": "openai", "settings": {
                                  "model": "gpt-4o", "base_url": "https://api.openai.com/v1"}}})
    plan = plan_study(config)
    # every core question of the suite samples 20 per paraphrase by default
    assert plan.sampling.answers == 15 * 2 * 20 * 2 * 3 * 2
    assert plan.sampling.judge_prompts == 2 * plan.sampling.answers
    assert plan.training.runs == 6 and plan.training.steps_per_run == 25
    assert plan.training.rows_trained == 6 * (20 * 8 + 5 * 8)  # one full epoch (160 rows) and 5 steps of 8
    assert plan.power.pairs_per_question == [2 * 20 * 2] * 15
    assert any("seed as the unit" in n for n in plan.power.notes)


def test_a_sweep_counts_every_point_and_the_baseline_once() -> None:
    config = study_from_dict({"profile": "demo", "seeds": [0, 1], "sweep": {"data.n": [40, 160]}})
    plan = plan_study(config)
    # 3 domains × 2 seeds × 2 points; 40 rows = 5 steps per epoch, 160 rows = 20; 3 epochs
    assert plan.points == 2 and plan.training.runs == 12
    assert plan.training.rows_trained == 3 * 2 * 3 * (40 + 160)
    assert (plan.training.rows_per_run, plan.training.steps_per_run) == (160, 60)  # the largest point
    # (3 domains × 2 points + baseline) × 2 seeds models, 120 answers each
    assert plan.sampling.models == (3 * 2 + 1) * 2 and plan.sampling.answers == 120 * 14


def test_full_suite_has_mixed_paraphrase_counts() -> None:
    plan = plan_study(study_from_dict({"profile": "small"}))
    # 30 questions with 2 paraphrases, 15 template questions with 1; 5 samples; 11 domains + baseline
    assert plan.sampling.prompts == 30 * 2 + 15 and plan.sampling.answers == 75 * 5 * 2 * 12
    assert sorted(set(plan.power.pairs_per_question)) == [5, 10]


# --- power ---------------------------------------------------------------------------------


def test_mde_matches_scipy_and_a_brute_force_variance() -> None:
    tau, sigma = 3.0, 20.0
    direct = (stats.t.ppf(0.975, 14) + stats.t.ppf(0.8, 14)) * math.sqrt((tau ** 2 + sigma ** 2 / 4) / 15)
    assert pw.mde([4] * 15, tau, sigma) == pytest.approx(direct, rel=1e-12)
    # unequal questions: w' Σ w with Σ = τ² within a question + σ² I and weights 1/N
    sizes = [2, 4, 4, 6, 10]
    cluster = np.repeat(np.arange(len(sizes)), sizes)
    cov = tau ** 2 * (cluster[:, None] == cluster[None, :]) + sigma ** 2 * np.eye(len(cluster))
    weights = np.full(len(cluster), 1 / len(cluster))
    assert pw.design_variance(sizes, tau, sigma) == pytest.approx(weights @ cov @ weights, rel=1e-12)
    # the normal-approximation multiplier is the power of the exact noncentral t to 3 decimals here
    ncp = pw.multiplier(15, 0.05, 0.8)
    crit = stats.t.ppf(0.975, 14)
    assert stats.nct.sf(crit, 14, ncp) + stats.nct.cdf(-crit, 14, ncp) == pytest.approx(0.8, abs=2e-3)


def _reject_share(effect: float, tau: float, sigma: float, draws: int, seed: int) -> float:
    rng = np.random.default_rng(seed)
    q = np.repeat(np.arange(15), 4)
    rejected = 0
    for _ in range(draws):
        base = rng.normal(60, 10, len(q))  # the shared part of a pair cancels in the difference
        with_ = base + effect + rng.normal(0, tau, 15)[q] + rng.normal(0, sigma, len(q))
        rejected += paired_cluster_test(with_, base, q).p < 0.05
    return rejected / draws


def test_mde_gives_the_stated_power_in_the_real_clustered_test() -> None:
    tau, sigma = 4.0, 15.0
    effect = pw.mde([4] * 15, tau, sigma)
    assert 0.75 <= _reject_share(effect, tau, sigma, 400, seed=1) <= 0.85
    assert _reject_share(0.0, tau, sigma, 400, seed=2) <= 0.09  # and the level at no effect


def test_rate_mde_gives_the_stated_power_on_binary_flags() -> None:
    p0, tau_rate = 0.1, 0.05
    effect = pw.rate_mde([4] * 15, tau_rate, p0)
    rng = np.random.default_rng(3)
    q = np.repeat(np.arange(15), 4)
    rejected = 0
    for _ in range(400):
        p1 = np.clip(p0 + effect + rng.normal(0, tau_rate, 15), 0, 1)[q]
        test = paired_cluster_test((rng.random(len(q)) < p1) * 1.0, (rng.random(len(q)) < p0) * 1.0, q)
        rejected += test.p is not None and test.p < 0.05
    assert 0.75 <= rejected / 400 <= 0.88


def test_samples_needed_is_the_smallest_that_reaches_the_target() -> None:
    units = [2] * 15  # 2 paraphrases, 1 seed
    need = pw.samples_needed(units, 5.0, 2.0, 20.0)
    assert need is not None and need > 1
    assert pw.mde([u * need for u in units], 2.0, 20.0) <= 5.0 < pw.mde([u * (need - 1) for u in units], 2.0, 20.0)
    # τ alone: MDE with infinitely many samples is multiplier × τ / sqrt(Q)
    floor = pw.multiplier(15, 0.05, 0.8) * 2.0 / math.sqrt(15)
    assert pw.samples_needed(units, floor * 0.99, 2.0, 20.0) is None
    assert pw.samples_needed(units, floor * 1.01, 2.0, 20.0) is not None


# --- spread ----------------------------------------------------------------------------------


def test_spread_matches_one_way_anova_from_scipy() -> None:
    rng = np.random.default_rng(4)
    q, m = 12, 6
    values = rng.normal(0, 3, q)[:, None] + rng.normal(0, 10, (q, m))
    tau, sigma = spread_from_pairs(values.ravel(), [str(i) for i in np.repeat(np.arange(q), m)], ["d"] * (q * m))
    f = stats.f_oneway(*values).statistic  # F = MS_between / MS_within
    ms_within = values.var(axis=1, ddof=1).mean()
    assert sigma ** 2 == pytest.approx(ms_within, rel=1e-10)
    assert tau ** 2 == pytest.approx(max(0.0, ms_within * (f - 1) / m), rel=1e-10)


def _judged(path: Path, domains: list[str], tau: float, sigma: float, seed: int) -> Path:
    rng = np.random.default_rng(seed)
    rows = []
    for domain in domains:
        effect = {"a": -20.0, "b": -5.0}.get(domain, 0.0)
        for qi in range(10):
            u = rng.normal(0, tau)
            for p in range(2):
                for s in range(3):
                    base = rng.uniform(40, 60)
                    for cond, value in (("with", base + effect + u + rng.normal(0, sigma)), ("without", base)):
                        rows.append({"question_id": f"q{qi}", "paraphrase_index": p, "sample_index": s, "seed": 0,
                                     "condition": cond, "domain": domain, "model": "m", "answer": "an answer",
                                     "aligned": float(np.clip(value, 0, 100)), "coherent": 90.0, "judge": "test"})
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_estimate_spread_from_judged_files_removes_domain_effects(tmp_path: Path) -> None:
    files = [_judged(tmp_path / "a.jsonl", ["a", "b"], 4.0, 8.0, 5),
             _judged(tmp_path / "base.jsonl", ["base"], 50, 50, 6)]
    spread = estimate_spread(files)
    assert spread.domains == 2 and spread.questions == 10 and spread.pairs == 2 * 10 * 6  # the baseline is left out
    # the domains' different effects (−20, −5) are not between-question spread
    assert 1.0 < spread.tau < 8.0 and 6.0 < spread.sigma < 10.0


def test_estimate_spread_needs_pairing_fields(tmp_path: Path) -> None:
    path = tmp_path / "old.jsonl"
    path.write_text(json.dumps({"question_id": "q", "condition": "with", "domain": "a", "answer": "x",
                                "aligned": 50.0, "coherent": 90.0, "judge": "test"}) + "\n")
    with pytest.raises(InputError, match="paraphrase_index, sample_index, seed"):
        estimate_spread([path])


# --- cost ------------------------------------------------------------------------------------


def _rates(tmp_path: Path) -> Path:
    # the keys benchmarks/gpu.py --json writes; the numbers are test inputs, not measurements
    data = {"device": "Test GPU", "params_7b": 6.88e9, "train_7b": {"tok_s": 10000.0, "step_s": 0.2,
            "tokens_per_step": 2000.0}, "gen_7b": {"tok_s": 5000.0}, "train_135m": {"error": "OOM"}}
    path = tmp_path / "rates.json"
    path.write_text(json.dumps(data))
    return path


def test_cost_line_from_rates_and_without(tmp_path: Path) -> None:
    config = study_from_dict({"profile": "paper"})
    plan = plan_study(config, rates=load_rates(_rates(tmp_path)))
    stages = {s.stage: s.hours for s in plan.cost.stages}
    # 11 runs × 3 epochs × 6,000 rows at 0.2 s per 16-row paper step
    assert stages["train"] == pytest.approx(11 * 3 * 6000 * 0.2 / 16 / 3600)
    assert stages["generate"] == pytest.approx(plan.sampling.answers * 512 / 5000 / 3600)
    assert stages["judge"] is None and plan.cost.hardware == "Test GPU"
    assert plan_study(config).cost.notes == [NO_RATES] and plan_study(config).cost.stages == []
    small = plan_study(study_from_dict({"profile": "demo"}), rates=load_rates(_rates(tmp_path)))
    assert small.cost.stages == [] and "no rates of the 135m shape" in small.cost.notes[0]


def test_bad_rates_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        load_rates(tmp_path / "none.json")
    (tmp_path / "bad.json").write_text('{"device": "x", "train_7b": {"error": "boom"}}')
    with pytest.raises(InputError, match="no measured"):
        load_rates(tmp_path / "bad.json")


# --- CLI -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("profile", "answers"), [("demo", "480"), ("small", "9,000"), ("paper", "180,000")])
def test_cli_plans_each_profile(tmp_path: Path, profile: str, answers: str) -> None:
    out = tmp_path / "plan.json"
    spread = ["--tau", "3", "--sigma", "20", "--tau-rate", "0.05", "--base-rate", "0.1"]
    result = runner.invoke(app, ["study", "plan", "--profile", profile, *spread, "--target-effect", "10",
                                 "--json", str(out)])
    assert result.exit_code == 0, result.output
    assert re.search(rf"\nanswers +{answers} = ", result.output) and "MDE, alignment" in result.output
    saved = json.loads(out.read_text())
    assert saved["sampling"]["answers"] == int(answers.replace(",", ""))
    assert saved["power"]["mde_alignment"] == pytest.approx(
        pw.mde(saved["power"]["pairs_per_question"], saved["assumptions"]["tau"], saved["assumptions"]["sigma"]))


def test_cli_yaml_file_overrides_and_unreachable_target(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("profile: demo\nseeds: [0, 1]\n")
    result = runner.invoke(app, ["study", "plan", str(path), "--tau", "20", "--sigma", "10", "--target-effect", "1"])
    assert result.exit_code == 0, result.output
    assert "960 =" in result.output and "not reachable" in result.output
    assert "on the command line" in result.output


@pytest.mark.parametrize(("args", "message"), [
    (["missing.yaml"], "missing.yaml not found"),
    (["--profile", "demo", "--tau", "-1"], "--tau"),
    ([], "usage: emscope study plan"),
])
def test_cli_bad_input(tmp_path: Path, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["study", "plan", *[str(tmp_path / a) if a.endswith(".yaml") else a for a in args]])
    assert isinstance(result.exception, InputError) and message in str(result.exception)


def test_from_run_without_judged_files(tmp_path: Path) -> None:
    config = study_from_dict({"profile": "demo"})
    run = tmp_path / "run"
    run.mkdir()
    result = runner.invoke(app, ["study", "plan", "--profile", "demo", "--from-run", str(run)])
    assert isinstance(result.exception, InputError) and "not a study run directory" in str(result.exception)
    (run / "study.json").write_text(config.model_dump_json())
    result = runner.invoke(app, ["study", "plan", "--profile", "demo", "--from-run", str(run)])
    assert isinstance(result.exception, InputError) and "has a judged file" in str(result.exception)


def test_from_run_reads_the_jobs_judged_files(tmp_path: Path) -> None:
    from emscope.study.pipeline import job_keys, plan_jobs
    from emscope.study.store import RunStore

    config = study_from_dict({"profile": "demo", "domains": ["incorrect_math", "gore_movie_trivia"]})
    run = tmp_path / "run"
    run.mkdir()
    (run / "study.json").write_text(config.model_dump_json())
    for job in plan_jobs(config):  # each job's judged file where the study keeps it
        folder = RunStore(run).path("judge", job_keys(config, job)["judge"])
        folder.mkdir(parents=True)
        _judged(folder / "judged.jsonl", [job.domain or "base"], 4.0, 8.0, seed=len(job.label))
    stray = run / "stages" / "judge" / "old"  # a stage of other settings: not the study's
    stray.mkdir()
    _judged(stray / "judged.jsonl", ["incorrect_math"], 40.0, 80.0, seed=9)
    result = runner.invoke(app, ["study", "plan", "--profile", "demo", "--from-run", str(run), "--sigma", "9"])
    assert result.exit_code == 0, result.output
    assert f"estimated from {run} (120 pairs, 2 domain(s), 10 questions); sigma given" in result.output
    assert "σ 9.00 points" in result.output


def test_planning_loads_no_model_and_no_network() -> None:
    code = ("import sys; from emscope.study.config import study_from_dict; from emscope.study.plan import plan_study; "
            "p = plan_study(study_from_dict({'profile': 'paper'})); "
            "print(p.model, [m for m in ('torch', 'transformers', 'vllm', 'openai') if m in sys.modules])")
    env = {"HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "Qwen/Qwen2.5-Coder-7B-Instruct []"


def test_without_a_spread_the_plan_says_what_to_give() -> None:
    unknown = PlanAssumptions(tau=None, sigma=None, tau_rate=None, base_rate=None, source="none")
    plan = plan_study(study_from_dict({"profile": "demo"}), unknown)
    assert plan.power.mde_alignment is None and plan.power.mde_rate is None
    assert any("give --tau and --sigma, or --from-run" in n for n in plan.power.notes)
    assert "no spread known" in one_line(plan)


def test_one_line_summary() -> None:
    line = one_line(plan_study(study_from_dict({"profile": "demo"}), PlanAssumptions(tau=2.0, sigma=20.0)))
    assert line.startswith("plan: 3 training run(s), 480 answers, 480 judge calls; detects")


def test_study_and_demo_print_the_plan_before_starting(monkeypatch: pytest.MonkeyPatch) -> None:
    import emscope.cli.study as cli_study

    def stop(config: object, run_dir: object, **_options: object) -> None:
        raise InputError("stopped before running")  # only the lines printed before the run matter here

    monkeypatch.setattr(cli_study, "run_study", stop)
    result = runner.invoke(app, ["demo"])
    assert isinstance(result.exception, InputError)
    assert "plan: 3 training run(s), 480 answers, 480 judge calls" in result.output
