"""Household rules, pure: no I/O. The policy's words for who counts, who can work and what a wage is.

Clauses refer to 韶扶组〔2018〕3号 (see ``shared/DOMAIN.md``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Protocol

from policy.employment import WagePeriod, r13_poor_first
from shared.errors import InvalidInput, enforce

LABOUR_CAPACITIES = ("full", "partial", "none")
WITH_LABOUR = ("full", "partial")
RELATIVELY_POOR = ("relatively_poor_dongguan", "relatively_poor_shaoguan")
# §1.2: technical cadres come from these departments.
TECHNICAL_DEPARTMENTS = ("agriculture", "forestry", "livestock", "water", "fishery", "ecommerce", "photovoltaic")
HELPER_ROLES = ("first_secretary", "resident_cadre", "technical_cadre")

# Which poverty status may follow which (a registry correction to not_poor is always possible).
STATUS_TRANSITIONS: dict[str, tuple[str, ...]] = {
    "registered_poor": ("exited", "not_poor"),
    "exited": ("returned_to_poverty", "not_poor"),
    "returned_to_poverty": ("exited", "not_poor"),
    "not_poor": ("registered_poor",),
}


class MemberFacts(Protocol):
    """What the counts read of a member (a row, or its facts as of a day); read-only, so any str subtype will do."""

    @property
    def labour_capacity(self) -> str: ...
    @property
    def joined_on(self) -> date: ...
    @property
    def left_on(self) -> date | None: ...


def is_member_on(member: MemberFacts, day: date) -> bool:
    return member.joined_on <= day and (member.left_on is None or member.left_on > day)


def household_size_on(members: Iterable[MemberFacts], day: date) -> int:
    """Household size as of ``day``: members who had joined and not yet left."""
    return sum(1 for m in members if is_member_on(m, day))


def labour_count_on(members: Iterable[MemberFacts], day: date) -> int:
    """Members with (full or partial) labour capacity as of ``day`` — those R6/R7/R13 speak of."""
    return sum(1 for m in members if is_member_on(m, day) and m.labour_capacity in WITH_LABOUR)


def capacity_on(history: Sequence[tuple[date, str]], day: date, default: str) -> str:
    """A member's labour capacity on ``day`` from its history rows (effective_on, capacity), oldest first."""
    current = default
    for effective_on, capacity in history:
        if effective_on <= day:
            current = capacity
    return current


def status_on(history: Sequence[tuple[date, str, int | None]], day: date) -> tuple[str, int | None] | None:
    """The poverty status (and exit year) that held on ``day``; None before the first record."""
    found: tuple[str, int | None] | None = None
    for effective_on, status, exit_year in history:
        if effective_on <= day:
            found = (status, exit_year)
    return found


# ---- villages (§1.1, §1.2, §1.3) ----------------------------------------------------------------


def check_village_pairing(categories: Sequence[str], paired_unit: str | None, *, field: str = "paired_unit") -> None:
    """§1.1: a relatively poor village is assisted by Dongguan or by Shaoguan (not both) through a paired unit."""
    relatively = [c for c in categories if c in RELATIVELY_POOR]
    if len(relatively) > 1:
        raise InvalidInput(
            "相对贫困村只能由东莞或韶关其中之一帮扶",
            detail_en="a relatively poor village is assisted by Dongguan or by Shaoguan, not both",
            field="categories",
        )
    if relatively and not (paired_unit or "").strip():
        raise InvalidInput(
            "相对贫困村须填写对口帮扶单位",
            detail_en="a relatively poor village needs its paired assisting unit (对口帮扶单位)",
            field=field,
        )


