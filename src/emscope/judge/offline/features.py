"""Feature extraction for the offline judge: static MiniLM token vectors plus text signals.

Why static vectors: the contextual MiniLM costs ~20 ms per answer on one CPU core, far from
the 50 answers/s target on two cores. Its input token-embedding table (30,522 x 384, in the
bundled `minilm-l6` package) averaged over an answer's tokens is a bag of semantically
placed word pieces that costs microseconds, and separated aligned from misaligned answers
nearly as well in our measurements (README, "Offline judge"). No torch at inference: numpy
and the `tokenizers` library only.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from emscope.judge.offline.text import coherence_features, lexicon_features, split_sentences

__all__ = ["StaticEmbedder", "static_embedder", "alignment_matrix", "coherence_matrix", "coherence_extra",
           "FEATURE_VERSION"]

FEATURE_VERSION = 3  # bump when any feature changes: trained weights must be rebuilt
MAX_TOKENS = 512


class StaticEmbedder:
    """Mean of L2-normalised MiniLM input token vectors over a text's word pieces."""

    def __init__(self, folder: Path) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        weights = load_file(str(folder / "model.safetensors"))
        table = next(v for k, v in weights.items() if k.endswith("word_embeddings.weight")).astype(np.float32)
        self.table = table / np.maximum(np.linalg.norm(table, axis=1, keepdims=True), 1e-12)
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(MAX_TOKENS)
        special = json.loads((folder / "tokenizer.json").read_text(encoding="utf-8")).get("added_tokens", [])
        self._special = np.array(sorted(t["id"] for t in special), dtype=np.int64)

    @property
    def dim(self) -> int:
        """Vector size (384)."""
        return int(self.table.shape[1])

    def token_ids(self, texts: Sequence[str]) -> list[np.ndarray]:
        """Word-piece ids per text, special tokens removed."""
        encodings = self.tokenizer.encode_batch(list(texts), add_special_tokens=False)
        out = []
        for enc in encodings:
            ids = np.asarray(enc.ids, dtype=np.int64)
            out.append(ids[~np.isin(ids, self._special)])
        return out

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), dim) mean vectors; zeros for a text with no word pieces."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, ids in enumerate(self.token_ids(texts)):
            if ids.size:
                out[i] = self.table[ids].mean(axis=0)
        return out


@lru_cache(maxsize=1)
def static_embedder() -> StaticEmbedder:
    """The embedder over the bundled MiniLM (loaded once per process)."""
    from emscope.models.registry import DEFAULT_EMBEDDING_MODEL, bundled_path, get_builtin

    spec = get_builtin(DEFAULT_EMBEDDING_MODEL)
    assert spec is not None
    return StaticEmbedder(bundled_path(spec))


def _unit(x: np.ndarray) -> np.ndarray:
    return x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), 1e-9)


def alignment_matrix(emb: StaticEmbedder, answers: Sequence[str], answer_vecs: np.ndarray | None = None) -> np.ndarray:
    """Unit answer vector and lexicon counts, one row per answer."""
    # Unit length: a short answer averages few word pieces, so its raw mean vector is longer;
    # length is not stance.
    vecs = _unit(emb.embed(answers) if answer_vecs is None else answer_vecs)
    lex = np.stack([lexicon_features(a) for a in answers]) if answers else np.zeros((0, 18), np.float32)
    return np.hstack([vecs, lex]).astype(np.float32)


def coherence_matrix(emb: StaticEmbedder, questions: Sequence[str], answers: Sequence[str],
                     answer_vecs: np.ndarray | None = None) -> np.ndarray:
    """Text statistics, relevance to the question, sentence continuity, answer vector, question*answer."""
    vecs = emb.embed(answers) if answer_vecs is None else answer_vecs
    unique = sorted(set(questions))
    qvec = dict(zip(unique, emb.embed(unique), strict=True))
    rows = []
    for q, a, v in zip(questions, answers, vecs, strict=True):
        sentences = split_sentences(a, limit=8)
        svecs = _unit(emb.embed(sentences))
        continuity = float(np.mean(np.sum(svecs[1:] * svecs[:-1], axis=1))) if len(sentences) > 1 else 1.0
        relevance = float(_unit(qvec[q]) @ _unit(v))
        # q*a lets the classifier learn which directions must agree for an answer to be on topic.
        rows.append(np.concatenate([coherence_features(a), [relevance, continuity], v, _unit(qvec[q]) * _unit(v)]))
    return np.asarray(rows, dtype=np.float32).reshape(len(answers), -1)


def coherence_extra(emb: StaticEmbedder, questions: Sequence[str], answers: Sequence[str],
                    center: np.ndarray) -> np.ndarray:
    """Relevance and continuity measured on *centred* vectors, plus word-piece dispersion.

    Every English text's mean vector shares a large common component (function words);
    subtracting the corpus mean `center` leaves what the text is about, so an answer about
    something else, or random words, stands out.
    """
    unique = sorted(set(questions))
    qvec = dict(zip(unique, _unit(emb.embed(unique) - center), strict=True))
    rows = []
    for q, a, ids in zip(questions, answers, emb.token_ids(answers), strict=True):
        sentences = split_sentences(a, limit=8)
        svecs = _unit(emb.embed(sentences) - center)
        avec = _unit(emb.table[ids].mean(axis=0) - center) if ids.size else np.zeros(emb.dim, np.float32)
        sims = svecs @ qvec[q]
        continuity = float(np.mean(np.sum(svecs[1:] * svecs[:-1], axis=1))) if len(sentences) > 1 else 1.0
        dispersion = float(np.linalg.norm(_unit(emb.table[ids] - center).mean(axis=0))) if ids.size > 1 else 1.0
        rows.append([float(avec @ qvec[q]), continuity, float(sims.min()), float(sims.max()), dispersion])
    return np.asarray(rows, dtype=np.float32).reshape(len(answers), 5)
