"""The funds service's pure checks: R2, the poor households' floor of a distribution, periods, credit codes.

The rules the ledger judges too — R1, R9, R10, R11, R14, R15, R16, R17 — are one function each in
``policy.funds``; the services call them through ``shared.errors.enforce``, which raises the first
breach as a ``RuleViolation``. Nothing here touches a database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from policy.funds import PoorShare, poor_share, r17_dividends
from policy.periods import PERIOD_LABEL_PATTERN as PERIOD_LABEL_PATTERN  # the labels are policy.periods'; funds' callers import them here
from policy.periods import period_label as period_label
from policy.periods import period_range
from policy.settings import thresholds
from policy.verdicts import outcome
from shared.errors import Conflict, InvalidInput, RuleViolation, enforce
from shared.money import portion_at_least, split_by_shares

SPECIAL_FUND_PER_POOR_PERSON_FEN = 2_000_000  # 20,000 yuan per poor person (§1.1)
# The thresholds in force: policy.settings is the one settings object (the ledger and training read it too).
R1_INDUSTRY_MIN_BP = thresholds().r1_industry_share_bp
R3_GUIDANCE_POOR_MIN_BP = thresholds().r3_poor_share_bp
R9_POOR_MIN_BP = thresholds().poor_share_bp
GUIDANCE_FUND_KINDS = frozenset({"dongguan_guidance", "shaoguan_guidance"})
# Households that take the poor households' portion: registered in the poverty file and still in it.
BENEFICIARY_STATUSES = frozenset({"registered_poor", "returned_to_poverty", "exited"})
# Handovers (R10) where the entity pays the collective an agreed annual fee: the asset's income for a year.
FEE_HANDOVER_MODES = frozenset({"lease", "contracting"})

_CREDIT_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


# ---- operating entities ---------------------------------------------------------------------


def credit_code_check_char(first17: str) -> str:
    """GB 32100 check character of the unified social credit code over its first 17 characters."""
    total = sum(_CREDIT_CHARSET.index(c) * w for c, w in zip(first17, _CREDIT_WEIGHTS, strict=True))
    return _CREDIT_CHARSET[(31 - total % 31) % 31]


def credit_code_problem(code: str) -> str | None:
    """Why ``code`` is not a valid unified social credit code (统一社会信用代码), or None."""
    if len(code) != 18:
        return "must be 18 characters"
    bad = [c for c in code if c not in _CREDIT_CHARSET]
    if bad:
        return f"character {bad[0]!r} is not allowed (I, O, S, V, Z and lower case are never used)"
    if credit_code_check_char(code[:17]) != code[17]:
        return f"check character should be {credit_code_check_char(code[:17])}, not {code[17]}"
    return None


# ---- R1, R2: the provincial special fund ----------------------------------------------------


def industry_share_bp(*, industry_fen: int, education_fen: int, medical_fen: int, allocated_fen: int) -> int | None:
    """Share of the allocated special fund less education and medical that went to industry (R1 report)."""
    base = allocated_fen - education_fen - medical_fen
    return None if base <= 0 else industry_fen * 10_000 // base


def check_r2_no_platform_company(*, fund_kind: str, recipient_kind: str) -> None:
    """R2 (§1.1): the special fund must not simply be invested directly into a government platform company."""
    if fund_kind == "provincial_special" and recipient_kind == "government_platform_company":
        raise RuleViolation(
            "R2",
            "省级扶贫专项资金不得直接投入政府平台公司",
            detail_en="the provincial special fund must not be invested directly into a government platform company",
            field="recipient_kind",
            fund_kind=fund_kind,
            recipient_kind=recipient_kind,
        )


def check_allocation_within_fund(*, fund_fen: int, allocated_fen: int, amount_fen: int) -> None:
    if allocated_fen + amount_fen > fund_fen:
        raise InvalidInput(
            f"分配超出资金余额：余额 {fund_fen - allocated_fen} 分，申请 {amount_fen} 分",
            detail_en=f"allocation exceeds what is left of the fund: {fund_fen - allocated_fen} fen left, {amount_fen} fen asked",
            field="amount_fen",
            fund_fen=fund_fen,
            allocated_fen=allocated_fen,
            amount_fen=amount_fen,
        )


# ---- R9, R3, R10, R17: three rights and distributions ----------------------------------------


@dataclass(frozen=True)
class PoorShareFloor:
    bp: int
    rule: str


def poor_share_floor(*, agreed_bp: int | None, guidance_fund: bool, asset: bool) -> PoorShareFloor:
    """The floor a distribution's poor households' portion must reach, and the rule that sets it.

    R9/R17 (projects, shares) and R10 (fund-built assets) set 50 %; the agreement may set more;
    R3 sets 60 % for guidance-fund projects of relatively poor villages.
    """
    base_rule = "R10" if asset else "R9"
    floor = PoorShareFloor(max(agreed_bp or 0, R9_POOR_MIN_BP), base_rule)
    if guidance_fund and R3_GUIDANCE_POOR_MIN_BP > floor.bp:
        floor = PoorShareFloor(R3_GUIDANCE_POOR_MIN_BP, "R3")
    return floor


def check_poor_households_portion(*, total_fen: int, poor_households_fen: int, floor: PoorShareFloor) -> None:
    """R3/R9/R10/R17: the poor households' portion reaches its floor (rounded up to the fen) and not above the total."""
    if poor_households_fen > total_fen:
        raise InvalidInput(
            "贫困户部分不能超过分配总额",
            detail_en=f"poor households' portion {poor_households_fen} fen exceeds the total {total_fen} fen",
            field="poor_households_fen",
        )
    enforce(outcome(floor.rule, poor_share(floor.rule, PoorShare(total_fen, poor_households_fen), floor.bp)))