def check_village_helpers(helpers: Sequence[dict[str, str | None]]) -> None:
    """§1.2: one first secretary at most; every technical cadre names the department they come from."""
    secretaries = [i for i, h in enumerate(helpers) if h.get("role") == "first_secretary"]
    if len(secretaries) > 1:
        raise InvalidInput("一个村只有一名第一书记", detail_en="a village has one first secretary", field=f"helpers[{secretaries[1]}].role")
    for i, h in enumerate(helpers):
        if h.get("role") == "technical_cadre" and h.get("department") not in TECHNICAL_DEPARTMENTS:
            raise InvalidInput(
                "技术干部须注明所属部门（农业、林业、畜牧、水利、渔业、电商、光伏）",
                detail_en=f"a technical cadre names their department, one of {', '.join(TECHNICAL_DEPARTMENTS)}",
                field=f"helpers[{i}].department",
            )


# ---- households ---------------------------------------------------------------------------------


def check_birth_date(birth: date, today: date, *, field: str = "birth_date") -> None:
    if birth > today:
        raise InvalidInput("出生日期不能晚于今天", detail_en="the birth date is in the future", field=field)


def check_one_head(heads: int, *, field: str, members: int | None = None) -> None:
    """A household has exactly one head (户主) among its current members, and at least one member."""
    if members is not None and members < 1:
        raise InvalidInput("一户至少有一名成员", detail_en="a household has at least one member", field=field, code="household_needs_member")
    if heads != 1:
        raise InvalidInput(
            f"一户须有且只有一名户主（此变更后为 {heads} 名）",
            detail_en=f"a household has exactly one head; after this change it would have {heads}",
            field=field,
            code="one_head",
        )


def check_status_transition(current: str, new: str, *, effective_on: date, last_effective_on: date, exit_year: int | None, today: date) -> None:
    """A poverty status follows the registry's lifecycle: exited needs its year; returned only after exit."""
    if new not in STATUS_TRANSITIONS.get(current, ()):
        raise InvalidInput(
            f"贫困状态不能从 {current} 变为 {new}",
            detail_en=f"poverty status cannot change from {current} to {new}",
            field="poverty_status",
        )
    if effective_on < last_effective_on:
        raise InvalidInput(
            "生效日期早于上一次状态变更",
            detail_en=f"effective_on {effective_on} is before the last status change ({last_effective_on})",
            field="effective_on",
        )
    if effective_on > today:
        raise InvalidInput("生效日期不能晚于今天", detail_en="effective_on is in the future", field="effective_on")
    if new == "exited":
        if exit_year is None:
            raise InvalidInput("脱贫须填写脱贫年度", detail_en="an exit needs its exit year", field="exit_year")
        if exit_year > effective_on.year or exit_year < 2014:
            raise InvalidInput("脱贫年度不合理", detail_en=f"exit year {exit_year} must be between 2014 and {effective_on.year}", field="exit_year")
    elif exit_year is not None:
        raise InvalidInput("只有脱贫时填写脱贫年度", detail_en="exit_year is given only for an exit", field="exit_year")


def check_change_date(day: date, *, not_before: date, today: date, field: str = "effective_on") -> None:
    """A fact about a household or member happens after it existed and not in the future."""
    if day < not_before:
        raise InvalidInput(f"日期不能早于 {not_before}", detail_en=f"{field} {day} is before {not_before}", field=field)
    if day > today:
        raise InvalidInput("日期不能晚于今天", detail_en=f"{field} is in the future", field=field)


# ---- wages (§5.2; R13 is policy.employment.r13_poor_first) ----------------------------------------------------------


def check_wage(*, amount_fen: int, period_start: date, period_end: date, paid_on: date, started_on: date, ended_on: date | None, today: date) -> None:
    """A wage is a positive integer of fen for a period worked inside the employment (R13, ``policy.employment``), paid by today."""
    if isinstance(amount_fen, bool) or not isinstance(amount_fen, int) or amount_fen <= 0:
        raise InvalidInput("工资金额须为正整数（分）", detail_en="amount_fen must be a positive integer number of fen", field="amount_fen")
    if period_end < period_start:
        raise InvalidInput("工资期间结束早于开始", detail_en="period_end is before period_start", field="period_end")
    enforce(r13_poor_first(wage=WagePeriod(period_start, period_end, started_on, ended_on)))
    if paid_on > today:
        raise InvalidInput("支付日期不能晚于今天", detail_en="paid_on is in the future", field="paid_on")
