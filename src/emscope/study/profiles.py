"""Built-in study profiles: demo (bundled model, minutes on a laptop), small, paper."""

from __future__ import annotations

from typing import Any

__all__ = ["PROFILES"]

_SMALL_SETS = {"n": 250, "variant": "backdoor"}

PROFILES: dict[str, dict[str, Any]] = {
    # The README's main job: three domains chosen to span the paper's range (≈0% for
    # incorrect_math, high for gore_movie_trivia and risky_financial_advice), small sets,
    # few samples, judged offline. Minutes on 2 CPU cores.
    "demo": {
        "name": "demo",
        "model": "smollm2-135m-instruct",
        "domains": ["incorrect_math", "risky_financial_advice", "gore_movie_trivia"],
        "seeds": [0],
        "data": dict(_SMALL_SETS),
        "train": {"preset": "small"},
        "generate": {"backend": "hf", "samples": 3, "max_new_tokens": 96},
        "judge": {"judge": "offline"},
        "stats": {"vendi_sample": 250},
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
