"""What a brief's tokens cost, when the user states a price per token."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

from summarizer.errors import ConfigError
from summarizer.schema import Meta, Usage

ENV_PRICE_PROMPT = "SUMMARIZER_PRICE_PROMPT"
ENV_PRICE_COMPLETION = "SUMMARIZER_PRICE_COMPLETION"


@dataclass(frozen=True)
class Price:
    """US dollars per million tokens, as providers list them."""

    prompt: float
    completion: float


def price_from_env() -> Price | None:
    """``SUMMARIZER_PRICE_PROMPT`` / ``SUMMARIZER_PRICE_COMPLETION`` (USD per 1M tokens)."""
    names = (ENV_PRICE_PROMPT, ENV_PRICE_COMPLETION)
    raw = {name: os.environ.get(name, "").strip() for name in names}
    if not any(raw.values()):
        return None
    values: list[float] = []
    for name, value in raw.items():
        try:
            number = float(value or "0")
        except ValueError:
            number = math.nan
        if not math.isfinite(number):  # float() takes "nan" and "inf"
            raise ConfigError(f"{name}={value!r}: give a price in USD per million tokens")
        if number < 0:
            raise ConfigError(f"{name}={value!r}: a price cannot be negative")
        values.append(number)
    return Price(prompt=values[0], completion=values[1])


def cost_usd(usage: Usage, price: Price | None) -> float | None:
    if price is None:
        return None
    total = usage.prompt_tokens * price.prompt + usage.completion_tokens * price.completion
    return round(total / 1_000_000, 6)


def brief_cost(meta: Meta, price: Price | None) -> float | None:
    """What a brief's tokens cost at ``price``: as stamped on the brief at that price
    (which may price some apart: the Batch API's at half), else usage × price."""
    if price is None:
        return None
    return meta.cost_usd if meta.cost_usd is not None else cost_usd(meta.usage, price)
