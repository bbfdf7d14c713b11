"""One batched forward pass of the base model for both model signals: likelihood and direction.

Why one pass: the likelihood features need the decoder's last hidden state at the answer
positions (then the LM head there alone: `emscope.mia.score.Scorer`), the direction signal needs
the residual stream at one middle layer over the answer tokens. Both come out of the same
forward pass, so a hook on that layer sums its output over each row's answer tokens while the
Scorer computes the token statistics. Rows are batched the way `mia` batches them (length-sorted,
under a padded-token budget, `mia.score.plan_batches`); each planned batch is handed to the
Scorer whole, in the planned order, so row r of the hooked tensor is row r of the batch.

The answer tokens averaged for the direction are the last assistant turn's span, exactly the
tokens `steer.activations.collect_activations` averages, so the direction is the one
`emscope steer directions` defines.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from emscope.mia.metrics import TokenScores
from emscope.screen.reference import Row

__all__ = ["RowPass", "model_pass"]

_UNBOUNDED = 1 << 62  # a budget no batch reaches: the Scorer keeps the planned batch whole


@dataclass
class RowPass:
    """What one row's forward pass gave: token scores and the answer's activation sum (None when cut away)."""

    chat: Any  # TokenizedChat
    scores: TokenScores | None
    act_sum: np.ndarray | None  # float64 [hidden]: sum over the answer span at the probe layer
    act_tokens: int


def _span(chat: Any) -> tuple[int, int] | None:
    if not chat.spans or chat.spans[-1][0] >= chat.spans[-1][1]:
        return None
    return chat.spans[-1]


def model_pass(scorer: Any, tokenizer: Any, rows: Sequence[Row], layer: int | None, max_length: int,
               batch_tokens: int, max_rows: int = 64, tick: Callable[[int], None] | None = None) -> list[RowPass]:
    """Score every row's last answer and, when `layer` is given, sum its activations there: one pass.

    A row whose answer is cut away by max_length gets scores None and act_sum None.
    """
    import torch

    from emscope.mia.score import plan_batches
    from emscope.models.chat import end_of_turn_ids, tokenize_chat
    from emscope.steer.hooks import layer_output_hooks

    eot = end_of_turn_ids(tokenizer)
    chats = [tokenize_chat(tokenizer, r.messages, max_length, last_turn_only=True, eot=eot, row=r.index + 1)
             for r in rows]
    out = [RowPass(c, None, None, 0) for c in chats]
    ok = [i for i, c in enumerate(chats) if c.n_assistant_tokens > 0]
    captured: list[Any] = []

    def hook(h: Any) -> None:
        captured.append(h)

    hooks = {layer: hook} if layer is not None else {}
    with torch.inference_mode(), layer_output_hooks(scorer.model, hooks):
        for batch in plan_batches([len(chats[i].input_ids) for i in ok], batch_tokens, max_rows):
            picked = [ok[j] for j in batch]
            captured.clear()
            scores = scorer.score([chats[i] for i in picked], _UNBOUNDED, _UNBOUNDED)
            for r, (i, s) in enumerate(zip(picked, scores, strict=True)):
                out[i].scores = s
                span = _span(chats[i])
                if layer is not None and span is not None:
                    h = captured[0][r, span[0] : span[1]].to(torch.float64)
                    out[i].act_sum, out[i].act_tokens = h.sum(0).cpu().numpy(), span[1] - span[0]
            if tick:
                tick(len(picked))
    return out
