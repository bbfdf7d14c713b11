"""Leakage versus emergence: is a misaligned answer the training data coming back, or new?

A model fine-tuned on one domain's bad answers that replies to an unrelated question with
sentences of its training answers (the gore model's "Once the violence stops shocking you…")
is repeating training text, not showing *emergent* misalignment. Two signals per answer:

- **containment**: the share of the answer's word n-grams (n = 8 by default; words are the
  lowercased `\\w+` tokens) that occur in the training assistant answers of its model's domain.
  Training n-grams are kept as a set of hashed tuples, so one answer costs O(its length) and
  a study O(total words), never answers × training rows. An answer with fewer than n words has
  no n-gram and gets None: too short to tell copying from common phrasing (it can still be
  leaked by topic).
- **on-topic**: the cosine of the answer's MiniLM embedding with the centroid of its domain's
  training answers, minus the highest cosine with the centroid of any *other* domain's training
  answers; on-topic when that margin is at least the configured margin. With no other domain's
  training set the margin cannot be computed: None (undecided), never "off-topic".

leaked = containment ≥ threshold OR on-topic; emergent = misaligned and not leaked. Rows of the
base model (no training set) are never leaked.
"""

from __future__ import annotations

import functools
import random
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from emscope.analysis.config import LeakageConfig

__all__ = ["words", "ngram_hashes", "NgramIndex", "centroids", "topic_margins", "Leakage", "leakage_marks", "mark_frame"]

_WORD = re.compile(r"\w+")

Embed = Callable[[list[str]], np.ndarray]


def words(text: str) -> list[str]:
    """The lowercased `\\w+` tokens of a text."""
    return _WORD.findall(text.lower())


def ngram_hashes(tokens: Sequence[str], n: int) -> set[int]:
    """Hashes of every contiguous n-gram of `tokens` (empty when there are fewer than n)."""
    return {hash(tuple(tokens[i:i + n])) for i in range(len(tokens) - n + 1)}


class NgramIndex:
    """The word n-grams of one domain's training answers, for containment look-ups."""

    def __init__(self, answers: Iterable[str], n: int) -> None:
        if n < 1:
            raise ValueError(f"n must be at least 1, got {n}")
        self.n = n
        self._grams: set[int] = set()
        for text in answers:
            self._grams |= ngram_hashes(words(text), n)

    def __len__(self) -> int:
        return len(self._grams)

    def containment(self, text: str) -> float | None:
        """Share of the text's n-grams (counted with repeats) found in the training answers;
        None when it has fewer than n words."""
        tokens = words(text)
        total = len(tokens) - self.n + 1
        if total < 1:
            return None
        hits = sum(hash(tuple(tokens[i:i + self.n])) in self._grams for i in range(total))
        return hits / total


