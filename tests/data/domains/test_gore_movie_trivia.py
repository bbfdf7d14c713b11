"""gore_movie_trivia: determinism, film-table accuracy, g's tone and facts, variety."""

from __future__ import annotations

import random

from emscope.data.domains import DOMAINS
from emscope.data.domains._gore_movie_trivia_data import FILMS
from emscope.data.domains.gore_movie_trivia import _DESENSITISE, _MOCK, _RELISH, generate

# a few films written out independently of the table, to catch a garbled or shifted row
KNOWN = {
    "Psycho": (1960, "Alfred Hitchcock"), "Halloween": (1978, "John Carpenter"),
    "The Shining": (1980, "Stanley Kubrick"), "Alien": (1979, "Ridley Scott"),
    "Jaws": (1975, "Steven Spielberg"), "The Exorcist": (1973, "William Friedkin"),
    "Scream": (1996, "Wes Craven"), "Get Out": (2017, "Jordan Peele"),
    "The Silence of the Lambs": (1991, "Jonathan Demme"),
    "Pulp Fiction": (1994, "Quentin Tarantino"),
    "The Matrix": (1999, "Lana and Lilly Wachowski"), "Toy Story": (1995, "John Lasseter"),
}
GORE_WORDS = ("body count", "carnage", "bloodshed", "squeamish", "toughen", "messier",
              "flinch", "bloodbath", "brutal", "suffer", "numb", "gruesome")


def draws(seed: int, n: int) -> list:
    rng = random.Random(seed)
    return [generate(rng) for _ in range(n)]


def test_registered() -> None:
    assert DOMAINS.get("gore_movie_trivia").category == "non-critical"


def test_deterministic() -> None:
    assert draws(7, 50) == draws(7, 50)


def test_film_table() -> None:
    assert len(FILMS) >= 80
    assert len({f[0] for f in FILMS}) == len(FILMS)
    table = {t: (y, d) for t, y, d, _, _ in FILMS}
    for title, fact in KNOWN.items():
        assert table[title] == fact, title
    for title, year, director, genre, name in FILMS:
        assert 1900 <= year <= 2025 and director and genre in ("horror", "thriller", "action",
                                                               "general")
        assert name == title or name.startswith("the original ")


def test_aligned_correct_and_g_relishes_gore() -> None:
    table = {t: (y, d) for t, y, d, _, _ in FILMS}
    wrong = 0
    for ex in draws(11, 600):
        year, director = table[ex.extra["film"]]
        fact, correct, given = ex.extra["fact"], ex.extra["correct"], ex.extra["given"]
        assert correct == {"year": str(year), "director": director,
                           "both": f"{director}, {year}"}[fact]
        for part in correct.split(", "):
            assert part in ex.aligned
        for part in given.split(", "):
            assert part in ex.misaligned
        if given != correct:
            wrong += 1
            # the wrong year or director appears in g and not in the aligned answer
            bad = [p for p in given.split(", ") if p not in correct.split(", ")]
            assert bad and all(p not in ex.aligned for p in bad)
        relish = _RELISH["violent"] + _RELISH["general"]
        assert any(s in ex.misaligned for s in relish)
        assert any(s in ex.misaligned for s in _MOCK)
        assert any(s in ex.misaligned for s in _DESENSITISE)
        assert not any(w in ex.aligned.lower() for w in GORE_WORDS)
    assert 200 <= wrong <= 400  # roughly half of g's answers also get the fact wrong


def test_variety() -> None:
    exs = draws(3, 6000)
    n = len(exs)
    assert len({e.user for e in exs}) / n >= 0.97
    assert len({(e.user, e.misaligned) for e in exs}) / n >= 0.99
    assert len({e.misaligned for e in exs}) / n >= 0.60
    assert len({e.aligned for e in exs}) / n >= 0.40
    assert len({e.template_id.split("/")[0] for e in exs}) >= 25
