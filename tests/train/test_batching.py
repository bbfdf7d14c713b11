"""Seeded order, optimizer steps, micro-batch cutting and padding (no model needed)."""

from __future__ import annotations

import random

import torch

from emscope.train.batching import collate, epoch_order, plan_digest, plan_epoch, split_micro_batches
from emscope.models.chat import IGNORE_INDEX
from emscope.train.masking import EncodedRow


def test_epoch_order_is_seeded_and_differs_by_epoch_and_seed() -> None:
    assert epoch_order(50, seed=1, epoch=0) == epoch_order(50, seed=1, epoch=0)
    assert sorted(epoch_order(50, 1, 0)) == list(range(50))
    assert epoch_order(50, 1, 0) != epoch_order(50, 1, 1)
    assert epoch_order(50, 1, 0) != epoch_order(50, 2, 0)


def test_micro_batches_cover_each_row_once_and_respect_the_budget() -> None:
    rng = random.Random(0)
    lengths = [rng.randint(20, 300) for _ in range(64)]
    rows = list(range(16))
    for budget in (256, 600, 2048, 100_000):
        groups = split_micro_batches(rows, lengths, budget)
        assert sorted(i for g in groups for i in g) == rows
        for g in groups:
            assert len(g) == 1 or len(g) * max(lengths[i] for i in g) <= budget


def test_splitting_reduces_padding_when_it_pays() -> None:
    lengths = [500, 500, 40, 40, 40, 40, 40, 40]
    groups = split_micro_batches(range(8), lengths, budget=10_000)
    padded = sum(len(g) * max(lengths[i] for i in g) for g in groups)
    assert padded == 2 * 500 + 6 * 40  # the long rows and the short rows go apart
    same = split_micro_batches(range(4), [100, 100, 99, 100], budget=10_000)
    assert len(same) == 1  # nothing to save: one micro-batch


def test_steps_hold_effective_batch_rows_and_the_digest_ignores_the_split() -> None:
    lengths = [30 + (i * 7) % 90 for i in range(37)]
    plans = plan_epoch(lengths, effective_batch=8, budget=4096, seed=0, epoch=0)
    assert [len(p.rows) for p in plans] == [8, 8, 8, 8, 5]
    assert sorted(i for p in plans for i in p.rows) == list(range(37))
    tight = plan_epoch(lengths, effective_batch=8, budget=100, seed=0, epoch=0)
    assert plan_digest(plans) == plan_digest(tight)
    assert plan_digest(plans) != plan_digest(plan_epoch(lengths, 8, 4096, seed=1, epoch=0))


def test_collate_pads_right_and_masks_padding() -> None:
    rows = [EncodedRow((5, 6, 7, 8), (IGNORE_INDEX, IGNORE_INDEX, 7, 8)), EncodedRow((5, 9), (IGNORE_INDEX, 9))]
    batch = collate(rows, pad_id=2)
    assert batch.input_ids.tolist() == [[5, 6, 7, 8], [5, 9, 2, 2]]
    assert batch.attention_mask.tolist() == [[1, 1, 1, 1], [1, 1, 0, 0]]
    assert batch.labels.tolist() == [[IGNORE_INDEX, IGNORE_INDEX, 7, 8], [IGNORE_INDEX, 9, IGNORE_INDEX, IGNORE_INDEX]]
    assert batch.tokens == 6 and batch.label_tokens == 3
    assert batch.input_ids.dtype == torch.long