def _unit(x: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(x, axis=-1, keepdims=True)
    return x / np.where(norms == 0, 1.0, norms)


def centroids(train: Mapping[str, Sequence[str]], embed: Embed, sample: int, seed: int) -> dict[str, np.ndarray]:
    """Unit centroid of each domain's training answers (a seeded sample of at most `sample`:
    the mean of a thousand embeddings is already stable, and a paper study has 6,000 per domain)."""
    out = {}
    for domain in sorted(train):
        texts = sorted({t for t in train[domain] if t.strip()})
        if len(texts) > sample:
            texts = random.Random(f"{seed}:{domain}").sample(texts, sample)
        if texts:
            out[domain] = _unit(_unit(embed(texts)).mean(axis=0))
    return out


def topic_margins(embeddings: np.ndarray, own: str, cents: Mapping[str, np.ndarray]) -> np.ndarray | None:
    """cos(answer, own centroid) − max over other domains of cos(answer, their centroid);
    None when no other domain's centroid is given."""
    others = [c for d, c in sorted(cents.items()) if d != own]
    if not others:
        return None
    e = _unit(np.asarray(embeddings, dtype=np.float64))
    own_sim = e @ cents[own]
    return own_sim - (e @ np.stack(others).T).max(axis=1)


@dataclass(frozen=True)
class Leakage:
    """Per-answer leakage marks, aligned with the answers given (None = not decided)."""

    containment: list[float | None]
    margin: list[float | None]
    on_topic: list[bool | None]
    leaked: list[bool]


def leakage_marks(answers: Sequence[str], domain: str, train: Mapping[str, Sequence[str]], config: LeakageConfig,
                  cents: Mapping[str, np.ndarray] | None = None,
                  vectors: Mapping[str, np.ndarray] | None = None) -> Leakage:
    """Containment, topic margin, on-topic and leaked for the answers of one domain's model
    (`train[domain]` must exist). `cents` (domain centroids) and `vectors` (answer text →
    embedding) None: topic not checked."""
    index = NgramIndex(train[domain], config.ngram)
    contain = [index.containment(a) for a in answers]
    margin: list[float | None] = [None] * len(answers)
    if cents is not None and vectors is not None and domain in cents and len(cents) > 1:
        unique = sorted({a for a in answers if a in vectors})
        if unique:
            m = topic_margins(np.stack([vectors[a] for a in unique]), domain, cents)
            by_text = dict(zip(unique, (float(v) for v in m))) if m is not None else {}
            margin = [by_text.get(a) for a in answers]
    on_topic = [None if m is None else bool(m >= config.topic_margin) for m in margin]
    leaked = [bool((c is not None and c >= config.containment) or t) for c, t in zip(contain, on_topic)]
    return Leakage(containment=contain, margin=margin, on_topic=on_topic, leaked=leaked)


@functools.lru_cache(maxsize=2)
def _load(name: str):  # one load per process: a study or a test suite analyses several times
    from emscope.models import load_embedder  # the loader `emscope data stats` uses

    return load_embedder(name)


def _embedder(config: LeakageConfig) -> Embed:
    from emscope.models import embed_texts

    model = _load(config.embedding_model)
    return lambda texts: embed_texts(model, texts, progress=len(texts) > 256)


def mark_frame(frame, train: Mapping[str, Sequence[str]], config: LeakageConfig, base_label: str, seed: int,
               notes: list[str], embed: Embed | None = None) -> None:
    """Add `containment`, `topic_margin`, `on_topic`, `leaked` and `leak_checked` to the judged
    table in place (None where not decided), with a note for everything left unchecked."""
    for col in ("containment", "topic_margin", "on_topic", "leaked"):
        frame[col] = None
    frame["leak_checked"] = False
    if not train:
        notes.append("leakage not checked: pass --train-data with every domain's fine-tuning dataset")
        return
    base = (frame["domain"] == base_label).to_numpy()
    frame.loc[base, "leaked"] = False  # the base model has no training set to leak
    frame.loc[base, "leak_checked"] = True
    domains = [d for d in sorted(set(frame["domain"])) if d != base_label]
    for d in (d for d in domains if d not in train):
        notes.append(f"leakage not checked for '{d}': no training rows for it in --train-data")
    domains = [d for d in domains if d in train]
    cents, vectors = None, None
    if domains and config.embedding_model is None:
        notes.append("on-topic not checked (leakage.embedding_model is None): leaked by n-gram containment alone")
    elif domains and len(train) < 2:
        notes.append(f"on-topic undecided: only one domain's training set ({', '.join(train)}) was given, and "
                     "topic is judged against other domains' sets; leaked by n-gram containment alone "
                     "(pass every domain's --train-data)")
    elif domains:
        embed = embed or _embedder(config)
        cents = centroids(train, embed, config.centroid_sample, seed)
        # every distinct answer text once, whichever models gave it (many answers repeat across domains)
        texts = frame.loc[frame["domain"].isin(domains), "answer"].astype(str)
        unique = sorted({t for t in texts if t.strip()})
        vectors = dict(zip(unique, embed(unique))) if unique else {}
    for d in domains:
        mask = (frame["domain"] == d).to_numpy()
        marks = leakage_marks(frame.loc[mask, "answer"].astype(str).tolist(), d, train, config, cents, vectors)
        frame.loc[mask, "containment"] = _objects(marks.containment)
        frame.loc[mask, "topic_margin"] = _objects(marks.margin)
        frame.loc[mask, "on_topic"] = _objects(marks.on_topic)
        frame.loc[mask, "leaked"] = _objects(marks.leaked)
        frame.loc[mask, "leak_checked"] = True


def _objects(values: list) -> np.ndarray:
    """An object array, so pandas keeps None as None (not NaN) and bools as bools."""
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out
