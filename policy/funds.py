"""The funds rules of 韶扶组〔2018〕3号, each one function: R1, R9, R10, R11, R14, R15, R16, R17.

Pure. Funds calls a rule with the write it is about to make and refuses it with the first breach
(``shared.errors.enforce``); the ledger calls the same rule with the facts it was told, one fact at
a time, and reports those whose outcome is not ``ok``. Each function judges the clauses it is given
inputs for (an argument left ``None`` is a clause not asked about), in the order below.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from policy.thresholds import DEFAULTS, Thresholds
from policy.verdicts import Breach, Outcome, Term, YearlyCap, outcome, outside_term, over_agreed, portion_at_least

# Funds an asset may be built with (R10: "special or assistance funds").
ASSET_FUND_KINDS = frozenset({"provincial_special", "dongguan_guidance", "shaoguan_guidance", "other_assistance"})
# R10 §4.2: an asset is handed to an entity by contracting (承包), lease (租赁) or trusteeship (托管).
HANDOVER_MODES = frozenset({"contracting", "lease", "trusteeship"})


@dataclass(frozen=True)
class PoorShare:
    """A distribution: what it distributes and the poor households' portion of it, in fen."""

    total_fen: int
    poor_households_fen: int


def poor_share(rule: str, share: PoorShare | None, floor_bp: int) -> Breach | None:
    """R3/R9/R10/R17: the poor households' portion reaches ``floor_bp`` of the distribution (rounded up to the fen)."""
    if share is None:
        return None
    minimum = portion_at_least(share.total_fen, floor_bp)
    if share.poor_households_fen >= minimum:
        return None
    return Breach(
        rule,
        f"贫困户所得须不低于 {floor_bp / 100:g}%：至少 {minimum} 分，提议 {share.poor_households_fen} 分",
        f"poor households must get at least {floor_bp} bp: at least {minimum} fen of {share.total_fen} fen, proposed {share.poor_households_fen} fen",
        "poor_households_fen",
        {"total_fen": share.total_fen, "poor_households_fen": share.poor_households_fen, "minimum_fen": minimum, "minimum_bp": floor_bp},
    )


def r1_industry_share(*, received_fen: int, education_fen: int, medical_fen: int, other_fen: int, t: Thresholds = DEFAULTS) -> Outcome:
    """R1 (§1.1): of the county's special fund less education and medical, ≥ 60 % goes to industry.

    Funds asks as each allocation is recorded (``received_fen`` the fund received: what is not
    allocated yet may still go to industry); the ledger asks of the allocations made in a span
    (``received_fen`` what they allocate in all). Either way the rule is broken once the part that
    is neither industry nor education/medical exceeds 40 % of the base.
    """
    numbers = {"received_fen": received_fen, "education_fen": education_fen, "medical_fen": medical_fen, "other_fen": other_fen}
    base = received_fen - education_fen - medical_fen
    if base < 0:
        return outcome(
            "R1",
            Breach(
                "R1",
                "教育、医疗分配超过了县级专项资金总额",
                f"education and medical allocations ({education_fen + medical_fen} fen) exceed the special fund received ({received_fen} fen)",
                "amount_fen",
                numbers,
            ),
        )
    max_other = base - portion_at_least(base, t.r1_industry_share_bp)
    if other_fen <= max_other:
        return outcome("R1")
    return outcome(
        "R1",
        Breach(
            "R1",
            f"扣除教育、医疗后的专项资金至少60%须用于产业扶贫：其他用途最多 {max_other} 分，现为 {other_fen} 分",
            "at least 60% of the special fund less education and medical must go to industry: "
            f"other purposes may take at most {max_other} fen of {base} fen, would take {other_fen} fen",
            "purpose",
            numbers | {"base_fen": base, "max_other_fen": max_other, "required_industry_bp": t.r1_industry_share_bp},
        ),
    )


