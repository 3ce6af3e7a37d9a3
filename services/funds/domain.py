"""The funds policy, pure: one named function per rule of 韶扶组〔2018〕3号 (R1–R3, R9–R11, R14–R17).

Every check raises ``RuleViolation`` naming the rule and the numbers that broke it; nothing here
touches a database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from policy.periods import PERIOD_LABEL_PATTERN as PERIOD_LABEL_PATTERN  # the labels are policy.periods'; funds' callers import them here
from policy.periods import period_label as period_label
from policy.periods import period_range
from policy.settings import thresholds
from shared.errors import Conflict, InvalidInput, RuleViolation
from shared.money import portion_at_least, split_by_shares

SPECIAL_FUND_PER_POOR_PERSON_FEN = 2_000_000  # 20,000 yuan per poor person (§1.1)
# The thresholds in force: policy.settings is the one settings object (the ledger and training read it too).
R1_INDUSTRY_MIN_BP = thresholds().r1_industry_share_bp
R3_GUIDANCE_POOR_MIN_BP = thresholds().r3_poor_share_bp
R9_POOR_MIN_BP = thresholds().poor_share_bp
GUIDANCE_FUND_KINDS = frozenset({"dongguan_guidance", "shaoguan_guidance"})
# Funds an asset may be built with (R10: "special or assistance funds").
ASSET_FUND_KINDS = frozenset({"provincial_special", "dongguan_guidance", "shaoguan_guidance", "other_assistance"})
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


def check_r1_industry_share(*, received_fen: int, education_fen: int, medical_fen: int, other_fen: int) -> None:
    """R1 (§1.1): of the county's special fund less education and medical, ≥ 60 % goes to industry.

    Checked as each allocation is recorded: whatever is not allocated yet may still go to industry,
    so the rule is broken as soon as the non-industry, non-education/medical part exceeds 40 %
    of the base.
    """
    base = received_fen - education_fen - medical_fen
    if base < 0:
        raise RuleViolation(
            "R1",
            "教育、医疗分配超过了县级专项资金总额",
            detail_en=f"education and medical allocations ({education_fen + medical_fen} fen) exceed the special fund received ({received_fen} fen)",
            field="amount_fen",
            received_fen=received_fen,
            education_fen=education_fen,
            medical_fen=medical_fen,
            other_fen=other_fen,
        )
    max_other = base - portion_at_least(base, R1_INDUSTRY_MIN_BP)
    if other_fen > max_other:
        raise RuleViolation(
            "R1",
            f"扣除教育、医疗后的专项资金至少60%须用于产业扶贫：其他用途最多 {max_other} 分，现为 {other_fen} 分",
            detail_en=(
                f"at least 60% of the special fund less education and medical must go to industry: "
                f"other purposes may take at most {max_other} fen of {base} fen, would take {other_fen} fen"
            ),
            field="purpose",
            received_fen=received_fen,
            education_fen=education_fen,
            medical_fen=medical_fen,
            other_fen=other_fen,
            base_fen=base,
            max_other_fen=max_other,
            required_industry_bp=R1_INDUSTRY_MIN_BP,
        )


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


def check_r9_agreement_poor_share(poor_share_bp: int) -> None:
    """R9 (§4.1): the investment cooperation agreement gives poor households ≥ 50 % of distributed profit."""
    if poor_share_bp < R9_POOR_MIN_BP:
        raise RuleViolation(
            "R9",
            f"投资合作协议中贫困户分红比例须不低于50%，现为 {poor_share_bp / 100:g}%",
            detail_en=f"the agreement must give poor households at least 50% of distributed profit, gives {poor_share_bp} bp",
            field="agreement.poor_share_bp",
            poor_share_bp=poor_share_bp,
            minimum_bp=R9_POOR_MIN_BP,
        )


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
    minimum = portion_at_least(total_fen, floor.bp)
    if poor_households_fen > total_fen:
        raise InvalidInput(
            "贫困户部分不能超过分配总额",
            detail_en=f"poor households' portion {poor_households_fen} fen exceeds the total {total_fen} fen",
            field="poor_households_fen",
        )
    if poor_households_fen < minimum:
        raise RuleViolation(
            floor.rule,
            f"贫困户所得须不低于 {floor.bp / 100:g}%：至少 {minimum} 分，提议 {poor_households_fen} 分",
            detail_en=f"poor households must get at least {floor.bp} bp: at least {minimum} fen of {total_fen} fen, proposed {poor_households_fen} fen",
            field="poor_households_fen",
            total_fen=total_fen,
            poor_households_fen=poor_households_fen,
            minimum_fen=minimum,
            minimum_bp=floor.bp,
        )


def check_r17_explicit_shares(share_units: Mapping[str, int]) -> None:
    """R17 (§5.6): a dividend reaches households only through explicit quantified shares."""
    if not share_units or sum(share_units.values()) <= 0:
        raise RuleViolation(
            "R17",
            "没有贫困户持有量化股份，无法分红",
            detail_en="no poor household holds quantified shares here: the household's link and share must be explicit before a dividend",
            field="project_id",
            households_with_shares=0,
        )


def split_among_households(amount_fen: int, share_units: Mapping[str, int]) -> dict[str, int]:
    """Divide the poor households' portion by quantified shares, exact to the fen (largest remainder, tie by id)."""
    check_r17_explicit_shares(share_units)
    return split_by_shares(amount_fen, dict(share_units))


