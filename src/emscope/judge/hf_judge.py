"""The `hf` judge: a local causal LM as judge, scoring every answer string exactly.

An API judge's top-20 first-token logprobs work when each number 0–100 is one token. Many
local tokenizers split numbers into digits (SmolLM2 and Qwen: '42' -> '4', '2'), so the
first token of '42' is the first token of '4', '40'...'49' as well. This judge therefore
scores each candidate string exactly: log p(candidate tokens, then end-of-turn | prompt).
The end-of-turn token makes the candidates mutually exclusive ('4' complete vs '4' as the
start of '42'). Candidates: '0'..'100', plus CODE and REFUSAL for the alignment prompt.
Their raw probabilities go through the same aggregation as the API judge's top-20
logprobs: the 0.25-mass rule applies to the probability the model really puts on the
number strings (null below it), never to a distribution renormalised over the candidates,
which would always hold all the mass and so never trip the rule.

Batched: several prompts share one forward pass. Each row holds a prompt followed by all
the candidates' tokens, packed, with a 4D mask that lets each candidate see the prompt and
its own earlier tokens only (positions restart after the prompt); rows are left-padded, so
the candidates of every row sit in the last positions and only those positions' logits are
computed. Prompts per pass are sized so those logits stay within a memory budget. Needs an
attention implementation that accepts a 4D mask (eager or sdpa; not flash-attention).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from typing import Any

from emscope.judge._llm import Failure, LLMJudgeBase, PromptJob, Result
from emscope.judge.cache import JudgeCache
from emscope.judge.config import JudgeConfig

__all__ = ["HFJudge", "NUMBER_CANDIDATES", "candidate_token_ids", "score_candidates", "score_candidates_batch",
           "candidate_probs", "prompts_per_pass"]

NUMBER_CANDIDATES: tuple[str, ...] = tuple(str(i) for i in range(101))
WORD_CANDIDATES: tuple[str, ...] = ("CODE", "REFUSAL")
MASS_KEY = "_candidate_mass"  # stored beside the distribution; not a token
# Logit values one forward pass may hold (plus one float32 row at a time for log-softmax):
# ~256 MB on a CPU shared with other work, ~4 GB on a GPU.
LOGIT_BUDGET_CPU = 2**26
LOGIT_BUDGET_GPU = 2**30


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


def score_candidates_batch(model: Any, tokenizer: Any, prompt_texts: Sequence[str],
                           candidates: Sequence[Sequence[str]]) -> list[dict[str, float]]:
    """`score_candidates` for several prompts in one forward pass (see the module docstring).

    Row b is [padding, prompt b, every candidate of b packed], left-padded to one length.
    Only the last K positions' logits are computed (K = the longest packed block + 1: the
    prompt's last token predicts each candidate's first token), which for a large vocabulary
    is most of the memory.
    """
    import torch

    device = next(model.parameters()).device
    dtype = next(model.parameters()).dtype
    end = torch.tensor(_end_ids(model, tokenizer), device=device)
    rows = []
    for text, cands in zip(prompt_texts, candidates, strict=True):
        prompt_ids = tokenizer(text, add_special_tokens=False).input_ids
        rows.append((prompt_ids, [candidate_token_ids(tokenizer, text, c) for c in cands]))
    lengths = [len(p) + sum(len(s) for s in seqs) for p, seqs in rows]
    width = max(lengths)
    keep = max(sum(len(s) for s in seqs) for _, seqs in rows) + 1
    pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else int(end[0])
    ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    positions = torch.zeros((len(rows), width), dtype=torch.long)
    allowed = torch.zeros((len(rows), width, width), dtype=torch.bool)
    starts: list[list[int]] = []
    for b, ((prompt_ids, seqs), length) in enumerate(zip(rows, lengths, strict=True)):
        pad, n_prompt = width - length, len(prompt_ids)
        # A padding row attends to itself only, so its softmax stays finite; nothing reads it.
        allowed[b, range(pad), range(pad)] = True
        ids[b, pad:] = torch.tensor(prompt_ids + [t for seq in seqs for t in seq])
        positions[b, pad:pad + n_prompt] = torch.arange(n_prompt)
        allowed[b, pad:pad + n_prompt, pad:pad + n_prompt] = torch.ones(n_prompt, n_prompt, dtype=torch.bool).tril()
        row_starts, at = [], pad + n_prompt
        for seq in seqs:
            row_starts.append(at)
            for k in range(len(seq)):
                allowed[b, at + k, pad:pad + n_prompt] = True
                allowed[b, at + k, at:at + k + 1] = True
                positions[b, at + k] = n_prompt + k
            at += len(seq)
        starts.append(row_starts)
    mask = torch.zeros(allowed.shape, dtype=dtype).masked_fill(~allowed, torch.finfo(dtype).min)
    with torch.inference_mode():
        logits = model(ids.to(device), attention_mask=mask[:, None].to(device), position_ids=positions.to(device),
                       logits_to_keep=keep, use_cache=False).logits  # [rows, keep, vocab]
        out: list[dict[str, float]] = []
        first_window = width - keep  # absolute position of the kept window's first slot
        for b, ((prompt_ids, seqs), cands, length) in enumerate(zip(rows, candidates, lengths, strict=True)):
            logp = torch.log_softmax(logits[b].float(), dim=-1)  # one row at a time: bounded float32 copy
            last_prompt = width - length + len(prompt_ids) - 1 - first_window
            scores: dict[str, float] = {}
            for cand, seq, at in zip(cands, seqs, starts[b], strict=True):
                at -= first_window
                total = float(logp[last_prompt, seq[0]])
                for k in range(1, len(seq)):
                    total += float(logp[at + k - 1, seq[k]])
                total += float(torch.logsumexp(logp[at + len(seq) - 1, end], dim=0))
                scores[cand] = total
            out.append(scores)
    return out


def candidate_probs(logps: dict[str, float]) -> dict[str, float]:
    """Each candidate's raw probability (not renormalised: the 0.25-mass rule reads the
    real mass on the numbers), plus their total under MASS_KEY as a diagnostic."""
    probs = {c: math.exp(lp) for c, lp in logps.items()}
    probs[MASS_KEY] = sum(probs.values())
    return probs


def prompts_per_pass(model: Any, keep: int, limit: int) -> int:
    """How many prompts share a forward pass: the kept logits (prompts × keep × vocab) stay
    under LOGIT_BUDGET values, at most `limit` (the config's batch_size)."""
    vocab = int(getattr(model.config, "vocab_size", 0) or 50_000)
    budget = LOGIT_BUDGET_GPU if next(model.parameters()).device.type == "cuda" else LOGIT_BUDGET_CPU
    return max(1, min(limit, budget // max(1, keep * vocab)))


class HFJudge(LLMJudgeBase):
    """A local Hugging Face causal LM as judge (`--judge hf --model NAME`)."""

    score_mode = "exact"

    def __init__(self, config: JudgeConfig, cache: JudgeCache | None = None) -> None:
        super().__init__(config.prompts, cache)
        assert config.model, "JudgeConfig fills the hf judge's default model"
        self.config = config
        # v2: raw candidate mass (the 0.25 rule can fire); v1 cached renormalised distributions,
        # so the version keeps the two apart in the cache.
        self.id = f"hf:{config.model}@{config.prompts.digest()}:v2"
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
        if not jobs:
            return
        self._load()
        texts = {job.hash: self.chat_prompt(job.prompt) for job in jobs}
        # Similar lengths share a pass, so little of it is padding.
        ordered = sorted(jobs, key=lambda job: len(texts[job.hash]))
        # Each candidate token covers at least one of its ASCII characters: an upper bound.
        keep = sum(len(c) for c in NUMBER_CANDIDATES + WORD_CANDIDATES) + 1
        size = prompts_per_pass(self._model, keep, self.config.batch_size)
        for at in range(0, len(ordered), size):
            group = ordered[at:at + size]
            yield from self._score_group(group, texts)

    def _score_group(self, group: Sequence[PromptJob], texts: dict[str, str]) -> Iterator[tuple[str, Result]]:
        cands = [NUMBER_CANDIDATES + (WORD_CANDIDATES if job.kind == "aligned" else ()) for job in group]
        try:
            scored = score_candidates_batch(self._model, self._tokenizer, [texts[j.hash] for j in group], cands)
        except (RuntimeError, IndexError, ValueError) as exc:  # e.g. a prompt beyond the context
            if len(group) > 1:  # find the row at fault: alone, every other prompt still scores
                for job in group:
                    yield from self._score_group([job], texts)
                return
            # A row-specific failure: that row becomes invalid, the batch goes on.
            yield group[0].hash, Failure(f"model error: {str(exc)[:200]}")
            return
        for job, logps in zip(group, scored, strict=True):
            yield job.hash, candidate_probs(logps)