def r9_three_rights(
    *, agreement_poor_share_bp: int | None = None, has_agreement: bool | None = None, distribution: PoorShare | None = None, t: Thresholds = DEFAULTS
) -> Outcome:
    """R9 (§4.1): a three-rights project has an investment cooperation agreement giving poor households ≥ 50 % of
    distributed profit, and each distribution of its profit gives them at least that."""
    agreement = None
    if has_agreement is False:
        agreement = Breach("R9", "三权分置项目须签订投资合作协议", "a three-rights project needs a signed investment cooperation agreement", "project_id")
    elif agreement_poor_share_bp is not None and agreement_poor_share_bp < t.poor_share_bp:
        agreement = Breach(
            "R9",
            f"投资合作协议中贫困户分红比例须不低于50%，现为 {agreement_poor_share_bp / 100:g}%",
            f"the agreement must give poor households at least 50% of distributed profit, gives {agreement_poor_share_bp} bp",
            "agreement.poor_share_bp",
            {"poor_share_bp": agreement_poor_share_bp, "minimum_bp": t.poor_share_bp},
        )
    return outcome("R9", agreement, poor_share("R9", distribution, t.poor_share_bp))


def r10_assets(
    *,
    fund_kind: str | None = None,
    handover_mode: str | None = None,
    handed_over: bool | None = None,
    payment: YearlyCap | None = None,
    fee: YearlyCap | None = None,
    distribution: PoorShare | None = None,
    t: Thresholds = DEFAULTS,
) -> Outcome:
    """R10 (§4.2): an asset is built with special or assistance funds (``fund_kind``), handed to an entity by
    contracting, lease or trusteeship (``handover_mode``; ``handed_over=False``: not handed over), paid out against
    accounts — requests never beyond the allocation (``payment``: allocated, requested, asked) — its income for a
    year never beyond the agreed fee (``fee``), and ≥ 50 % of its income to poor households (``distribution``)."""
    built = None
    if fund_kind is not None and fund_kind not in ASSET_FUND_KINDS:
        built = Breach(
            "R10",
            "扶贫资产须由专项资金或帮扶资金建成",
            f"an asset is built with special or assistance funds, not {fund_kind}",
            "allocation_id",
            {"fund_kind": fund_kind},
        )
    handover = None
    if handed_over is False or (handover_mode is not None and handover_mode not in HANDOVER_MODES):
        handover = Breach(
            "R10",
            "扶贫资产须以承包、租赁或托管方式交由经营主体经营",
            f"the asset is not handed over by contracting, lease or trusteeship ({handover_mode})",
            "mode",
        )
    accounts = None
    if payment is not None and payment.already_paid_fen + payment.requested_fen > payment.agreed_fen:
        accounts = Breach(
            "R10",
            f"报账金额超出分配额：分配 {payment.agreed_fen} 分，已申请 {payment.already_paid_fen} 分，本次 {payment.requested_fen} 分",
            f"payments would exceed the allocation: {payment.agreed_fen} fen allocated, "
            f"{payment.already_paid_fen} fen already requested, {payment.requested_fen} fen asked",
            "amount_fen",
            {"allocated_fen": payment.agreed_fen, "requested_fen": payment.already_paid_fen, "amount_fen": payment.requested_fen},
        )
    mode = handover_mode or ""
    income = over_agreed(
        "R10", "资产收益超过承包或租赁约定的年费", f"asset income would exceed the annual fee of its {mode}", fee, field="total_fen", handover_mode=mode
    )
    return outcome("R10", built, handover, accounts, income, poor_share("R10", distribution, t.poor_share_bp))


def r11_microcredit(
    *,
    use: str | None = None,
    entity_id: str | None = None,
    responsibility_stated: bool | None = None,
    guaranteed_return_fen_per_year: int | None = None,
    returns: YearlyCap | None = None,
) -> Outcome:
    """R11 (§4.3): a loan entrusted to an entity (代种代管代养) names it and states its responsibility for lifting the
    household out of poverty with a guaranteed return (``responsibility_stated`` None: the text is not known, only the
    return is judged); a year's returns never exceed the return guaranteed (``returns``)."""
    terms = None
    if use == "entrusted":
        if not entity_id:
            terms = Breach("R11", "委托经营的小额信贷须指明经营主体", "an entrusted loan names the entity", "entity_id")
        elif responsibility_stated is False or not guaranteed_return_fen_per_year or guaranteed_return_fen_per_year <= 0:
            terms = Breach(
                "R11",
                "委托经营的小额信贷须明确经营主体的带贫责任（保底收益）",
                "an entrusted loan must state the entity's responsibility for lifting the household out of poverty and its guaranteed return",
                "poverty_responsibility" if responsibility_stated is False else "guaranteed_return_fen_per_year",
                {"guaranteed_return_fen_per_year": guaranteed_return_fen_per_year or 0},
            )
    paid = over_agreed("R11", "委托经营收益超过约定的年保底收益", "loan returns would exceed the guaranteed return a year", returns)
    return outcome("R11", terms, paid)


