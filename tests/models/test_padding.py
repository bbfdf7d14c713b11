"""right_pad: the one batch layout training, scoring and activation reads share."""

from __future__ import annotations

import pytest

from emscope.models.chat import IGNORE_INDEX
from emscope.models.padding import right_pad


def test_rows_keep_positions_and_pads_are_masked_and_unlabelled() -> None:
    ids, mask, labels = right_pad([(5, 6, 7), (8,), (9, 10)], pad_id=0, labels=[(-100, 6, 7), (8,), (-100, 10)])
    assert ids.tolist() == [[5, 6, 7], [8, 0, 0], [9, 10, 0]]
    assert mask.tolist() == [[1, 1, 1], [1, 0, 0], [1, 1, 0]]
    assert labels.tolist() == [[-100, 6, 7], [8, IGNORE_INDEX, IGNORE_INDEX], [-100, 10, IGNORE_INDEX]]
    assert str(ids.dtype) == str(mask.dtype) == str(labels.dtype) == "torch.int64"


def test_without_labels_and_mismatched_labels() -> None:
    ids, mask, labels = right_pad([[1, 2], [3, 4]], pad_id=9)
    assert labels is None and ids.tolist() == [[1, 2], [3, 4]] and mask.tolist() == [[1, 1], [1, 1]]
    with pytest.raises(ValueError, match="one label per token"):
        right_pad([[1, 2]], pad_id=0, labels=[[1]])
