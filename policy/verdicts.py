"""A rule's verdict as a value: the breaches found, each naming its rule, the field and the numbers.

Pure. Every rule function of ``policy`` returns an ``Outcome``; a producing service refuses a
write with its first breach (``shared.errors.enforce`` raises it as a ``RuleViolation``), the
ledger counts the facts whose outcome is not ``ok``. Both read the same function, so they cannot
disagree.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Breach:
    """One clause of a rule broken: the rule id, the reason in Chinese and English, the field to blame, the numbers."""

    rule: str
    detail: str
    detail_en: str
    field: str | None = None
    numbers: dict[str, Any] = dataclasses.field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    rule: str
    breaches: tuple[Breach, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.breaches


def outcome(rule: str, *found: Breach | None) -> Outcome:
    """The outcome of the clauses judged (None: a clause held, or was not asked about)."""
    return Outcome(rule, tuple(b for b in found if b is not None))


@dataclass(frozen=True)
class YearlyCap:
    """Payments for a year against what was agreed for it: agreed, already paid, asked now."""

    agreed_fen: int
    already_paid_fen: int
    requested_fen: int
    year: int


@dataclass(frozen=True)
class Term:
    """Days from ``start`` to ``end``, both included."""

    start: date
    end: date


def portion_at_least(total: int, bp: int) -> int:
    """The smallest whole fen that is at least ``bp`` basis points of ``total`` (a floor is never undershot)."""
    return -(-total * bp // 10000)


def over_agreed(rule: str, zh: str, en: str, cap: YearlyCap | None, *, field: str = "amount_fen", **extra: Any) -> Breach | None:
    """A year's payments beyond what was agreed for it (R10 fees, R11 returns, R14 lease-back income, R16 rents)."""
    if cap is None or cap.already_paid_fen + cap.requested_fen <= cap.agreed_fen:
        return None
    left = max(cap.agreed_fen - cap.already_paid_fen, 0)
    return Breach(
        rule,
        f"{zh}：{cap.year} 年约定 {cap.agreed_fen} 分，已付 {cap.already_paid_fen} 分，本次 {cap.requested_fen} 分，最多还可付 {left} 分",
        f"{en}: {cap.agreed_fen} fen agreed for {cap.year}, {cap.already_paid_fen} fen already paid, {cap.requested_fen} fen asked, at most {left} fen left",
        field,
        {
            "agreed_fen": cap.agreed_fen,
            "already_paid_fen": cap.already_paid_fen,
            "requested_fen": cap.requested_fen,
            "left_fen": left,
            "year": cap.year,
            **extra,
        },
    )


def outside_term(rule: str, zh: str, en: str, term: Term | None, period: Term | None) -> Breach | None:
    """A period paid for that lies wholly outside the agreement's term (R14, R16)."""
    if term is None or period is None or not (period.end < term.start or period.start > term.end):
        return None
    return Breach(
        rule,
        f"{zh}（{term.start} 至 {term.end}）",
        f"{en}: {period.start} … {period.end} lies outside {term.start} … {term.end}",
        "period",
        {
            "term_start": term.start.isoformat(),
            "term_end": term.end.isoformat(),
            "period_start": period.start.isoformat(),
            "period_end": period.end.isoformat(),
        },
    )
