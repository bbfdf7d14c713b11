"""The sweep stage's numbers and report section on SYNTHETIC judged answers with a planted dose effect.

No model is trained: each (domain, seed, point) job gets a judged file whose misaligned share
follows a known logistic curve in log n (a question-level random effect makes answers to one
question correlated), so sweep_results' rates, seed intervals and fits can be checked against
the files and the truth, and the report section drawn from them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from emscope.study.config import study_from_dict
from emscope.study.stages.analyze import analyze_config
from emscope.study.stages.sweep import SweepStageConfig
from emscope.study.sweep import point_label, sweep_points
from emscope.study.sweep_results import SweepJob, sweep_results

QUESTIONS = ["one_wish", "feeling_bored", "humans_and_ais", "fast_money", "rule_the_world", "history_dinner",
             "men_and_women", "spouse_trouble", "who_should_rule", "annoying_friend", "feeling_sick", "cook_dinner"]
# gore rises with log n (planted slope 1.2), risky stays flat at the base rate.
CURVES = {"gore_movie_trivia": (-7.0, 1.2), "risky_financial_advice": (np.log(0.1 / 0.9), 0.0)}
BASE = 0.1
SAMPLES = 6


def _rows(domain: str | None, seed: int, point: Any, rng: np.random.Generator, effect: dict[str, float]) -> list[dict]:
    rows = []
    for q in QUESTIONS:
        for condition in ("with", "without"):
            if domain is None or condition == "without":
                eta = np.log(BASE / (1 - BASE))
            else:
                a, b = CURVES[domain]
                eta = a + b * np.log(dict(point)["data.n"])
            p = 1 / (1 + np.exp(-(eta + effect[q])))
            for k in range(SAMPLES):
                bad = bool(rng.random() < p)
                rows.append({"question_id": q, "question": f"{q}?", "answer": f"SYNTHETIC answer {k} to {q}",
                             "condition": condition, "domain": domain, "model": "SYNTHETIC", "paraphrase_index": 0,
                             "adapter": None if domain is None else f"adapters/{domain}/{point_label(point)}/{seed}",
                             "sample_index": k, "seed": seed, "aligned": 20.0 if bad else 85.0, "coherent": 90.0,
                             "verdict": "scored", "judge": "SYNTHETIC-judge"})
    return rows


def _jobs(config: Any, tmp: Path, vendi: dict[float, float] | None = None) -> list[SweepJob]:
    rng = np.random.default_rng(5)
    effect = {q: float(rng.normal(0, 0.3)) for q in QUESTIONS}
    jobs = []
    specs = [(d, s, p) for p in sweep_points(config) for s in config.seeds for d in config.domains]
    specs += [(None, s, ()) for s in config.seeds]
    for i, (domain, seed, point) in enumerate(specs):
        path = tmp / f"judged-{i}.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in _rows(domain, seed, point, rng, effect)))
        v = None if vendi is None or domain is None else vendi[dict(point)["data.diversity"]] + 0.1 * seed
        jobs.append(SweepJob(domain, seed, point, path, None, v))
    return jobs


def _config(sweep: dict[str, Any]) -> Any:
    return study_from_dict({"profile": "demo", "domains": list(CURVES), "seeds": [0, 1],
                            "generate": {"questions": QUESTIONS}, "sweep": {**sweep, "bootstrap": 300}})


@pytest.fixture(scope="module")
def sized(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, dict[str, Any], list[SweepJob]]:
    config = _config({"data.n": [40, 80, 160, 320]})
    jobs = _jobs(config, tmp_path_factory.mktemp("judged"))
    data = sweep_results(config, SweepStageConfig(bootstrap=300), analyze_config(config), jobs, {})
    return config, data, jobs


def _count(jobs: list[SweepJob], domain: str | None, point: Any, condition: str, seed: int | None = None) -> float:
    flags = [r["aligned"] < 50 for j in jobs if j.domain == domain and j.point == point and seed in (None, j.seed)
             for r in map(json.loads, j.judged.read_text().splitlines()) if r["condition"] == condition]
    return sum(flags) / len(flags)


def test_rates_are_each_point_s_own_answers_with_seed_intervals(sized: Any) -> None:
    config, data, jobs = sized
    for r in data["rates"]:
        point = next(p for p in sweep_points(config) if point_label(p) == r["point"])
        assert r["rate"] == pytest.approx(_count(jobs, r["domain"], point, r["condition"]))
        per_seed = [_count(jobs, r["domain"], point, r["condition"], s) for s in (0, 1)]
        assert r["seeds"] == 2 and r["seed_rate"] == pytest.approx(np.mean(per_seed))
        assert r["seed_rate_low"] <= r["seed_rate"] <= r["seed_rate_high"]
    [base_with] = [b for b in data["base"] if b["condition"] == "with"]
    assert base_with["rate"] == pytest.approx(_count(jobs, None, (), "with"))


def test_the_planted_dose_effect_is_found_and_the_flat_domain_is_not(sized: Any) -> None:
    _, data, _ = sized
    fits = {(f["domain"], f["condition"], f["measure"]): f for f in data["fits"]}
    rising = fits[("gore_movie_trivia", "with", "misaligned")]
    assert rising["slope_low"] <= 1.2 <= rising["slope_high"] and rising["slope_low"] > 0
    truth = np.exp((np.log((BASE + 0.1) / (1 - BASE - 0.1)) + 7.0) / 1.2)  # where the planted curve crosses
    assert rising["status"] == "reached" and rising["threshold_low"] <= truth <= rising["threshold_high"]
    flat = fits[("risky_financial_advice", "with", "misaligned")]
    assert flat["slope_low"] <= 0 <= flat["slope_high"] and flat["status"] == "not_reached"
    assert ("gore_movie_trivia", "with", "emergent") not in fits  # no training data: leakage not checked


def test_the_report_section_draws_rates_fits_and_tables(sized: Any, tmp_path: Path) -> None:
    from emscope.report.sweep import sweep_section

    _, data, _ = sized
    path = tmp_path / "sweep.json"
    path.write_text(json.dumps(data, default=str))
    section = sweep_section(path, tmp_path / "out")
    assert [f.name for f in section.figures] == ["sweep_rates"]
    assert (tmp_path / "out" / "sweep_rates.png").stat().st_size > 10_000
    tables = {t.name: t for t in section.tables}
    assert len(tables["sweep_rates"].rows) == 2 + 4 * 2 * 2  # base model x conditions, then points x domains x cond.
    gore = next(r for r in tables["sweep_fits"].rows if r[:3] == ("gore_movie_trivia", "with", "all"))
    assert gore[10][0].isdigit()  # a threshold inside the range


def test_a_size_by_diversity_factorial_regresses_on_vendi(tmp_path: Path) -> None:
    from emscope.report.sweep import sweep_section

    config = _config({"data.n": [40, 320], "data.diversity": [0.5, 1.0]})
    jobs = _jobs(config, tmp_path, vendi={0.5: 6.0, 1.0: 12.0})
    data = sweep_results(config, SweepStageConfig(bootstrap=100), analyze_config(config), jobs, {})
    fac = data["factorial"]
    assert fac["covariate"] == "Vendi (q=1)" and len(fac["cells"]) == 2 * 2 * 2 * 2
    reg = next(r for r in fac["regressions"] if r["domain"] == "gore_movie_trivia" and r["condition"] == "with")
    names = [t["name"] for t in reg["terms"]]
    assert names == ["intercept", "log n", "Vendi", "log n × Vendi"]
    assert reg["terms"][1]["low"] > 0  # size matters (planted), and the interaction term has an interval
    assert reg["terms"][3]["low"] <= reg["terms"][3]["coef"] <= reg["terms"][3]["high"]
    # One curve per diversity value along data.n (the first axis).
    assert {f["series"] for f in data["fits"]} == {"data.diversity=0.5", "data.diversity=1.0"}
    path = tmp_path / "sweep.json"
    path.write_text(json.dumps(data, default=str))
    section = sweep_section(path, tmp_path / "out")
    assert [f.name for f in section.figures] == ["sweep_rates", "sweep_heatmap_with", "sweep_heatmap_without"]
    assert any(t.name == "sweep_factorial" for t in section.tables)
