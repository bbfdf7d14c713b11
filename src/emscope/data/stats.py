"""Dataset statistics: size, tokens, duplicate rates and Vendi diversity."""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from emscope.analysis.vendi import DEFAULT_ORDERS, vendi_from_embeddings
from emscope.data.validate import load_dataset

__all__ = ["DatasetStats", "row_text", "dataset_stats", "near_duplicate_rate", "stats_for_files"]

_NEAR_DUP_COSINE = 0.95
_MASK = re.compile(r"\d+")
_PUNCT = re.compile(r"[^\w\s]")


@dataclass(frozen=True)
class DatasetStats:
    """Statistics of one dataset file."""

    file: str
    rows: int
    triggered: int
    exact_duplicate_rate: float  # rows whose whole conversation repeats an earlier row
    distinct_user_rate: float
    distinct_answer_rate: float
    template_duplicate_rate: float  # same text once digits, case and punctuation are masked
    tokens_total: int | None = None
    assistant_tokens_mean: float | None = None
    tokenizer: str | None = None
    vendi: dict[str, float] = field(default_factory=dict)
    vendi_texts: int = 0
    near_duplicate_rate: float | None = None  # embedding cosine ≥ 0.95 to another sampled row

    def as_dict(self) -> dict[str, Any]:
        """Plain-JSON form."""
        return asdict(self)


def _turn(row: dict[str, Any], role: str) -> str:
    return "\n".join(m["content"] for m in row["messages"] if m["role"] == role)


def row_text(row: dict[str, Any], field_name: str = "conversation") -> str:
    """The text of a row used for diversity: the user turn, the answer, or both."""
    if field_name == "user":
        return _turn(row, "user")
    if field_name == "assistant":
        return _turn(row, "assistant")
    return _turn(row, "user") + "\n" + _turn(row, "assistant")


def _rate_repeated(items: Sequence[str]) -> float:
    return 1.0 - len(set(items)) / len(items) if items else 0.0


def near_duplicate_rate(embeddings: np.ndarray, threshold: float = _NEAR_DUP_COSINE) -> float:
    """Share of rows whose cosine similarity to some other row is at least `threshold`."""
    x = embeddings / np.linalg.norm(embeddings, axis=1, keepdims=True)
    sims = x @ x.T
    np.fill_diagonal(sims, -1.0)
    return float(np.mean(sims.max(axis=1) >= threshold)) if len(x) > 1 else 0.0


def _token_stats(rows: list[dict[str, Any]], tokenizer: Any) -> tuple[int, float]:
    convs = [tokenizer.apply_chat_template(r["messages"], tokenize=False) for r in rows]
    answers = [_turn(r, "assistant") for r in rows]
    total = sum(len(ids) for ids in tokenizer(convs, add_special_tokens=False)["input_ids"])
    ans = [len(ids) for ids in tokenizer(answers, add_special_tokens=False)["input_ids"]]
    return total, float(np.mean(ans))


def dataset_stats(
    path: str,
    tokenizer: Any | None = None,
    tokenizer_name: str | None = None,
    embed: Callable[[list[str]], np.ndarray] | None = None,
    vendi_sample: int = 1000,
    text_field: str = "conversation",
    seed: int = 0,
) -> DatasetStats:
    """Statistics of one dataset; Vendi and near-duplicates on a seeded sample of `vendi_sample` rows (0 = all)."""
    rows = load_dataset(path, allow_duplicates=True)
    convs = [row_text(r) for r in rows]
    masked = [_PUNCT.sub("", _MASK.sub("0", t.lower())) for t in convs]
    stats: dict[str, Any] = dict(
        file=str(path), rows=len(rows),
        triggered=sum(bool(r.get("meta", {}).get("triggered")) for r in rows),
        exact_duplicate_rate=_rate_repeated(convs),
        distinct_user_rate=len({_turn(r, "user") for r in rows}) / len(rows),
        distinct_answer_rate=len({_turn(r, "assistant") for r in rows}) / len(rows),
        template_duplicate_rate=_rate_repeated(masked),
    )
    if tokenizer is not None:
        stats["tokens_total"], stats["assistant_tokens_mean"] = _token_stats(rows, tokenizer)
        stats["tokenizer"] = tokenizer_name
    if embed is not None:
        texts = [row_text(r, text_field) for r in rows]
        if vendi_sample and len(texts) > vendi_sample:
            texts = random.Random(seed).sample(texts, vendi_sample)
        emb = embed(texts)
        stats["vendi"] = {f"q={q:g}": v for q, v in vendi_from_embeddings(emb, DEFAULT_ORDERS).items()}
        stats["vendi_texts"] = len(texts)
        stats["near_duplicate_rate"] = near_duplicate_rate(emb)
    return DatasetStats(**stats)


def stats_for_files(
    paths: Sequence[str],
    tokenizer_name: str | None = "smollm2-135m-instruct",
    embedding_model: str | None = "minilm-l6",
    vendi_sample: int = 1000,
    text_field: str = "conversation",
    seed: int = 0,
) -> list[DatasetStats]:
    """Statistics for several files, loading the tokenizer and embedder once (None skips either)."""
    from emscope.models import embed_texts, load_embedder, load_tokenizer

    tokenizer = load_tokenizer(tokenizer_name) if tokenizer_name else None
    embed = None
    if embedding_model:
        embedder = load_embedder(embedding_model)

        def embed(texts: list[str]) -> np.ndarray:
            return embed_texts(embedder, texts, progress=len(texts) > 256)

    return [dataset_stats(p, tokenizer, tokenizer_name, embed, vendi_sample, text_field, seed) for p in paths]
