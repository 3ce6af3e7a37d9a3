"""Ledger arithmetic, pure: incomes by benefit type, per capita, in integer fen."""

from __future__ import annotations

from collections.abc import Iterable

from shared.events.income import BENEFIT_TYPES


def by_type(amounts: Iterable[tuple[str, int]]) -> dict[str, int]:
    """Sum (benefit type, fen) pairs into all six identifiers, zeros included."""
    totals = dict.fromkeys(BENEFIT_TYPES, 0)
    for benefit, fen in amounts:
        totals[benefit] += int(fen)
    return totals


def per_capita(total_fen: int, household_size: int) -> int:
    """Per-capita income in whole fen (rounded down); zero for a household without members."""
    return total_fen // household_size if household_size > 0 else 0