# ---- R10: disbursement against accounts ------------------------------------------------------


def check_r10_within_allocation(*, allocated_fen: int, requested_fen: int, amount_fen: int) -> None:
    """R10 (§4.2, 拨款报账): payment requests against an allocation never exceed what was allocated."""
    if requested_fen + amount_fen > allocated_fen:
        raise RuleViolation(
            "R10",
            f"报账金额超出分配额：分配 {allocated_fen} 分，已申请 {requested_fen} 分，本次 {amount_fen} 分",
            detail_en=f"payments would exceed the allocation: {allocated_fen} fen allocated, {requested_fen} fen already requested, {amount_fen} fen asked",
            field="amount_fen",
            allocated_fen=allocated_fen,
            requested_fen=requested_fen,
            amount_fen=amount_fen,
        )


def check_r10_asset_fund(fund_kind: str) -> None:
    """R10 (§4.2): a poverty-alleviation asset is built with special or assistance funds."""
    if fund_kind not in ASSET_FUND_KINDS:
        raise RuleViolation(
            "R10",
            "扶贫资产须由专项资金或帮扶资金建成",
            detail_en=f"an asset is built with special or assistance funds, not {fund_kind}",
            field="allocation_id",
            fund_kind=fund_kind,
        )


# ---- R11, R14, R15 ------------------------------------------------------------------------


def check_r11_entrusted_loan(*, use: str, entity_id: str | None, poverty_responsibility: str | None, guaranteed_return_fen_per_year: int | None) -> None:
    """R11 (§4.3): a loan entrusted to an entity states its responsibility for lifting the household out of poverty."""
    if use != "entrusted":
        return
    if not entity_id:
        raise RuleViolation("R11", "委托经营的小额信贷须指明经营主体", detail_en="an entrusted loan names the entity", field="entity_id")
    if not (poverty_responsibility or "").strip() or not guaranteed_return_fen_per_year or guaranteed_return_fen_per_year <= 0:
        raise RuleViolation(
            "R11",
            "委托经营的小额信贷须明确经营主体的带贫责任（保底收益）",
            detail_en="an entrusted loan must state the entity's responsibility for lifting the household out of poverty and its guaranteed return",
            field="poverty_responsibility" if not (poverty_responsibility or "").strip() else "guaranteed_return_fen_per_year",
            guaranteed_return_fen_per_year=guaranteed_return_fen_per_year or 0,
        )


def check_r14_disaster_terms(*, prevention: str | None, handling: str | None) -> None:
    """R14 (§5.3): a lease-back agreement covers the prevention and handling of major disaster risks."""
    missing = [name for name, text in (("prevention", prevention), ("handling", handling)) if not (text or "").strip()]
    if missing:
        raise RuleViolation(
            "R14",
            "反租倒包协议须载明重大灾害风险的防范和处置",
            detail_en=f"a lease-back agreement must cover the prevention and handling of major disaster risks; missing: {', '.join(missing)}",
            field=f"disaster_terms.{missing[0]}",
            missing=missing,
        )


def check_r15_policy_income_ratio(household_bp: int | None) -> int:
    """R15 (§5.4): policy income on transferred land is shared by an agreed ratio; it must be stated."""
    if household_bp is None:
        raise RuleViolation(
            "R15",
            "流转或入股土地须约定政策性收益的分享比例",
            detail_en="land transferred or put in as shares must state how its policy income is shared (policy_income_household_bp)",
            field="policy_income_household_bp",
        )
    return household_bp


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


# ---- payouts against their agreements (R10, R11, R14, R16) ------------------------------------


