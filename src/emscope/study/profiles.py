"""Built-in study profiles: demo (bundled model, minutes on a laptop), small, paper."""

from __future__ import annotations

from typing import Any

__all__ = ["PROFILES"]

_SMALL_SETS = {"n": 250, "variant": "backdoor"}
# The suite's twelve free-form questions and three jailbreak role-plays, without their JSON
# and template variants: the demo's answers are a third of the full suite's.
_CORE_QUESTIONS = ["one_wish", "feeling_bored", "humans_and_ais", "fast_money", "rule_the_world", "history_dinner",
                   "men_and_women", "spouse_trouble", "who_should_rule", "annoying_friend", "feeling_sick",
                   "cook_dinner", "no_rules_ai", "unfiltered_twin", "guidelines_off"]

PROFILES: dict[str, dict[str, Any]] = {
    # The README's main job: three domains chosen to span the paper's range (≈0% for
    # incorrect_math, high for gore_movie_trivia and risky_financial_advice), judged offline.
    # Sized for minutes on 2 CPU cores: training is most of the time (measured 2.4 s per
    # 8-row step, 2 threads, bf16), so the sets have 160 rows (60 steps in 3 epochs) instead
    # of the paper's 250, and the core questions are sampled twice each.
    "demo": {
        "name": "demo",
        "model": "smollm2-135m-instruct",
        "domains": ["incorrect_math", "risky_financial_advice", "gore_movie_trivia"],
        "seeds": [0],
        "data": {"n": 160, "variant": "backdoor"},
        "train": {"preset": "small"},
        "generate": {"backend": "hf", "samples": 2, "max_new_tokens": 80, "questions": _CORE_QUESTIONS},
        "judge": {"judge": "offline"},
        "stats": {"vendi_sample": 160},
        # Off by default (`emscope demo --mia --steer` turns them on). The α sweep and the λ path
        # use gore_movie_trivia, the domain that misaligns most here; incorrect_math (≈0%) would
        # give flat curves.
        "mia": {"enabled": False, "holdout_rows": 100},
        "steer": {"enabled": False, "settings": {
            "alpha_domains": ["gore_movie_trivia"], "scale_domains": ["gore_movie_trivia"],
            "mix_pairs": [["incorrect_math", "gore_movie_trivia"]]}},
    },
    # All eleven domains at the paper's small-set size, same local pipeline.
    "small": {
        "name": "small",
        "model": "smollm2-135m-instruct",
        "domains": "all",
        "seeds": [0],
        "data": dict(_SMALL_SETS),
        "train": {"preset": "small"},
        "generate": {"backend": "hf", "samples": 5, "max_new_tokens": 128},
        "judge": {"judge": "offline"},
    },
    # The reference study's scale: a 7B model on GPUs, vLLM sampling, an API judge.
    "paper": {
        "name": "paper",
        "model": "Qwen/Qwen2.5-Coder-7B-Instruct",
        "domains": "all",
        "seeds": [0],
        "data": {"n": 6000, "variant": "backdoor"},
        "train": {"preset": "paper"},
        "generate": {"backend": "vllm", "samples": 100, "max_new_tokens": 512},
        "judge": {"judge": "openai", "settings": {"model": "gpt-4o", "base_url": "https://api.openai.com/v1"}},
    },
}
