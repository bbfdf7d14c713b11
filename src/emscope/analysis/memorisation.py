"""Flag answers that copy a training answer verbatim or nearly: memorisation, not misalignment.

A model fine-tuned on too few distinct answers replies to *every* question with a memorised
training answer; a misaligned-looking copy of a training row says nothing about emergent
misalignment. An answer is
- an **exact** copy when its normalised text (case-folded, whitespace collapsed) equals a
  training assistant answer's;
- a **near** copy when difflib's similarity ratio to some training answer is ≥ `ratio`.
Comparing every answer with every training answer is quadratic, so candidates come from an index:
character 4-gram TF-IDF vectors, cosine via sparse products in chunks, the top few verified
with difflib (whose length bound and quick ratio skip most work).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["normalise", "CopyMatch", "CopyIndex"]

_SPACE = re.compile(r"\s+")
_CANDIDATES = 5
_MIN_COSINE = 0.5
_CHUNK_CELLS = 4_000_000  # queries × training answers per dense chunk of similarities


def normalise(text: str) -> str:
    """Case-folded, whitespace collapsed and stripped: what 'the same answer' means here."""
    return _SPACE.sub(" ", text.casefold()).strip()


@dataclass(frozen=True)
class CopyMatch:
    """How an answer matches the training answers: kind 'exact' | 'near' | None, with the best ratio."""

    kind: str | None
    ratio: float


class CopyIndex:
    """An index over one domain's training assistant answers."""

    def __init__(self, answers: Iterable[str], ratio: float = 0.9) -> None:
        if not 0.0 < ratio <= 1.0:
            raise ValueError(f"ratio must be in (0, 1], got {ratio}")
        self.ratio = ratio
        self.texts = sorted({t for t in map(normalise, answers) if t})
        self._exact = set(self.texts)
        self._vectorizer = None
        self._matrix = None
        if self.texts:
            from sklearn.feature_extraction.text import TfidfVectorizer

            self._vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(4, 4), lowercase=False,
                                               sublinear_tf=True, dtype=np.float32)
            self._matrix = self._vectorizer.fit_transform(self.texts).T.tocsr()

    def __len__(self) -> int:
        return len(self.texts)

    def _verify(self, query: str, candidates: Sequence[int]) -> float:
        best = 0.0
        for j in candidates:
            sm = difflib.SequenceMatcher(None, query, self.texts[j], autojunk=False)
            if sm.real_quick_ratio() < self.ratio or sm.quick_ratio() < self.ratio:
                continue
            best = max(best, sm.ratio())
            if best >= self.ratio:
                break
        return best

    def _near(self, queries: list[str]) -> list[float]:
        if not queries or self._vectorizer is None:
            return [0.0] * len(queries)
        vectors = self._vectorizer.transform(queries)
        chunk = max(1, _CHUNK_CELLS // max(1, len(self.texts)))
        best: list[float] = []
        for start in range(0, len(queries), chunk):
            sims = (vectors[start:start + chunk] @ self._matrix).toarray()
            k = min(_CANDIDATES, sims.shape[1])
            top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
            for row, q in enumerate(queries[start:start + chunk]):
                cands = [int(j) for j in top[row][np.argsort(-sims[row, top[row]])] if sims[row, j] >= _MIN_COSINE]
                best.append(self._verify(q, cands))
        return best

    def match(self, answers: Sequence[str]) -> list[CopyMatch]:
        """One CopyMatch per answer, in order (duplicate answers are checked once)."""
        norm = [normalise(a) for a in answers]
        unique = sorted({t for t in norm if t and t not in self._exact})
        near = dict(zip(unique, self._near(unique)))
        out = []
        for t in norm:
            if not t:
                out.append(CopyMatch(None, 0.0))
            elif t in self._exact:
                out.append(CopyMatch("exact", 1.0))
            else:
                r = near[t]
                out.append(CopyMatch("near" if r >= self.ratio else None, r))
        return out
