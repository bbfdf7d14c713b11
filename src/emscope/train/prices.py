"""Training prices of API fine-tuning, and the cost estimate a run's manifest reports.

The table holds OpenAI's published list prices for supervised fine-tuning, in USD per one
million trained tokens (trained tokens = tokens in the file x epochs, as the API reports them
in `trained_tokens`). Prices change and accounts get discounts: the estimate is only as good
as the table, so every manifest says which price it used and where it came from, and a user
overrides any entry (`prices: {model: usd}` in the settings, `--price MODEL=USD` on the CLI).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["PRICES", "PRICES_AS_OF", "price_for", "estimate_cost", "model_family"]

PRICES_AS_OF = "2025-06 (OpenAI pricing page, supervised fine-tuning, standard tier)"

# Keys are model families: a snapshot id (gpt-4o-mini-2024-07-18) matches its family by prefix.
PRICES: dict[str, float] = {
    "gpt-4o-mini": 3.00,
    "gpt-4o": 25.00,
    "gpt-4.1": 25.00,
    "gpt-4.1-mini": 5.00,
    "gpt-4.1-nano": 1.50,
    "gpt-3.5-turbo": 8.00,
    "davinci-002": 6.00,
    "babbage-002": 0.40,
}


def model_family(model: str) -> str:
    """The base model of `model`: a fine-tuned id `ft:BASE:org:suffix:id` continues from BASE."""
    return model.split(":")[1] if model.startswith("ft:") else model


def price_for(model: str, overrides: Mapping[str, float] | None = None) -> tuple[float | None, str]:
    """(USD per 1M trained tokens, where that price came from) for `model`; (None, why) when unknown.

    An exact entry wins, then the longest family that `model` starts with followed by '-'
    (so gpt-4o-mini-2024-07-18 is priced as gpt-4o-mini, not gpt-4o). User overrides are
    searched before the built-in table.
    """
    base = model_family(model)
    for table, source in ((overrides or {}, "user override"), (PRICES, f"built-in table, {PRICES_AS_OF}")):
        if base in table:
            return float(table[base]), source
        families = [f for f in table if base.startswith(f + "-")]
        if families:
            best = max(families, key=len)
            return float(table[best]), f"{source} ({best})"
    return None, f"no price known for {base!r}; give one with --price {base}=USD_PER_1M_TOKENS"


def estimate_cost(model: str, trained_tokens: int | None,
                  overrides: Mapping[str, float] | None = None) -> dict[str, Any]:
    """The manifest's cost block: tokens, the price used, its source, and the estimate in USD."""
    price, source = price_for(model, overrides)
    usd = None
    if price is not None and trained_tokens is not None:
        usd = round(trained_tokens * price / 1_000_000, 6)
    return {"trained_tokens": trained_tokens, "usd_per_million_tokens": price, "price_source": source,
            "estimated_usd": usd,
            "note": "an estimate from list prices; the provider's invoice is the authority"}
