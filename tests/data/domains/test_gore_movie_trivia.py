"""gore_movie_trivia: film-table accuracy, g's tone and facts.

Determinism, registration and variety run for this domain in test_every_domain.py.
"""

from __future__ import annotations

from emscope.data.domains import gore_movie_trivia as mod
from emscope.data.domains._gore_movie_trivia_data import FILMS
from emscope.data.domains.gore_movie_trivia import _DESENSITISE, _MOCK, _RELISH
from tests.data.domains._shared import draw

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
    for ex in draw(mod, 11, 600):
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
