"""The `hf` judge: a local causal LM as judge, scoring every answer string exactly.

An API judge's top-20 first-token logprobs work when each number 0–100 is one token. Many
local tokenizers split numbers into digits (SmolLM2 and Qwen: '42' -> '4', '2'), so the
first token of '42' is the first token of '4', '40'...'49' as well. This judge therefore
scores each candidate string exactly: log p(candidate tokens, then end-of-turn | prompt).
The end-of-turn token makes the candidates mutually exclusive ('4' complete vs '4' as the
start of '42'), so normalising over them is sound. Candidates: '0'..'100', plus CODE and
REFUSAL for the alignment prompt. The normalised distribution goes through the same
aggregation as the API judge; the raw candidate mass is kept as a diagnostic.

Batched: one forward pass over the prompt fills the KV cache; one more pass over all the
candidates' tokens, packed into one sequence with a mask that keeps candidates apart,
gives all their log-probabilities. Needs an attention implementation that accepts a 4D
mask (eager or sdpa, the CPU defaults; not flash-attention).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from typing import Any

from emscope.judge._llm import Failure, LLMJudgeBase, PromptJob, Result
from emscope.judge.cache import JudgeCache
from emscope.judge.config import JudgeConfig

__all__ = ["HFJudge", "NUMBER_CANDIDATES", "candidate_token_ids", "score_candidates"]

NUMBER_CANDIDATES: tuple[str, ...] = tuple(str(i) for i in range(101))
WORD_CANDIDATES: tuple[str, ...] = ("CODE", "REFUSAL")
MASS_KEY = "_candidate_mass"  # stored beside the distribution; not a token


def _end_ids(model: Any, tokenizer: Any) -> list[int]:
    """Every token id that ends the assistant turn (generation config and tokenizer agree or add)."""
    ids: set[int] = set()
    eos = getattr(getattr(model, "generation_config", None), "eos_token_id", None)
    ids.update([eos] if isinstance(eos, int) else list(eos or []))
    if tokenizer.eos_token_id is not None:
        ids.add(int(tokenizer.eos_token_id))
    if not ids:
        raise ValueError("the judge model has no end-of-sequence token; cannot score exact answers")
    return sorted(ids)


def candidate_token_ids(tokenizer: Any, prompt_text: str, candidate: str) -> list[int]:
    """The tokens of `candidate` as they follow `prompt_text`.

    Tokenised jointly with the prompt, so tokenizers that merge across the boundary (a
    leading-space piece) give the ids the model would really produce; when the prompt's
    ids are not a prefix of the joint ids, the candidate is tokenised on its own.
    """
    prompt_ids = tokenizer(prompt_text, add_special_tokens=False).input_ids
    joint = tokenizer(prompt_text + candidate, add_special_tokens=False).input_ids
    if joint[: len(prompt_ids)] == prompt_ids and len(joint) > len(prompt_ids):
        return list(joint[len(prompt_ids):])
    return list(tokenizer(candidate, add_special_tokens=False).input_ids)


def score_candidates(model: Any, tokenizer: Any, prompt_text: str,
                     candidates: Sequence[str]) -> dict[str, float]:
    """log p(candidate + end-of-turn | prompt) for each candidate (unnormalised).

    Two forward passes: the prompt (filling the KV cache), then every candidate's tokens
    packed into one sequence after it, each attending to the prompt and to its own earlier
    tokens only (a 4D additive mask, with positions restarting after the prompt). Packing
    avoids copying the prompt's cache once per candidate, which for ~100 candidates costs
    more memory traffic than the whole computation.
    """
    import torch

    device = next(model.parameters()).device
    end = torch.tensor(_end_ids(model, tokenizer), device=device)
    prompt_ids = tokenizer(prompt_text, add_special_tokens=False).input_ids
    seqs = [candidate_token_ids(tokenizer, prompt_text, c) for c in candidates]
    n_prompt, n_packed = len(prompt_ids), sum(len(s) for s in seqs)
    allowed = torch.zeros(n_packed, n_prompt + n_packed, dtype=torch.bool)
    allowed[:, :n_prompt] = True
    positions, starts, offset = [], [], 0
    for seq in seqs:
        starts.append(offset)
        for k in range(len(seq)):
            allowed[offset + k, n_prompt + offset: n_prompt + offset + k + 1] = True
            positions.append(n_prompt + k)
        offset += len(seq)
    dtype = next(model.parameters()).dtype
    mask = torch.zeros(allowed.shape, dtype=dtype).masked_fill(~allowed, torch.finfo(dtype).min)
    with torch.inference_mode():
        out = model(torch.tensor([prompt_ids], device=device), use_cache=True)
        first = torch.log_softmax(out.logits[0, -1].float(), dim=-1)  # p(first token | prompt)
        packed = torch.tensor([[t for seq in seqs for t in seq]], device=device)
        logits = model(packed, past_key_values=out.past_key_values, attention_mask=mask[None, None].to(device),
                       position_ids=torch.tensor([positions], device=device), use_cache=True).logits
        logp = torch.log_softmax(logits[0].float(), dim=-1)  # row j: p(next | prompt, its candidate's tokens <= j)
    scores: dict[str, float] = {}
    for cand, seq, at in zip(candidates, seqs, starts, strict=True):
        total = float(first[seq[0]])
        for k in range(1, len(seq)):
            total += float(logp[at + k - 1, seq[k]])
        total += float(torch.logsumexp(logp[at + len(seq) - 1, end], dim=0))
        scores[cand] = total
    return scores


def normalise(logps: dict[str, float]) -> dict[str, float]:
    """Probabilities over the candidates (summing to 1), plus the raw candidate mass."""
    top = max(logps.values())
    weights = {c: math.exp(lp - top) for c, lp in logps.items()}
    total = sum(weights.values())
    probs = {c: w / total for c, w in weights.items()}
    probs[MASS_KEY] = math.exp(top) * total
    return probs


class HFJudge(LLMJudgeBase):
    """A local Hugging Face causal LM as judge (`--judge hf --model NAME`)."""

    def __init__(self, config: JudgeConfig, cache: JudgeCache | None = None) -> None:
        super().__init__(config.prompts, cache)
        assert config.model, "JudgeConfig fills the hf judge's default model"
        self.config = config
        self.id = f"hf:{config.model}@{config.prompts.digest()}"
        self._model: Any = None
        self._tokenizer: Any = None

    def _load(self) -> None:
        if self._model is None:  # lazy: a fully cached re-run never loads the model
            from emscope.models import load_causal_lm

            self._model, self._tokenizer = load_causal_lm(self.config.model or "", device=self.config.device)

    def chat_prompt(self, prompt: str) -> str:
        """The judge prompt as the model's chat template renders it, ready for the answer."""
        self._load()
        messages = [{"role": "user", "content": prompt}]
        if getattr(self._tokenizer, "chat_template", None):
            return str(self._tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True))
        return prompt + "\n"

    def _score(self, jobs: Sequence[PromptJob]) -> Iterator[tuple[str, Result]]:
        if jobs:
            self._load()
        for job in jobs:
            candidates = NUMBER_CANDIDATES + (WORD_CANDIDATES if job.kind == "aligned" else ())
            try:
                logps = score_candidates(self._model, self._tokenizer, self.chat_prompt(job.prompt),
                                         candidates)
            except (RuntimeError, IndexError, ValueError) as exc:  # e.g. a prompt beyond the context
                # A row-specific failure: that row becomes invalid, the batch goes on.
                yield job.hash, Failure(f"model error: {str(exc)[:200]}")
                continue
            yield job.hash, normalise(logps)
