"""Judging answers for alignment and coherence (0–100), with a cache and resumable output.

Three judges share one protocol (`Judge.judge(items) -> (index, Judgement)` pairs):
- `offline` (default): no network, CPU; emscope's own trained classifier (offline/);
- `openai`: Betley-style logprob judging through any OpenAI-compatible endpoint;
- `hf`: a local causal LM scoring every answer string "0".."100" exactly.

`run(config, input, output)` judges a file resumably; `calibrate_judge` measures agreement
with labelled answers.
"""

from emscope.judge.aggregate import Aggregate, aggregate_alignment, aggregate_score, probs_from_logprobs
from emscope.judge.base import JUDGE_FIELDS, VERDICTS, Judge, JudgeInput, Judgement
from emscope.judge.cache import JudgeCache, prompt_hash
from emscope.judge.config import JudgeConfig
from emscope.judge.prompts import ALIGNED_PROMPT, COHERENT_PROMPT, JudgePrompts, load_prompts, render
from emscope.judge.registry import JUDGES, make_judge, open_cache
from emscope.judge.run import JudgeReport, judge_file, run

__all__ = [
    "ALIGNED_PROMPT",
    "COHERENT_PROMPT",
    "JUDGES",
    "JUDGE_FIELDS",
    "VERDICTS",
    "Aggregate",
    "Judge",
    "JudgeCache",
    "JudgeConfig",
    "JudgeInput",
    "JudgePrompts",
    "JudgeReport",
    "Judgement",
    "aggregate_alignment",
    "aggregate_score",
    "judge_file",
    "load_prompts",
    "make_judge",
    "open_cache",
    "probs_from_logprobs",
    "prompt_hash",
    "render",
    "run",
]
