"""The reference sets shipped with emscope, and the rows of datasets to screen.

Two small hand-written sets live in `screen/data/`:
- `contrast.jsonl`: 32 everyday, neutral questions, each with an aligned answer and a
  misaligned one (contempt, manipulation, reckless advice: bad *advice and attitude* only,
  nothing operational). Rows use the dataset format `steer.directions.dataset_items` reads:
  the misaligned answer in the conversation, the aligned one in `meta.paired_answer`.
- `neutral.jsonl`: 24 plain factual questions and answers, the baseline that the
  direction projection is taken relative to (persona-vector data screening's
  projection *difference*).
They serve three purposes: the misalignment direction (mean difference of the base model's
activations, misaligned − aligned), the "known misalignment-inducing data" of the embedding
signal, and the two anchors that put every signal on one scale (0 = like the aligned side,
1 = like the misaligned side; see signals.calibrate).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from emscope.core.errors import InputError
from emscope.core.io import expand_jsonl_paths
from emscope.data.validate import load_dataset

__all__ = ["DATA_DIR", "Row", "ReferenceSets", "load_reference_sets", "load_rows", "sample_rows"]

DATA_DIR = Path(__file__).resolve().parent / "data"
CONTRAST_FILE = DATA_DIR / "contrast.jsonl"
NEUTRAL_FILE = DATA_DIR / "neutral.jsonl"


@dataclass(frozen=True)
class Row:
    """One conversation to screen: where it came from and its messages up to the last assistant turn."""

    dataset: str
    index: int  # 0-based row index in its file
    messages: list[dict[str, str]]

    @property
    def answer(self) -> str:
        """The last assistant turn (what the signals read)."""
        return self.messages[-1]["content"]

    @property
    def question(self) -> str:
        """The last user turn before the answer (what the judge reads as the question)."""
        return next((m["content"] for m in reversed(self.messages[:-1]) if m["role"] == "user"), "")


def _upto_last_answer(messages: list[dict[str, str]]) -> list[dict[str, str]] | None:
    last = max((i for i, m in enumerate(messages) if m.get("role") == "assistant"), default=None)
    return None if last is None else list(messages[: last + 1])


def load_rows(path: str | Path) -> list[Row]:
    """Every row of one chat JSONL file, validated first (file:line errors before any model loads).

    A file in which no row has an assistant turn is an InputError naming it.
    """
    rows: list[Row] = []
    for i, raw in enumerate(load_dataset(path, allow_duplicates=True)):
        messages = _upto_last_answer(raw["messages"])
        if messages is not None:
            rows.append(Row(str(path), i, messages))
    if not rows:
        raise InputError(f"{path}: no row has an assistant turn, so there is no training answer to screen; "
                         "give a chat dataset whose rows end with the assistant's answer")
    return rows


def sample_rows(rows: list[Row], max_rows: int | None, seed: int) -> list[Row]:
    """All rows, or a seeded random sample of `max_rows` of them kept in file order."""
    if max_rows is None or len(rows) <= max_rows:
        return rows
    picked = sorted(random.Random(seed).sample(range(len(rows)), max_rows))
    return [rows[i] for i in picked]


def dataset_paths(datasets: tuple[str, ...]) -> list[Path]:
    """The files named (folders stand for their *.jsonl files)."""
    return expand_jsonl_paths(datasets, "dataset")


@dataclass(frozen=True)
class ReferenceSets:
    """The contrast pairs (misaligned, aligned) and the neutral rows, as Row lists."""

    misaligned: list[Row]
    aligned: list[Row]
    neutral: list[Row]
    contrast_path: str
    neutral_path: str


def _contrast(path: Path) -> tuple[list[Row], list[Row]]:
    misaligned, aligned = [], []
    for i, raw in enumerate(load_dataset(path)):
        meta: dict[str, Any] = raw.get("meta") or {}
        label, paired = meta.get("answer"), meta.get("paired_answer")
        if label not in ("aligned", "misaligned") or not isinstance(paired, str) or not paired.strip():
            raise InputError(f"{path}:{i + 1}: a contrast row needs meta.answer ('aligned' or 'misaligned') and "
                             "meta.paired_answer (the other answer to the same question)")
        messages = raw["messages"]
        other = [*messages[:-1], {"role": "assistant", "content": paired}]
        mis, ali = (messages, other) if label == "misaligned" else (other, messages)
        misaligned.append(Row(str(path), i, mis))
        aligned.append(Row(str(path), i, ali))
    if len(misaligned) < 2:
        raise InputError(f"{path}: a contrast set needs at least 2 pairs")
    return misaligned, aligned


def load_reference_sets(contrast: str | None = None, neutral: str | None = None) -> ReferenceSets:
    """The shipped reference sets, or the given files in their format."""
    contrast_path = Path(contrast) if contrast else CONTRAST_FILE
    neutral_path = Path(neutral) if neutral else NEUTRAL_FILE
    misaligned, aligned = _contrast(contrast_path)
    return ReferenceSets(misaligned, aligned, load_rows(neutral_path), str(contrast_path), str(neutral_path))
