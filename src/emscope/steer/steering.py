"""Interventions on the residual stream during a forward pass or generation.

- add: h ← h + α·v at the chosen layers' outputs (v raw, or unit with `normalize`);
- ablate: h ← h − (h·v̂)v̂, which leaves no component along v̂.

Positions. "all" modifies every position. "answer" modifies only positions at or after
the answer start: in generation that is the generated tokens (positions after the
prompt). Each hook tracks absolute positions itself: a call with more than one token
starts a new sequence (the prefill, or a full forward pass) at position 0 and its length
is the prompt length; single-token calls are cached decoding steps at the next positions.
This needs no cooperation from whoever calls `generate`, so it also works around a
generation backend written elsewhere — as long as it decodes with a KV cache (transformers'
default). Note the first generated token is predicted from the last prompt position and
is therefore not itself steered in "answer" mode. For a teacher-forced forward pass, give
`answer_start` (the index of the first answer token) instead.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from emscope.models.chat import render_prompt
from emscope.steer.activations import model_device
from emscope.steer.config import SteerGenerationConfig, SteeringConfig
from emscope.steer.directions import Directions
from emscope.steer.hooks import layer_output_hooks

__all__ = ["Prompt", "GenerateFn", "steering", "add_vector", "ablate_vector", "as_messages",
           "generate_answers", "generate_steered", "make_generate_fn"]

# A prompt is a user message, or a conversation ending with a user turn.
Prompt = str | Sequence[dict[str, str]]
GenerateFn = Callable[[Any, Any, Sequence[Prompt]], list[str]]


def add_vector(h: Any, vector: Any) -> Any:
    """h + vector (broadcast over batch and positions), in h's dtype."""
    return h + vector.to(device=h.device, dtype=h.dtype)


def ablate_vector(h: Any, unit: Any) -> Any:
    """h − (h·û)û, computed in at least float32 (also under bf16 autocast), returned in h's dtype."""
    import torch

    work = h.to(torch.promote_types(h.dtype, torch.float32))
    u = unit.to(device=h.device, dtype=work.dtype)
    # Elementwise product and sum: never downcast by autocast, unlike a matmul.
    return (work - (work * u).sum(dim=-1, keepdim=True) * u).to(h.dtype)


class _PositionTracker:
    """Absolute positions of the tokens in each call of one layer (see module docstring)."""

    def __init__(self, answer_start: int | None) -> None:
        self.answer_start = answer_start
        self.seen = 0
        self.prompt_length = 0

    def first_steered(self, length: int) -> int:
        """Index, within this call's positions, of the first answer position (may be ≥ length)."""
        if length > 1 or self.seen == 0:
            offset, self.prompt_length = 0, length
        else:
            offset = self.seen
        self.seen = offset + length
        start = self.answer_start if self.answer_start is not None else self.prompt_length
        return max(0, start - offset)


def _layer_fn(vector: Any, config: SteeringConfig, answer_start: int | None) -> Callable[[Any], Any]:
    op = ablate_vector if config.mode == "ablate" else add_vector
    if config.positions == "all":
        return lambda h: op(h, vector)
    tracker = _PositionTracker(answer_start)

    def fn(h: Any) -> Any:
        first = tracker.first_steered(h.shape[1])
        if first >= h.shape[1]:
            return None  # only prompt positions in this call
        out = h.clone()
        out[:, first:] = op(h[:, first:], vector)
        return out
    return fn


@contextlib.contextmanager
def steering(model: Any, directions: Directions | None, config: SteeringConfig | None,
             answer_start: int | None = None) -> Iterator[None]:
    """Apply `config`'s intervention with `directions` to `model` while the context is open.

    `None` for either argument means no intervention (handy for α = 0 baselines that
    must run the same code path). Hooks are removed on exit, also after an exception.
    """
    if directions is None or config is None:
        yield
        return
    fns = {}
    for layer in config.layers:
        if config.mode == "ablate":
            vector = directions.at(layer, unit=True)
        else:
            vector = config.alpha * directions.at(layer, unit=config.normalize)
        fns[layer] = _layer_fn(vector, config, answer_start)
    with layer_output_hooks(model, fns):
        yield


def as_messages(prompt: Prompt) -> list[dict[str, str]]:
    """A conversation ending in a user turn, from a string or a message list."""
    if isinstance(prompt, str):
        return [{"role": "user", "content": prompt}]
    messages = list(prompt)
    if not messages or messages[-1].get("role") != "user":
        raise ValueError("a prompt conversation must end with a user turn")
    return messages


@contextlib.contextmanager
def _seeded(seed: int, batch: int, device: Any) -> Iterator[None]:
    import torch

    # fork_rng restores the RNG state afterwards: sampling here never shifts other code's draws.
    cuda = [device] if getattr(device, "type", "cpu") == "cuda" else []
    with torch.random.fork_rng(devices=cuda):
        torch.manual_seed(seed * 1_000_003 + batch)
        yield


def generate_answers(model: Any, tokenizer: Any, prompts: Sequence[Prompt],
                     config: SteerGenerationConfig | None = None) -> list[str]:
    """Plain batched `model.generate` (left padding) over chat prompts; returns the answer texts."""
    import torch

    config = config or SteerGenerationConfig()
    texts = [render_prompt(tokenizer, as_messages(p)) for p in prompts]
    device = model_device(model)
    answers: list[str] = []
    old_side = tokenizer.padding_side
    tokenizer.padding_side = "left"  # all prompts end at the same index: decoding continues from there
    try:
        for b, start in enumerate(range(0, len(texts), config.batch_size)):
            enc = tokenizer(texts[start : start + config.batch_size], return_tensors="pt", padding=True,
                            add_special_tokens=False)
            kwargs: dict[str, Any] = {"max_new_tokens": config.max_new_tokens, "do_sample": config.do_sample,
                                      "pad_token_id": tokenizer.pad_token_id}
            if config.do_sample:
                kwargs.update(temperature=config.temperature, top_p=1.0, top_k=0)
            else:  # explicit: a model's generation_config may ask for sampling parameters
                kwargs.update(temperature=None, top_p=None, top_k=None)
            with _seeded(config.seed, b, device), torch.inference_mode():
                out = model.generate(input_ids=enc["input_ids"].to(device),
                                     attention_mask=enc["attention_mask"].to(device), **kwargs)
            new = out[:, enc["input_ids"].shape[1]:]
            answers.extend(tokenizer.decode(row, skip_special_tokens=True).strip() for row in new)
    finally:
        tokenizer.padding_side = old_side
    return answers


def generate_steered(model: Any, tokenizer: Any, prompts: Sequence[Prompt], directions: Directions | None,
                     steer: SteeringConfig | None, config: SteerGenerationConfig | None = None) -> list[str]:
    """Generate answers to `prompts` with the intervention on (None: unsteered)."""
    with steering(model, directions, steer):
        return generate_answers(model, tokenizer, prompts, config)


def make_generate_fn(config: SteerGenerationConfig | None = None) -> GenerateFn:
    """A `generate_fn(model, tokenizer, prompts) -> answers` for the sweeps, with these settings."""
    def generate_fn(model: Any, tokenizer: Any, prompts: Sequence[Prompt]) -> list[str]:
        return generate_answers(model, tokenizer, prompts, config)
    return generate_fn