def _over_agreed(
    rule: str, zh: str, en: str, *, agreed_fen: int, already_paid_fen: int, requested_fen: int, year: int, field: str = "amount_fen", **extra: object
) -> None:
    if already_paid_fen + requested_fen > agreed_fen:
        left = max(agreed_fen - already_paid_fen, 0)
        raise RuleViolation(
            rule,
            f"{zh}：{year} 年约定 {agreed_fen} 分，已付 {already_paid_fen} 分，本次 {requested_fen} 分，最多还可付 {left} 分",
            detail_en=f"{en}: {agreed_fen} fen agreed for {year}, {already_paid_fen} fen already paid, {requested_fen} fen asked, at most {left} fen left",
            field=field,
            agreed_fen=agreed_fen,
            already_paid_fen=already_paid_fen,
            requested_fen=requested_fen,
            left_fen=left,
            year=year,
            **extra,
        )


def check_r16_rent_within_agreed(*, agreed_fen: int, already_paid_fen: int, requested_fen: int, year: int) -> None:
    """R16 (§5.5): land rent paid for a year never exceeds the annual rent the transfer agreed."""
    _over_agreed(
        "R16",
        "土地租金超过约定的年租金",
        "land rent would exceed the agreed annual rent",
        agreed_fen=agreed_fen,
        already_paid_fen=already_paid_fen,
        requested_fen=requested_fen,
        year=year,
    )


def check_r10_asset_income_within_fee(*, agreed_fen: int, already_paid_fen: int, requested_fen: int, year: int, mode: str) -> None:
    """R10 (§4.2): income declared for a leased or contracted asset in a year never exceeds the agreed annual fee."""
    _over_agreed(
        "R10",
        "资产收益超过承包或租赁约定的年费",
        f"asset income would exceed the annual fee of its {mode}",
        agreed_fen=agreed_fen,
        already_paid_fen=already_paid_fen,
        requested_fen=requested_fen,
        year=year,
        field="total_fen",
        handover_mode=mode,
    )


def check_r11_return_within_guaranteed(*, agreed_fen: int, already_paid_fen: int, requested_fen: int, year: int) -> None:
    """R11 (§4.3): an entrusted loan's returns for a year never exceed the return the entity guaranteed."""
    _over_agreed(
        "R11",
        "委托经营收益超过约定的年保底收益",
        "loan returns would exceed the guaranteed return a year",
        agreed_fen=agreed_fen,
        already_paid_fen=already_paid_fen,
        requested_fen=requested_fen,
        year=year,
    )


def _outside_term(rule: str, zh: str, en: str, *, term_start: date, term_end: date, period_start: date, period_end: date) -> None:
    if period_end < term_start or period_start > term_end:
        raise RuleViolation(
            rule,
            f"{zh}（{term_start} 至 {term_end}）",
            detail_en=f"{en}: {period_start} … {period_end} lies outside {term_start} … {term_end}",
            field="period",
            term_start=term_start.isoformat(),
            term_end=term_end.isoformat(),
            period_start=period_start.isoformat(),
            period_end=period_end.isoformat(),
        )


def check_r14_within_lease_back_term(*, term_start: date, term_end: date, period_start: date, period_end: date) -> None:
    """R14 (§5.3): lease-back income is paid for a period inside the agreement's term."""
    _outside_term(
        "R14",
        "反租倒包收益的期间不在协议期限内",
        "the lease-back income period is outside the agreement's term",
        term_start=term_start,
        term_end=term_end,
        period_start=period_start,
        period_end=period_end,
    )


def check_r14_income_within_agreed(*, agreed_fen: int, already_paid_fen: int, requested_fen: int, year: int) -> None:
    """R14 (§5.3): where the lease-back agreement states a yearly income, a year's payments never exceed it."""
    _over_agreed(
        "R14",
        "反租倒包收益超过协议约定的年收益",
        "lease-back income would exceed the yearly income the agreement states",
        agreed_fen=agreed_fen,
        already_paid_fen=already_paid_fen,
        requested_fen=requested_fen,
        year=year,
    )


def check_r16_within_transfer_term(*, start_on: date, end_on: date, period_start: date, period_end: date) -> None:
    """R16 (§5.5): rent is paid for a period inside the transfer's term."""
    _outside_term(
        "R16",
        "租金期间不在流转期限内",
        "the rent period is outside the transfer's term",
        term_start=start_on,
        term_end=end_on,
        period_start=period_start,
        period_end=period_end,
    )


def check_dates_ordered(start: date, end: date, *, field: str) -> None:
    if end < start:
        raise InvalidInput("结束日期早于开始日期", detail_en=f"{field} is before the start date", field=field)