def r14_lease_back(
    *,
    prevention_stated: bool | None = None,
    handling_stated: bool | None = None,
    term: Term | None = None,
    period: Term | None = None,
    income: YearlyCap | None = None,
) -> Outcome:
    """R14 (§5.3): a reverse-lease-back agreement covers the prevention and the handling of major disaster risks;
    its income is paid for a period inside its term (``term``, ``period``) and, where it states a yearly income,
    never beyond it (``income``)."""
    missing = [name for name, stated in (("prevention", prevention_stated), ("handling", handling_stated)) if stated is False]
    terms = None
    if missing:
        terms = Breach(
            "R14",
            "反租倒包协议须载明重大灾害风险的防范和处置",
            f"a lease-back agreement must cover the prevention and handling of major disaster risks; missing: {', '.join(missing)}",
            f"disaster_terms.{missing[0]}",
            {"missing": missing},
        )
    outside = outside_term("R14", "反租倒包收益的期间不在协议期限内", "the lease-back income period is outside the agreement's term", term, period)
    over = over_agreed("R14", "反租倒包收益超过协议约定的年收益", "lease-back income would exceed the yearly income the agreement states", income)
    return outcome("R14", terms, outside, over)


def r15_policy_income(*, household_bp: int | None, total_fen: int | None = None, household_fen: int | None = None) -> Outcome:
    """R15 (§5.4): policy income on land transferred or put in as shares is shared by a stated ratio
    (``household_bp``); a payment of it gives the household at least its part (rounded up to the fen)."""
    if household_bp is None:
        return outcome(
            "R15",
            Breach(
                "R15",
                "流转或入股土地须约定政策性收益的分享比例",
                "land transferred or put in as shares must state how its policy income is shared (policy_income_household_bp)",
                "policy_income_household_bp",
            ),
        )
    short = None
    if total_fen is not None and household_fen is not None and household_fen < portion_at_least(total_fen, household_bp):
        short = Breach(
            "R15",
            f"农户所得政策性收益少于约定比例：至少 {portion_at_least(total_fen, household_bp)} 分，实得 {household_fen} 分",
            f"the household got {household_fen} fen of {total_fen} fen policy income, less than its {household_bp} bp",
            "amount_fen",
            {"total_fen": total_fen, "household_fen": household_fen, "household_bp": household_bp},
        )
    return outcome("R15", short)


def r16_land_rent(*, rent: YearlyCap | None = None, term: Term | None = None, period: Term | None = None) -> Outcome:
    """R16 (§5.5): land rent is paid for a period inside the transfer's term and, for a year, never beyond the
    annual rent agreed. (Moving the asset's rights to the village collective is asked "where possible": no breach.)"""
    outside = outside_term("R16", "租金期间不在流转期限内", "the rent period is outside the transfer's term", term, period)
    over = over_agreed("R16", "土地租金超过约定的年租金", "land rent would exceed the agreed annual rent", rent)
    return outcome("R16", outside, over)


def r17_dividends(*, share_units: Mapping[str, int] | None = None, distribution: PoorShare | None = None, t: Thresholds = DEFAULTS) -> Outcome:
    """R17 (§5.6): a dividend reaches households only through explicit quantified shares, and poor households get ≥ 50 %."""
    link = None
    if share_units is not None and (not share_units or sum(share_units.values()) <= 0):
        link = Breach(
            "R17",
            "没有贫困户持有量化股份，无法分红",
            "no poor household holds quantified shares here: the household's link and share must be explicit before a dividend",
            "project_id",
            {"households_with_shares": 0},
        )
    return outcome("R17", link, poor_share("R17", distribution, t.poor_share_bp))
