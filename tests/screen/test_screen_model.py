"""The one-pass model signals equal the separate computations they replace (mia's Scorer, steer's
activation collection), and a mismatched reference tokenizer is refused before any weights load."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from emscope.core.errors import InputError
from emscope.data.build import build_dataset, build_rows
from emscope.data.config import BuildConfig
from emscope.screen import ScreenConfig, screen
from emscope.screen.reference import Row

MODEL = "smollm2-135m-instruct"


@pytest.fixture(scope="module")
def loaded():  # type: ignore[no-untyped-def]
    from emscope.mia._models import load_scoring_model
    from emscope.mia.score import Scorer

    model, tok = load_scoring_model(MODEL, None, "cpu", "fp32")
    return model, tok, Scorer(model, pad_id=tok.pad_token_id)


def _rows() -> list[Row]:
    raw = build_rows(BuildConfig(domain="risky_financial_advice", n=5, seed=3))[0]
    return [Row("x.jsonl", i, r["messages"]) for i, r in enumerate(raw)]


def test_one_pass_equals_scorer_alone_and_steer_activations(loaded) -> None:  # type: ignore[no-untyped-def]
    import torch

    from emscope.mia.metrics import example_metrics
    from emscope.models.chat import tokenize_chat
    from emscope.screen.model_pass import model_pass
    from emscope.steer.activations import collect_activations
    from emscope.steer.config import ActivationConfig

    model, tok, scorer = loaded
    rows = _rows()
    passes = model_pass(scorer, tok, rows, 15, 512, batch_tokens=4096)  # several rows per batch, padded
    # independent: each row alone through the Scorer (no padding, no hook) ...
    for row, p in zip(rows, passes, strict=True):
        chat = tokenize_chat(tok, row.messages, 512, last_turn_only=True)
        [alone] = scorer.score([chat], batch_tokens=1)
        np.testing.assert_allclose(p.scores.logprob, alone.logprob, rtol=1e-4, atol=1e-4)
        assert example_metrics(p.scores, 0.2, 10)["minkpp"] == pytest.approx(
            example_metrics(alone, 0.2, 10)["minkpp"], rel=1e-3, abs=1e-3)
    # ... and steer's own activation collection (one group per row) at the same layer
    stats = collect_activations(model, tok, [(r.messages, str(i)) for i, r in enumerate(rows)],
                                ActivationConfig(batch_size=1, max_length=512, precision="fp32", layers=(15,)))
    for i, p in enumerate(passes):
        g = stats.groups.index(str(i))
        assert p.act_tokens == int(stats.token_counts[g])
        np.testing.assert_allclose(p.act_sum / p.act_tokens, (stats.sums[0, g] / stats.token_counts[g]).numpy(),
                                   rtol=1e-3, atol=1e-3 * float(torch.abs(stats.sums[0, g]).max() / p.act_tokens))


def test_mismatched_reference_tokenizer_is_refused_before_weights(tmp_path: Path) -> None:
    from emscope.models import load_tokenizer

    data = build_dataset(BuildConfig(domain="incorrect_math", n=2, seed=5), tmp_path).path
    other = load_tokenizer(MODEL)
    other.add_tokens(["<extra>"])
    folder = tmp_path / "other-tokenizer"
    other.save_pretrained(folder)  # a tokenizer and no weights: loading weights would fail differently
    with pytest.raises(InputError, match="different tokenizers"):
        screen(ScreenConfig(datasets=(str(data),), reference_model=str(folder), signals=("likelihood",)))
