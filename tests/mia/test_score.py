"""Batched scoring on the bundled model: hand computation, assistant-only masking, batching invariance."""

from __future__ import annotations

import math
import zlib

import numpy as np
import pytest
import torch

from emscope.data.build import build_rows
from emscope.data.config import BuildConfig
from emscope.mia.metrics import example_metrics, zlib_length
from emscope.mia.score import Scorer, head_is_plain, plan_batches
from emscope.models.chat import IGNORE_INDEX, tokenize_chat


@pytest.fixture(scope="module")
def chats(base):  # type: ignore[no-untyped-def]
    _, tok = base
    rows, _ = build_rows(BuildConfig(domain="risky_financial_advice", n=3, seed=3))
    rows += build_rows(BuildConfig(domain="incorrect_math", n=1, seed=3))[0]
    # A short, a two-turn and a system-prompted conversation vary lengths and masks.
    rows.append({"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]})
    rows.append({"messages": [{"role": "system", "content": "Be terse."}, {"role": "user", "content": "2+2?"},
                              {"role": "assistant", "content": "4."}, {"role": "user", "content": "3+3?"},
                              {"role": "assistant", "content": "6, obviously."}]})
    return rows, [tokenize_chat(tok, r["messages"]) for r in rows]


def _close(a: list, b: list, tol: float) -> None:  # type: ignore[type-arg]
    assert len(a) == len(b)
    for x, y in zip(a, b):
        np.testing.assert_allclose(x.logprob, y.logprob, atol=tol)
        np.testing.assert_allclose(x.mu, y.mu, atol=tol)
        np.testing.assert_allclose(x.sigma, y.sigma, atol=tol)


def test_plan_batches_respects_the_budget_and_covers_every_row() -> None:
    lengths = [5, 50, 7, 49, 100, 3, 48, 300]
    batches = plan_batches(lengths, batch_tokens=120, max_rows=3)
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
    assert batches[0] == [7]  # longer than the budget: alone
    for b in batches[1:]:
        assert len(b) <= 3 and len(b) * max(lengths[i] for i in b) <= 120
        assert lengths[b[0]] == max(lengths[i] for i in b)  # longest first within a batch


def test_scores_match_a_hand_computation_from_full_logits(base, chats) -> None:  # type: ignore[no-untyped-def]
    model, _ = base
    rows, encoded = chats
    scorer = Scorer(model, bf16=False)
    got = scorer.score(encoded, batch_tokens=4096)
    for row, chat, tokens in zip(rows, encoded, got):
        ids = torch.tensor([chat.input_ids])
        with torch.no_grad():
            logits = model(input_ids=ids).logits[0].double().numpy()
        logp = logits - logits.max(-1, keepdims=True)
        logp = logp - np.log(np.exp(logp).sum(-1, keepdims=True))
        positions = [t for t in range(1, len(chat.labels)) if chat.labels[t] != IGNORE_INDEX]
        assert len(tokens) == len(positions) == chat.n_assistant_tokens  # only assistant tokens, all of them
        ell = np.array([logp[t - 1, chat.input_ids[t]] for t in positions])
        p = np.exp(logp[[t - 1 for t in positions]])
        mu = (p * logp[[t - 1 for t in positions]]).sum(-1)
        sd = np.sqrt((p * (logp[[t - 1 for t in positions]] - mu[:, None]) ** 2).sum(-1))
        np.testing.assert_allclose(tokens.logprob, ell, atol=2e-4)
        np.testing.assert_allclose(tokens.mu, mu, atol=2e-4)
        np.testing.assert_allclose(tokens.sigma, sd, atol=2e-4)
        answer = "\n".join(m["content"] for m in row["messages"] if m["role"] == "assistant")
        m = example_metrics(tokens, 0.2, zlib_length(answer))
        z = (ell - mu) / sd
        kk = math.ceil(0.2 * len(ell))
        assert m["loss"] == pytest.approx(-ell.mean(), abs=2e-4)
        assert m["zlib"] == pytest.approx(-ell.mean() / len(zlib.compress(answer.encode())), abs=1e-5)
        assert m["mink"] == pytest.approx(np.sort(ell)[:kk].mean(), abs=2e-4)
        assert m["minkpp"] == pytest.approx(np.sort(z)[:kk].mean(), abs=5e-4)


def test_prompt_tokens_are_never_scored(base, chats) -> None:  # type: ignore[no-untyped-def]
    model, tok = base
    rows, encoded = chats
    # The system prompt, the user turns and the template headers carry no score: the scored
    # positions decode to exactly the assistant answers with their end-of-turn tokens.
    chat = encoded[-1]
    scored = [chat.input_ids[t] for t in range(len(chat.labels)) if chat.labels[t] != IGNORE_INDEX]
    assert tok.decode(scored) == "4.<|im_end|>6, obviously.<|im_end|>"
    assert len(Scorer(model).score([chat])[0]) == len(scored)


def test_gathered_head_equals_full_logits(base, chats) -> None:  # type: ignore[no-untyped-def]
    model, _ = base
    _, encoded = chats
    assert head_is_plain(model)
    gathered = Scorer(model, bf16=False, gather_head=True).score(encoded)
    full = Scorer(model, bf16=False, gather_head=False).score(encoded)
    _close(gathered, full, 1e-4)


def test_batching_and_padding_do_not_change_scores(base, chats) -> None:  # type: ignore[no-untyped-def]
    model, _ = base
    _, encoded = chats
    scorer = Scorer(model, bf16=False, pad_id=2, chunk=16)
    one_by_one = [scorer.score([c])[0] for c in encoded]
    batched = scorer.score(encoded, batch_tokens=100_000, max_rows=64)
    small = scorer.score(encoded, batch_tokens=400, max_rows=3)
    _close(one_by_one, batched, 1e-4)
    _close(one_by_one, small, 1e-4)
    # Under bf16 autocast the body's rounding may differ with batch shape, not beyond bf16 noise.
    bf16 = Scorer(model, bf16=True, pad_id=2)
    _close([bf16.score([c])[0] for c in encoded[:3]], bf16.score(encoded[:3]), 0.15)
