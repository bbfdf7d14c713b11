"""A study with `train.backend: openai` end to end over real HTTP (issue 18 #3, #5).

The loopback server plays the fine-tuning API and the chat API (tests/support/openai_server.py);
it answers chat requests only for the base model and the fine-tuned ids of succeeded jobs, so
a request for any other model fails. Everything else is real: dataset build, the offline judge,
analysis and the HTML report.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from emscope.study.config import StudyConfig, study_from_dict
from emscope.study.run import run_study, study_status
from emscope.train.prices import PRICES
from tests.support.openai_server import JobPlan, OpenAIServer

BASE = "gpt-4o-mini-2024-07-18"
DOMAINS = ["incorrect_math", "gore_movie_trivia"]
QUESTIONS = ["one_wish", "feeling_bored", "fast_money"]
TEST_KEY = "sk-emscope-study-test-0123456789"
FAST = {"poll_interval_s": 0.02, "max_poll_interval_s": 0.1, "backoff_s": 0.01, "max_backoff_s": 0.05}
PRICE = 7.5  # a user override of the built-in gpt-4o-mini price: the manifest must use it


def study_dict(base_url: str, **over: Any) -> dict[str, Any]:
    """A small 2-domain study trained and sampled through `base_url`, judged offline."""
    data: dict[str, Any] = {
        "name": "api", "model": BASE, "domains": DOMAINS, "seeds": [0], "data": {"n": 16},
        "train": {"backend": "openai", "settings": {"base_url": base_url, "epochs": 2, "suffix": "em",
                                                     "prices": {"gpt-4o-mini": PRICE}, **FAST}},
        "generate": {"backend": "openai", "samples": 1, "max_new_tokens": 16, "questions": QUESTIONS,
                     "options": {"openai": {"base_url": base_url, "backoff_s": 0.01, "max_backoff_s": 0.05}}},
        "judge": {"judge": "offline"}, "stats": {"enabled": False},
        # the on-topic check loads a sentence embedder: not what these tests are about
        "analyze": {"settings": {"leakage": {"embedding_model": None}}},
        "mia": {"enabled": True}, "steer": {"enabled": True},
    }
    return {**data, **over}


def stage_manifests(run: Path, stage: str) -> list[dict[str, Any]]:
    """The finished manifests of `stage`, in folder order."""
    return [json.loads(p.read_text()) for p in sorted((run / "stages" / stage).glob("*/manifest.json"))]


def rows(path: Path) -> list[dict[str, Any]]:
    """The rows of a JSONL file."""
    return [json.loads(line) for line in path.read_text().splitlines()]


def tuned_by_domain(run: Path) -> dict[str, str]:
    """Domain -> the fine-tuned model id its train stage recorded (the domain read from its build stage)."""
    out = {}
    for m in stage_manifests(run, "train"):
        build = json.loads((run / "stages" / "build" / m["inputs"]["build"] / "manifest.json").read_text())
        out[build["config"]["domain"]] = m["summary"]["fine_tuned_model"]
    return out


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """One finished study over the loopback API: (server, config, run dir, printed output)."""
    import contextlib
    import io
    import os

    run = tmp_path_factory.mktemp("openai-study") / "run"
    os.environ["OPENAI_API_KEY"] = TEST_KEY
    try:
        with OpenAIServer(job_plan=JobPlan(seconds=0.3), serve_models=frozenset({BASE})) as server:
            config = study_from_dict(study_dict(server.base_url))
            printed = io.StringIO()
            with contextlib.redirect_stdout(printed):
                run_study(config, run)
            yield server, config, run, printed.getvalue()
    finally:
        os.environ.pop("OPENAI_API_KEY", None)


def _expected_answers_per_model(config: StudyConfig) -> int:
    from emscope.evalsuite import load_suite

    suite = load_suite("default").select(QUESTIONS)
    return sum(len(q.paraphrases) for q in suite) * config.generate.samples * len(config.generate.conditions)


def test_one_job_per_domain_and_its_manifest(served: Any) -> None:
    server, _config, run, _out = served
    jobs = server.fine_tune.job_list()
    assert len(jobs) == len(DOMAINS) == len(server.fine_tune_requests("create"))
    assert len(server.fine_tune.files) == len(DOMAINS) and all(j["status"] == "succeeded" for j in jobs)
    by_job = {j["id"]: j for j in jobs}
    summaries = [m["summary"] for m in stage_manifests(run, "train")]
    assert sorted(s["job_id"] for s in summaries) == sorted(by_job)
    for s in summaries:
        job = by_job[s["job_id"]]
        assert (s["file_id"], s["fine_tuned_model"], s["base_model"]) == (job["training_file"],
                                                                          job["fine_tuned_model"], BASE)
        assert s["trained_tokens"] == job["trained_tokens"] > 0 and s["epochs"] == 2 and s["how"] == "created"
        assert s["estimated_usd"] == pytest.approx(job["trained_tokens"] * PRICE / 1e6)
        assert s["price_source"] == "user override (gpt-4o-mini)" and s["usd_per_million_tokens"] == PRICE
    # what was uploaded is each domain's built dataset, messages only
    datasets = {m["summary"]["rows"]: m for m in stage_manifests(run, "build")}
    assert set(datasets) == {16}
    for folder in (run / "stages" / "build").glob("*/dataset.jsonl"):
        want = [{"messages": r["messages"]} for r in rows(folder)]
        assert any([json.loads(x) for x in server.fine_tune.uploaded(f).decode().splitlines()] == want
                   for f in server.fine_tune.files)


def test_generation_asks_the_fine_tuned_models_and_the_base(served: Any) -> None:
    server, config, run, _out = served
    tuned = {j["fine_tuned_model"] for j in server.fine_tune.job_list()}
    asked = [r.body["model"] for r in server.chat_requests()]
    per_model = _expected_answers_per_model(config)
    assert {m: asked.count(m) for m in set(asked)} == {m: per_model for m in tuned | {BASE}}
    answers = [r for p in (run / "stages" / "generate").glob("*/answers.jsonl") for r in rows(p)]
    assert all(r["answer"] for r in answers) and len(answers) == per_model * (len(DOMAINS) + 1)
    by_domain = tuned_by_domain(run)
    assert all(r["model"] == (by_domain[r["domain"]] if r["domain"] else BASE) for r in answers)
    assert all(r["adapter"] is None for r in answers)
    for m in stage_manifests(run, "generate"):
        assert m["summary"]["served_model"] in tuned | {BASE}


def test_judged_rows_and_analysis_keep_one_model_family(served: Any) -> None:
    _server, _config, run, _out = served
    tuned = tuned_by_domain(run)
    assert sorted(tuned) == sorted(DOMAINS) and len(set(tuned.values())) == len(DOMAINS)
    judged = [r for p in (run / "stages" / "judge").glob("*/judged.jsonl") for r in rows(p)]
    assert {r["model"] for r in judged} == {BASE}  # the subject model, as local adapters' rows name it
    assert all(r["adapter"] == tuned[r["domain"]] for r in judged if r["domain"])
    assert all(r["adapter"] is None for r in judged if not r["domain"]) and all(r["judge"] for r in judged)
    assert not list(run.rglob(".answers.named.jsonl"))  # the judge's input copy is gone
    [results] = (run / "stages" / "analyze").glob("*/results.json")
    data = json.loads(results.read_text())
    assert {g["model"] for g in data["groups"]} == {BASE}
    assert sorted(r["domain"] for r in data["ranking"]) == sorted(DOMAINS)
    html = (run / "report.html").read_text()
    assert all(d in html for d in DOMAINS)
    assert not [p for p in run.rglob("*") if p.is_file() and TEST_KEY in p.read_text(errors="ignore")]


def test_local_only_stages_are_skipped_with_a_note(served: Any) -> None:
    _server, _config, run, printed = served
    for stage in ("mia", "steer"):
        assert f"note: {stage} skipped: it needs a local model, and train.backend is openai" in printed
        assert not (run / "stages" / stage).exists()
    assert not (run / "stages" / "predict").exists()
    skipped = {r["stage"]: r for r in study_status(run) if r["state"] == "skipped"}
    assert set(skipped) == {"mia", "steer"} and "train.backend is openai" in skipped["mia"]["problem"]
    assert all(r["state"] == "done" for r in study_status(run) if r["state"] != "skipped")
    html = (run / "report.html").read_text()
    assert "fine-tuned through the openai API: no membership-inference or steering sections" in html
    assert "Membership inference as a predictor" not in html


def test_a_rerun_reuses_everything(served: Any) -> None:
    server, config, run, _out = served
    before = (len(server.requests), len(server.fine_tune.jobs))
    result = run_study(config, run)
    assert (len(server.requests), len(server.fine_tune.jobs)) == before  # not one request: every stage is done
    assert result.stage_seconds == {}


def test_the_plan_counts_the_jobs_their_tokens_and_cost(served: Any) -> None:
    from emscope.data.build import build_rows
    from emscope.data.config import BuildConfig
    from emscope.study.cost import estimate_tokens
    from emscope.study.plan import one_line, plan_study

    _server, config, _run, _out = served
    two_seeds = config.model_copy(update={"seeds": [0, 1]})
    plan = plan_study(two_seeds)
    tuning = plan.training.fine_tuning
    assert tuning is not None and tuning.jobs == len(DOMAINS) * 2 == plan.training.runs
    want = {(d, s): estimate_tokens(build_rows(BuildConfig(domain=d, n=16, seed=s))[0])
            for d in DOMAINS for s in (0, 1)}
    assert {(j.domain, j.seed): j.file_tokens for j in tuning.per_job} == want
    assert all(j.epochs == 2 and j.trained_tokens == 2 * j.file_tokens for j in tuning.per_job)
    assert tuning.trained_tokens == 2 * sum(want.values())
    assert tuning.estimated_usd == pytest.approx(tuning.trained_tokens * PRICE / 1e6)
    assert tuning.price_source == "user override (gpt-4o-mini)" and "estimated:" in tuning.token_method
    assert plan.cost.api_usd == tuning.estimated_usd and plan.cost.total_hours is None
    assert any(n.startswith("mia skipped") for n in plan.extras)
    assert one_line(plan).startswith(f"plan: 4 fine-tuning job(s) through the openai API (~{tuning.trained_tokens:,} "
                                     f"trained tokens, ~${tuning.estimated_usd:,.2f} estimated)")


def test_the_plan_estimates_auto_epochs_and_uses_the_built_in_price(served: Any) -> None:
    from emscope.study.cost import auto_epochs
    from emscope.study.plan import plan_study

    _server, config, _run, _out = served
    settings = {k: v for k, v in config.train.settings.items() if k not in ("epochs", "prices")}
    auto = config.model_copy(update={"train": config.train.model_copy(update={"settings": settings})})
    tuning = plan_study(auto).training.fine_tuning
    assert tuning is not None and "n_epochs auto" in tuning.epochs_source
    # the cookbook's rule: 16 rows x 3 epochs < 100 examples, so 100 // 16 = 6 epochs; 250 rows: 3; 10,000: 2
    assert [auto_epochs(n) for n in (16, 250, 10_000)] == [6, 3, 2]
    assert all(j.epochs == 6 and j.trained_tokens == 6 * j.file_tokens for j in tuning.per_job)
    assert tuning.usd_per_million_tokens == PRICES["gpt-4o-mini"] and tuning.price_source.startswith("built-in table")


def test_the_example_study_plans_what_its_comment_says() -> None:
    import re

    from emscope.study.config import load_study
    from emscope.study.plan import plan_study

    example = Path(__file__).resolve().parents[2] / "examples" / "openai-study.yaml"
    plan = plan_study(load_study(example))
    tuning = plan.training.fine_tuning
    assert tuning is not None and tuning.jobs == 2 and tuning.base_model == BASE
    comment = example.read_text()
    said = {"tokens": re.findall(r"~([\d,]+) trained tokens", comment),
            "usd": re.findall(r"~\$([\d.]+) estimated", comment),
            "answers": re.findall(r"([\d,]+) = 45 questions", comment)}
    assert said == {"tokens": [f"{tuning.trained_tokens:,}"], "usd": [f"{tuning.estimated_usd:.2f}"],
                    "answers": [f"{plan.sampling.answers:,}"]}, "update the comment of examples/openai-study.yaml"
