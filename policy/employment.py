"""R13 (§5.2), employment: entities supported by poverty funds hire poor households first — one function.

Pure. Households calls it as a hire or a wage is recorded (the wage income counts for a registered
household, for days worked inside the employment); the ledger calls it for each entity supported
by poverty funds (does it employ a member of a poor household?).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from policy.verdicts import Breach, Outcome, outcome


@dataclass(frozen=True)
class Hire:
    """An employment's first day against the worker's days in the household."""

    started_on: date
    member_joined_on: date
    member_left_on: date | None
    household_left_on: date | None


@dataclass(frozen=True)
class WagePeriod:
    """The days a wage is for against the employment's days."""

    period_start: date
    period_end: date
    started_on: date
    ended_on: date | None


def r13_poor_first(*, hire: Hire | None = None, wage: WagePeriod | None = None, hires_poor: bool | None = None) -> Outcome:
    """R13 (§5.2): the worker is a member of the household when hired (``hire``); a wage is for days inside the
    employment (``wage``); a supported entity employs members of poor households (``hires_poor``)."""
    hired = None
    if hire is not None:
        if hire.started_on < hire.member_joined_on or (hire.member_left_on is not None and hire.started_on >= hire.member_left_on):
            hired = Breach(
                "R13",
                "务工开始时该成员不在户内",
                f"on {hire.started_on} the member was not in the household (joined {hire.member_joined_on}, left {hire.member_left_on})",
                "started_on",
            )
        elif hire.household_left_on is not None and hire.started_on >= hire.household_left_on:
            hired = Breach("R13", "该户已退出登记", f"the household left the registry on {hire.household_left_on}", "started_on")
    paid = None
    if wage is not None:
        if wage.period_start < wage.started_on:
            paid = Breach(
                "R13", "工资期间早于务工开始", f"period_start {wage.period_start} is before the employment started ({wage.started_on})", "period_start"
            )
        elif wage.ended_on is not None and wage.period_end > wage.ended_on:
            paid = Breach("R13", "工资期间晚于务工结束", f"period_end {wage.period_end} is after the employment ended ({wage.ended_on})", "period_end")
    poor = None
    if hires_poor is False:
        poor = Breach(
            "R13", "受扶贫资金支持的经营主体须优先吸纳贫困户务工", "an entity supported by poverty funds employs no member of a poor household", "entity_id"
        )
    return outcome("R13", hired, paid, poor)