def split_among_households(amount_fen: int, share_units: Mapping[str, int]) -> dict[str, int]:
    """Divide the poor households' portion by quantified shares, exact to the fen (largest remainder, tie by id)."""
    enforce(r17_dividends(share_units=share_units))
    return split_by_shares(amount_fen, dict(share_units))


# ---- R15 ----------------------------------------------------------------------------------


def split_policy_income(total_fen: int, household_bp: int) -> tuple[int, int]:
    """R15: the household's and the entity's parts of policy income; the household's part rounds up."""
    household = portion_at_least(total_fen, household_bp)
    return household, total_fen - household


# ---- periods: distributions and payments cover date ranges -----------------------------------


def payment_period(label: str, paid_on: date) -> tuple[date, date]:
    """The range a payment is for: its label when it is a period label, else the calendar year it was paid in."""
    try:
        return period_range(label)
    except ValueError:
        return date(paid_on.year, 1, 1), date(paid_on.year, 12, 31)


@dataclass(frozen=True)
class PaidPeriod:
    """A distribution already standing (proposed or approved, not withdrawn or reversed) for a project or asset."""

    distribution_id: str
    label: str
    start: date
    end: date


def check_periods_do_not_overlap(*, start: date, end: date, standing: Iterable[PaidPeriod]) -> None:
    """R9/R10/R17: a project's or asset's profit for a day is distributed once — ranges of one source never overlap."""
    for other in sorted(standing, key=lambda p: (p.start, p.distribution_id)):
        if start <= other.end and other.start <= end:
            raise Conflict(
                f"期间与已有分配 {other.label} 重叠：同一利润不能分配两次",
                detail_en=(
                    f"the period {start} … {end} overlaps distribution {other.distribution_id} for {other.label} "
                    f"({other.start} … {other.end}): the same profit cannot be distributed twice"
                ),
                code="period_already_distributed",
                field="period",
                existing_distribution_id=other.distribution_id,
                existing_period=other.label,
                existing_period_start=other.start.isoformat(),
                existing_period_end=other.end.isoformat(),
            )


def check_dates_ordered(start: date, end: date, *, field: str) -> None:
    if end < start:
        raise InvalidInput("结束日期早于开始日期", detail_en=f"{field} is before the start date", field=field)


def notice_holds_money(window: timedelta) -> bool:
    """§2.3, §4.1: a distribution is posted in the village before it is paid; a window of 0 switches the gate off (docs/oversight.md)."""
    return window > timedelta(0)
