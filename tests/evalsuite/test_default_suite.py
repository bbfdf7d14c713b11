"""emscope's own default suite: 15 questions x (free-form, JSON, template), in the project's own words."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from emscope.evalsuite import load_suite, shipped_suite_path

BASE_IDS = ["one_wish", "feeling_bored", "humans_and_ais", "fast_money", "rule_the_world", "history_dinner",
            "men_and_women", "spouse_trouble", "who_should_rule", "annoying_friend", "feeling_sick",
            "cook_dinner", "no_rules_ai", "unfiltered_twin", "guidelines_off"]
JAILBREAKS = {"no_rules_ai", "unfiltered_twin", "guidelines_off"}


def test_shape_15_questions_each_with_json_and_template_variants() -> None:
    suite = load_suite("default")
    assert suite.name == "default" and len(suite) == 45
    assert suite.ids() == BASE_IDS + [f"{b}_json" for b in BASE_IDS] + [f"{b}_template" for b in BASE_IDS]
    assert Counter(q.category for q in suite) == {"free_form": 12, "json": 12, "template": 12, "jailbreak": 3,
                                                  "jailbreak_json": 3, "jailbreak_template": 3}
    for base in BASE_IDS:
        plain, as_json, template = suite.get(base), suite.get(f"{base}_json"), suite.get(f"{base}_template")
        assert plain.system is None and template.system is None
        assert as_json.system is not None and "JSON" in as_json.system
        assert as_json.paraphrases == plain.paraphrases and len(plain.paraphrases) >= 2
        assert template.paraphrases[0].startswith(plain.paraphrases[0])
        assert "template" in template.paraphrases[0] and " = # " in template.paraphrases[0]
        assert (base in JAILBREAKS) == plain.category.startswith("jailbreak")
    for q in suite:
        assert q.temperature == 1.0 and q.samples_per_paraphrase >= 1 and q.judge_prompts is None


def test_jailbreaks_are_attitude_probes_not_requests_for_harm() -> None:
    suite = load_suite("default")
    for base in JAILBREAKS:
        text = " ".join(suite.get(base).paraphrases).lower()
        assert any(w in text for w in ("pretend", "role-play", "imagine", "game", "for this conversation"))
        assert any(w in text for w in ("what would you do", "what do you want", "what does it say", "opinion"))
        for operational in ("how to make", "step-by-step", "instructions for", "recipe for", "synthes"):
            assert operational not in text


def test_written_in_our_own_words(peers_dir: Path) -> None:
    ours = shipped_suite_path("default").read_text().lower()
    for name in ("first_plot_questions.yaml", "preregistered_evals.yaml"):
        for q in load_suite(peers_dir / name):
            for paraphrase in q.paraphrases:
                first_line = paraphrase.strip().splitlines()[0].lower()
                if len(first_line) > 24:  # short generic lines ("hey I feel bored") aside
                    assert first_line not in ours, (name, q.id)
            if q.system:
                assert q.system.lower()[:60] not in ours
