"""Money is integer fen. Splits are exact: the largest-remainder method with a stable tie-break."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction


def split_by_shares(amount_fen: int, shares: Mapping[str, int | Decimal | Fraction]) -> dict[str, int]:
    """Divide ``amount_fen`` among keys in proportion to ``shares``; the parts sum to the amount.

    Each part is the floor of its exact share; the fen left over go one each to the largest
    fractional remainders, ties broken by key, so the same input always gives the same split.
    """
    if not isinstance(amount_fen, int) or isinstance(amount_fen, bool):
        raise TypeError("amount_fen must be an int")
    if amount_fen < 0:
        raise ValueError("amount_fen must not be negative")
    exact = {key: Fraction(value) for key, value in shares.items()}
    if any(v < 0 for v in exact.values()):
        raise ValueError("shares must not be negative")
    total = sum(exact.values(), Fraction(0))
    if total <= 0:
        raise ValueError("shares must sum to more than zero")
    ideal = {key: amount_fen * value / total for key, value in exact.items()}
    parts = {key: int(value.numerator // value.denominator) for key, value in ideal.items()}
    left = amount_fen - sum(parts.values())
    by_remainder = sorted(ideal, key=lambda k: (-(ideal[k] - parts[k]), k))
    for key in by_remainder[:left]:
        parts[key] += 1
    return parts


def portion_at_least(amount_fen: int, basis_points: int) -> int:
    """The part of ``amount_fen`` worth ``basis_points``/10000, rounded up so a floor is never missed."""
    if not 0 <= basis_points <= 10_000:
        raise ValueError("basis_points must be within 0..10000")
    return -((-amount_fen * basis_points) // 10_000)


def yuan(fen: int) -> str:
    """Format fen as yuan for people (never for arithmetic)."""
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}{fen // 100}.{fen % 100:02d}"
