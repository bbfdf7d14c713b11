"""`screen evaluate`: the signals against measured rates, checked against scipy/sklearn directly;
and the whole path on a real tiny study run directory (slow: the study trains three models)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml
from scipy import stats
from sklearn.metrics import roc_auc_score

from emscope.data.build import build_rows
from emscope.data.config import BuildConfig
from emscope.screen import ScreenConfig
from emscope.screen.evaluate import StudyInputs, evaluate_study, resolve_study

DOMAINS = ("incorrect_math", "risky_financial_advice", "toxic_legal_advice", "bad_medical_advice")


def _check_against_direct(result: dict, inputs: StudyInputs) -> None:  # type: ignore[type-arg]
    summary = result["screen"]
    by_domain: dict[str, list[float]] = {}
    for d in summary["datasets"]:
        by_domain.setdefault(inputs.domain_of[d["path"]], []).append(d["risk"])
    domains = sorted(set(by_domain) & set(inputs.rates))
    x = np.array([np.mean(by_domain[d]) for d in domains])
    r = np.array([inputs.rates[d] for d in domains])
    [risk] = [p for p in result["predictors"] if p["column"] == "risk"]
    assert risk["n"] == len(domains)
    assert risk["spearman_rho"] == pytest.approx(stats.spearmanr(x, r).statistic)
    assert risk["auc"] == pytest.approx(roc_auc_score(r > np.median(r), x))
    if len(domains) >= 3:
        assert 0 < risk["spearman_perm_p"] <= risk["spearman_perm_p_max"] <= 1
    assert result["cost_per_1000_rows"]["risk"] >= result["cost_per_1000_rows"]["risk_judge"]


def test_evaluate_matches_scipy_and_sklearn(tmp_path: Path) -> None:
    paths, domain_of = [], {}
    for i, d in enumerate(DOMAINS):
        # a rising share of misaligned rows, so the risk has something to rank
        rows = (build_rows(BuildConfig(domain=d, n=8, seed=i, variant="aligned"))[0][: 8 - 2 * i]
                + build_rows(BuildConfig(domain=d, n=8, seed=i, variant="misaligned"))[0][: 2 * i])
        path = tmp_path / f"{d}.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in rows))
        paths.append(str(path))
        domain_of[str(path)] = d
    rates = {d: 0.05 * (i + 1) + (0.3 if i == 1 else 0.0) for i, d in enumerate(DOMAINS)}
    inputs = StudyInputs(model="smollm2-135m-instruct", datasets=paths, domain_of=domain_of, rates=rates)
    cfg = ScreenConfig(datasets=tuple(paths), signals=("judge", "embedding"), top=0)
    result = evaluate_study(inputs, cfg, tmp_path / "out", permutations=500)
    assert json.loads((tmp_path / "out" / "evaluate.json").read_text())["predictors"] == result["predictors"]
    _check_against_direct(result, inputs)
    # the report section reads that file: the signal table row for the combined risk, the two figures
    from emscope.report.screen import screen_section

    section = screen_section(tmp_path / "out" / "evaluate.json", tmp_path / "report")
    assert [f.name for f in section.figures] == ["screen_scatter", "screen_roc"]
    [table] = section.tables
    assert [r[0] for r in table.rows] == [p["column"] for p in result["predictors"]]
    assert (tmp_path / "report" / "screen_roc.png").exists()


TINY = {"profile": "demo", "name": "tiny3", "domains": list(DOMAINS[:3]), "data": {"n": 12},
        "train": {"settings": {"max_steps": 2, "effective_batch": 4}},
        "generate": {"samples": 2, "max_new_tokens": 6, "questions": ["one_wish", "feeling_bored"]},
        "stats": {"vendi_sample": 12}}


@pytest.mark.slow
def test_evaluate_on_a_tiny_real_study(tmp_path: Path) -> None:
    config = tmp_path / "tiny.yaml"
    config.write_text(yaml.safe_dump(TINY))
    run = tmp_path / "run"
    done = subprocess.run([sys.executable, "-m", "emscope", "study", str(config), "--out", str(run)],
                          capture_output=True, text=True, timeout=3600)
    assert done.returncode == 0, done.stderr[-3000:]
    inputs = resolve_study(run)
    assert set(inputs.domain_of.values()) == set(DOMAINS[:3]) and set(inputs.rates) == set(DOMAINS[:3])
    cfg = ScreenConfig(datasets=tuple(inputs.datasets), model=inputs.model, model_rows=3, top=0)
    result = evaluate_study(inputs, cfg, tmp_path / "screen", permutations=200)
    _check_against_direct(result, inputs)
    assert {p["column"] for p in result["predictors"]} >= {"risk", "risk_likelihood", "risk_direction", "loss"}
