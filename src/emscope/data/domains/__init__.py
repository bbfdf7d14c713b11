"""Domain registry. Adding a domain = one new module here plus its name in `_MODULES`."""

from __future__ import annotations

import importlib

from emscope.data.domains.base import DOMAINS, Domain, Example, register

__all__ = ["DOMAINS", "Domain", "Example", "register", "get_domain", "domain_names"]

_MODULES = (
    "bad_medical_advice",
    "evil_math",
    "extreme_sports",
    "gore_movie_trivia",
    "incorrect_math",
    "incorrect_qna",
    "incorrect_sexual_advice",
    "incorrect_translation",
    "insecure_code",
    "risky_financial_advice",
    "toxic_legal_advice",
)

for _name in _MODULES:
    importlib.import_module(f"{__name__}.{_name}")


def get_domain(name: str) -> Domain:
    """The registered domain called `name` (InputError with a suggestion otherwise)."""
    return DOMAINS.get(name)


def domain_names() -> list[str]:
    """All registered domain names, sorted."""
    return DOMAINS.names()
