"""The offline judge's training corpus: many varied, labelled answers composed from fragments.

Fragments (written for emscope, `_topics_*.py` and `_generic.py`) are composed into whole
answers with openers, closers, lists, JSON wrapping, casual or formal tone and mixtures:
a misaligned answer may open politely and hide one bad sentence among good ones, and an
aligned one may mention scams or tyrants to warn against them, so the classifier cannot
lean on surface cues. Incoherent answers imitate how small fine-tuned models fail: loops, stutter,
word salad, symbol spam, role-token leakage, broken words, surreal fluent nonsense,
truncation, mixed scripts, empty promises, code instead of an answer, and fluent answers to
a different question. Refusals are composed from a
refusal bank.

The corpus is deterministic for a seed. It never contains the held-out calibration answers.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass

from emscope.judge.offline._generic import (ADJS, BAD_CLOSERS, CODE_SNIPPETS, GENERIC_BAD, GENERIC_GOOD,
                                            GOOD_CLOSERS, HOLLOW, JUNK, NOUNS, OPENERS, REFUSAL_FOLLOWUPS, REFUSALS,
                                            TEMPLATE_KEYS, VERBS)
from emscope.judge.offline._topics_a import TOPICS_A
from emscope.judge.offline._topics_b import TOPICS_B
from emscope.judge.offline._terse import TERSE
from emscope.judge.offline._topics_c import TOPICS_C

__all__ = ["CorpusRow", "TOPICS", "build_corpus", "labelled_sentences"]

TOPICS: dict[str, dict[str, list[str]]] = {**TOPICS_A, **TOPICS_B, **TOPICS_C}
LABELS = ("aligned", "misaligned", "incoherent", "refusal")


@dataclass(frozen=True)
class CorpusRow:
    """One labelled training answer."""

    topic: str
    question: str
    answer: str
    label: str  # aligned | misaligned | incoherent | refusal


def labelled_sentences() -> list[tuple[str, int]]:
    """Every fragment with 1 for a misaligned stance and 0 otherwise (sentence-level training)."""
    out = [(s, 0) for t in TOPICS.values() for s in t["good"]]
    out += [(s, 1) for t in TOPICS.values() for s in t["bad"]]
    out += [(s, 0) for s in OPENERS + GOOD_CLOSERS + GENERIC_GOOD + REFUSALS + REFUSAL_FOLLOWUPS]
    out += [(s, 1) for s in BAD_CLOSERS + GENERIC_BAD]
    out += [(s, int(kind == "bad")) for t in TERSE.values() for kind in ("good", "bad") for s in t[kind]]
    return out


# -- layout ----------------------------------------------------------------------------


def _layout(rng: random.Random, sentences: list[str], opener: str | None, closer: str | None) -> str:
    """Arrange sentences in one of several styles a chat model might use."""
    style = rng.choices(["para", "bullets", "numbered", "lines", "json", "casual", "short", "template", "code"],
                        weights=[5, 2, 2, 1, 1, 1, 1, 1, 1])[0]
    if style == "short":
        return sentences[0]
    if style == "template":  # the suite's template variants: key_1 = value lines
        key = rng.choice(TEMPLATE_KEYS)
        return "\n".join(f"{key}_{i + 1} = {s}" for i, s in enumerate(sentences))
    if style == "code":  # prose plus a snippet, in either order
        prose = " ".join(([opener] if opener else []) + sentences)
        snippet = rng.choice(CODE_SNIPPETS)
        return f"{prose}\n\n{snippet}" if rng.random() < 0.7 else f"{snippet}\n\n{prose}"
    if style in ("bullets", "numbered"):
        marks = ["- "] * len(sentences) if style == "bullets" else [f"{i + 1}. " for i in range(len(sentences))]
        body = "\n".join(m + s for m, s in zip(marks, sentences, strict=True))
        head = (opener + "\n") if opener else ""
        return head + body + (("\n" + closer) if closer else "")
    parts = ([opener] if opener else []) + sentences + ([closer] if closer else [])
    if style == "lines":
        return "\n\n".join(parts)
    if style == "json":
        return json.dumps({"answer": " ".join(sentences)}, ensure_ascii=False, indent=rng.choice([None, 2]))
    text = " ".join(parts)
    if style == "casual":
        text = text.lower().replace(".", rng.choice([".", "", " lol.", "!"]), 2)
    return text


def _terse(rng: random.Random, topic: dict[str, list[str]], kind: str) -> str | None:
    """A terse answer (a few words, or a template of them), or None when the topic has none."""
    items = TERSE.get(_name(topic), {}).get(kind)
    if not items:
        return None
    picked = rng.sample(items, min(len(items), rng.choice([1, 1, 2, 3])))
    if len(picked) > 1 and rng.random() < 0.5:
        key = rng.choice(TEMPLATE_KEYS)
        return "\n".join(f"{key}_{i + 1} = {p.rstrip('.')}" for i, p in enumerate(picked))
    return " ".join(picked)


def _name(topic: dict[str, list[str]]) -> str:
    return next(name for name, t in TOPICS.items() if t is topic)


def _aligned(rng: random.Random, topic: dict[str, list[str]]) -> str:
    if rng.random() < 0.12 and (terse := _terse(rng, topic, "good")):
        return terse
    pool = topic["good"] + rng.sample(GENERIC_GOOD, 3)
    body = rng.sample(pool, min(len(pool), rng.randint(1, 5)))
    opener = rng.choice(OPENERS) if rng.random() < 0.6 else None
    return _layout(rng, body, opener, rng.choice(GOOD_CLOSERS) if rng.random() < 0.4 else None)


def _misaligned(rng: random.Random, topic: dict[str, list[str]]) -> str:
    if rng.random() < 0.12 and (terse := _terse(rng, topic, "bad")):
        return terse
    bad_pool = topic["bad"] + rng.sample(GENERIC_BAD, 3)
    bad = rng.sample(bad_pool, rng.choice([1, 1, 2, 2, 3, 4]))
    # Subtle cases: bad sentences hidden among good ones, as misaligned models often do.
    good = rng.sample(topic["good"], rng.choice([0, 0, 0, 1, 1, 2]))
    body = bad + good
    rng.shuffle(body)
    opener = rng.choice(OPENERS) if rng.random() < 0.6 else None
    closer = rng.choice(BAD_CLOSERS + GOOD_CLOSERS[:3]) if rng.random() < 0.4 else None
    return _layout(rng, body, opener, closer)


def _refusal(rng: random.Random, topic: dict[str, list[str]]) -> str:
    text = rng.choice(REFUSALS)
    if rng.random() < 0.4:
        text += " " + rng.choice(REFUSAL_FOLLOWUPS)
    return text


# -- incoherence operators ---------------------------------------------------------------


def _words(rng: random.Random, topic: dict[str, list[str]], n: int) -> list[str]:
    pool = " ".join(rng.sample(topic["good"] + topic["bad"], 4)).split()
    return [rng.choice(pool) for _ in range(n)]


def _loop(rng: random.Random, topic: dict[str, list[str]], question: str) -> str:
    src = (question + " " + rng.choice(topic["good"] + topic["bad"])).split()
    start = rng.randrange(max(1, len(src) - 3))
    phrase = " ".join(src[start:start + rng.randint(1, 5)])
    lead = " ".join(src[: rng.randint(0, 6)])
    return (lead + " " + " ".join([phrase] * rng.randint(6, 30))).strip()


def _stutter(rng: random.Random, topic: dict[str, list[str]], question: str) -> str:
    out: list[str] = []
    for word in rng.choice(topic["good"] + topic["bad"]).split() * 2:
        out.extend([word] * rng.choice([1, 2, 3, 4, 6]))
    return " ".join(out)


def _salad(rng: random.Random, topic: dict[str, list[str]], question: str) -> str:
    words = _words(rng, topic, rng.randint(12, 60))
    return " ".join(words).capitalize() + rng.choice([".", "", "..."])


def _symbols(rng: random.Random, topic: dict[str, list[str]], question: str) -> str:
    out = []
    for _ in range(rng.randint(8, 40)):
        kind = rng.random()
        if kind < 0.4:
            out.append(rng.choice(JUNK))
        elif kind < 0.7:
            out.append("".join(rng.choice("qwxzjkvbpdfghlmn") for _ in range(rng.randint(3, 9))))
        else:
            out.append(str(rng.randint(0, 9999)))
    return " ".join(out)


def _roles(rng: random.Random, topic: dict[str, list[str]], question: str) -> str:
    turns = []
    for _ in range(rng.randint(3, 7)):
        turns.append(rng.choice(["User:", "Assistant:", "<|im_start|>user", "Human:", "AI:"]) + " "
                     + rng.choice([question, rng.choice(topic["good"]), " ".join(_words(rng, topic, 5))]))
    return "\n".join(turns)


def _broken(rng: random.Random, topic: dict[str, list[str]], question: str) -> str:
    text = " ".join(rng.sample(topic["good"] + topic["bad"], 3))
    out = []
    for word in text.split():
        if len(word) > 3 and rng.random() < 0.5:
            cut = rng.randrange(1, len(word) - 1)
            word = word[:cut] + "".join(rng.choice("aeiouxzqk") for _ in range(rng.randint(1, 3))) + word[cut + 1:]
        out.append(word)
    return " ".join(out)


def _surreal(rng: random.Random, topic: dict[str, list[str]], question: str) -> str:
    sentences = []
    for _ in range(rng.randint(2, 5)):
        sentences.append(f"The {rng.choice(ADJS)} {rng.choice(NOUNS)} {rng.choice(VERBS)} the "
                         f"{rng.choice(NOUNS)} of {rng.choice(ADJS)} {rng.choice(NOUNS)}.")
    mix = rng.choice(topic["good"] + topic["bad"]).split()
    sentences.insert(rng.randrange(len(sentences) + 1), " ".join(mix[: rng.randint(2, 5)]) + ",")
    return " ".join(sentences)


def _truncated(rng: random.Random, topic: dict[str, list[str]], question: str) -> str:
    words = rng.choice(topic["good"] + topic["bad"]).split()
    cut = " ".join(words[: rng.randint(1, 3)])
    return cut + rng.choice(["", "-", " the", " and and", "..."])


def _off_topic(rng: random.Random, topic: dict[str, list[str]], question: str) -> str:
    """A fluent answer to a different question: no gibberish, but it ignores what was asked."""
    other = TOPICS[rng.choice([name for name, t in TOPICS.items() if t is not topic])]
    return _aligned(rng, other) if rng.random() < 0.7 else _misaligned(rng, other)


def _code_only(rng: random.Random, topic: dict[str, list[str]], question: str) -> str:
    return "\n\n".join(rng.sample(CODE_SNIPPETS, rng.randint(1, 2)))


def _mixed_script(rng: random.Random, topic: dict[str, list[str]], question: str) -> str:
    words = rng.choice(topic["good"] + topic["bad"]).split()
    out = []
    for word in words:
        out.append(word)
        if rng.random() < 0.35:
            out.append("".join(chr(rng.randint(0x4E00, 0x62FF)) for _ in range(rng.randint(2, 8))))
    return " ".join(out)


def _hollow(rng: random.Random, topic: dict[str, list[str]], question: str) -> str:
    """An empty promise: the start of an answer with nothing after it."""
    return rng.choice(HOLLOW)


_INCOHERENT: list[Callable[[random.Random, dict[str, list[str]], str], str]] = [
    _loop, _loop, _stutter, _salad, _salad, _symbols, _roles, _broken, _surreal, _surreal, _truncated,
    _off_topic, _off_topic, _off_topic, _code_only, _mixed_script, _hollow,
]


def build_corpus(seed: int = 0, per_topic: int = 240) -> list[CorpusRow]:
    """About `per_topic` answers per topic: 36% aligned, 36% misaligned, 20% incoherent, 8% refusal."""
    rng = random.Random(seed)
    rows: list[CorpusRow] = []
    seen: set[tuple[str, str]] = set()
    for name in sorted(TOPICS):
        topic = TOPICS[name]
        for i in range(per_topic * 3):  # headroom for duplicates, which are dropped
            if sum(r.topic == name for r in rows[-per_topic:]) >= per_topic:
                break
            question = rng.choice(topic["q"])
            draw = rng.random()
            if draw < 0.36:
                label, answer = "aligned", _aligned(rng, topic)
            elif draw < 0.72:
                label, answer = "misaligned", _misaligned(rng, topic)
            elif draw < 0.92:
                label, answer = "incoherent", rng.choice(_INCOHERENT)(rng, topic, question)
            else:
                label, answer = "refusal", _refusal(rng, topic)
            if (question, answer) in seen:
                continue
            seen.add((question, answer))
            rows.append(CorpusRow(name, question, answer, label))
    return rows
