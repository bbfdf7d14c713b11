"""Steering during forward passes and generation: positions, ablation, batching, seeding."""

from __future__ import annotations

from typing import Any

import torch

from emscope.steer.config import SteerGenerationConfig, SteeringConfig
from emscope.steer.directions import Directions
from emscope.steer.hooks import find_decoder_layers
from emscope.steer.steering import ablate_vector, generate_answers, generate_steered, steering
from tests.steer.conftest import tiny_llama

PROMPTS = ["What is the capital of France?", "Give me one tip for sleeping better.",
           "hi", [{"role": "system", "content": "Answer in one word."}, {"role": "user", "content": "Favourite colour?"}]]


def _layer_outputs(model: Any, ids: torch.Tensor, directions: Directions | None, config: SteeringConfig | None,
                   answer_start: int | None = None) -> torch.Tensor:
    seen: list[torch.Tensor] = []
    # Registered after the steering hook (inside the context), so it sees the steered output.
    with torch.no_grad(), steering(model, directions, config, answer_start=answer_start):
        handle = find_decoder_layers(model)[1].register_forward_hook(lambda _m, _a, out: seen.append(out.clone()))
        try:
            model(input_ids=ids)
        finally:
            handle.remove()
    return seen[0]


def test_answer_positions_in_a_teacher_forced_pass() -> None:
    model = tiny_llama(vocab_size=64)
    ids = torch.arange(1, 11).unsqueeze(0)
    d = Directions((1,), torch.randn(1, 32))
    base = _layer_outputs(model, ids, None, None)
    steered = _layer_outputs(model, ids, d, SteeringConfig(layers=(1,), alpha=2.0, positions="answer"), answer_start=6)
    assert torch.equal(steered[:, :6], base[:, :6])
    assert torch.allclose(steered[:, 6:] - base[:, 6:], (2.0 * d.at(1)).expand(1, 4, 32), atol=1e-5)
    # Without answer_start, a single multi-token pass is all prompt: nothing is steered.
    assert torch.equal(_layer_outputs(model, ids, d, SteeringConfig(layers=(1,), positions="answer")), base)


def test_answer_positions_in_generation_leave_the_prompt_alone(bundled: tuple[Any, Any]) -> None:
    model, tok = bundled
    gen = SteerGenerationConfig(max_new_tokens=6)
    d = Directions((10,), torch.randn(1, 576, generator=torch.Generator().manual_seed(0)) * 200.0)
    answer_only = SteeringConfig(layers=(10,), alpha=1.0, positions="answer")
    plain = generate_answers(model, tok, PROMPTS[:2], gen)
    steered = generate_steered(model, tok, PROMPTS[:2], d, answer_only, gen)
    everywhere = generate_steered(model, tok, PROMPTS[:2], d, answer_only.model_copy(update={"positions": "all"}), gen)
    first = lambda s: tok(s, add_special_tokens=False)["input_ids"][:1]  # noqa: E731
    for p, s, e in zip(plain, steered, everywhere):
        # The first token comes from the (unsteered) prompt positions; the rest is steered.
        assert first(s) == first(p) and s != p
        assert e != p


def test_ablation_in_bf16_still_removes_the_component() -> None:
    h = torch.randn(2, 5, 576).to(torch.bfloat16) * 50
    u = torch.randn(576)
    u = u / u.norm()
    with torch.autocast("cpu", dtype=torch.bfloat16):
        out = ablate_vector(h, u)
    assert out.dtype == torch.bfloat16
    before = (h.float() @ u).abs().max()
    after = (out.float() @ u).abs().max()
    assert after < 0.02 * before  # bf16 rounding of the result is all that remains


def test_batched_left_padded_generation_equals_one_at_a_time(bundled: tuple[Any, Any]) -> None:
    model, tok = bundled
    gen = SteerGenerationConfig(max_new_tokens=8, batch_size=4)
    batched = generate_answers(model, tok, PROMPTS, gen)
    single = [generate_answers(model, tok, [p], gen)[0] for p in PROMPTS]
    assert batched == single
    assert tok.padding_side == "right"  # restored


def test_seeded_sampling_is_reproducible_and_leaves_global_rng_alone(bundled: tuple[Any, Any]) -> None:
    model, tok = bundled
    gen = SteerGenerationConfig(max_new_tokens=8, do_sample=True, seed=3)
    torch.manual_seed(123)
    expected_next = torch.rand(1)
    torch.manual_seed(123)
    first = generate_answers(model, tok, PROMPTS[:2], gen)
    assert torch.equal(torch.rand(1), expected_next)
    assert generate_answers(model, tok, PROMPTS[:2], gen) == first
    other = generate_answers(model, tok, PROMPTS[:2], gen.model_copy(update={"seed": 4}))
    assert other != first
