"""Facts the funds service publishes (topic ``<prefix>funds``).

Money is integer fen, ratios integer basis points (5000 = 50 %), areas integer tenths of a mu.
Every fact that pays a household carries ``income: IncomeLine`` with its full lineage; its
subject is the payment line id, so an income event can be traced back to the line it paid.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from shared.events.contracts import EventData, contract
from shared.events.income import IncomeLine

EntityKind = Literal["joint_stock_company", "cooperative", "leading_enterprise", "family_farm", "government_platform_company"]
FundKind = Literal["provincial_special", "dongguan_guidance", "shaoguan_guidance", "other_assistance", "microcredit"]
Purpose = Literal["industry", "education", "medical", "other"]
RecipientKind = Literal["household", "operating_entity", "village_collective", "government_platform_company"]
LedBy = Literal["village_cadre", "party_member", "none"]
Contribution = Literal["land", "means_of_production", "funds"]
HandoverMode = Literal["contracting", "lease", "trusteeship"]
LoanUse = Literal["household_use", "entrusted"]

_H = "0192f0a4-7c3e-7000-8000-1a2b3c4d5e6f"
_E = "0192f0a4-7c3e-7000-8000-000000000001"
_F = "0192f0a4-7c3e-7000-8000-0000000000f1"
_A = "0192f0a4-7c3e-7000-8000-0000000000a1"
_P = "0192f0a4-7c3e-7000-8000-0000000000b1"
_G = "0192f0a4-7c3e-7000-8000-0000000000c1"
_D = "0192f0a4-7c3e-7000-8000-0000000000d1"
_S = "0192f0a4-7c3e-7000-8000-0000000000e1"
_V = "440232100201"


@contract("funds", "entity_registered", 1, subject="entity_id")
class EntityRegistered(EventData):
    """An operating entity (经营主体) is known to the platform; households and market learn of it here."""

    entity_id: str
    name: str
    kind: EntityKind
    credit_code: str = Field(min_length=18, max_length=18)
    county_code: str | None = None
    village_codes: list[str] = Field(default_factory=list)
    example = {
        "entity_id": "0192f0a4-7c3e-7000-8000-000000000001",
        "name": "乳源瑶族自治县必背茶叶专业合作社",
        "kind": "cooperative",
        "credit_code": "93440232MA4W1234X5",
        "county_code": "440232",
        "village_codes": ["440232100201"],
    }


@contract("funds", "entity_updated", 1, subject="entity_id")
class EntityUpdated(EventData):
    entity_id: str
    name: str
    kind: EntityKind
    village_codes: list[str] = Field(default_factory=list)
    example = {"entity_id": _E, "name": "乳源瑶族自治县必背茶叶专业合作社", "kind": "cooperative", "village_codes": [_V, "440232100202"]}


# ---- fund sources and allocations (R1, R2) -------------------------------------------------


@contract("funds", "fund_received", 1, subject="fund_id")
class FundReceived(EventData):
    """A fund source reached a county (the provincial special fund: 20,000 yuan per poor person)."""

    fund_id: str
    kind: FundKind
    name: str
    county_code: str = Field(min_length=6, max_length=6)
    village_code: str | None = None
    amount_fen: int = Field(gt=0)
    poor_person_count: int | None = None
    received_on: date
    example = {
        "fund_id": _F,
        "kind": "provincial_special",
        "name": "2026年省级扶贫专项资金（乳源）",
        "county_code": "440232",
        "village_code": None,
        "amount_fen": 200_000_000,
        "poor_person_count": 100,
        "received_on": "2026-02-01",
    }


@contract("funds", "allocation_recorded", 1, subject="allocation_id")
class AllocationRecorded(EventData):
    """Part of a fund allocated to a county or village for a purpose and a recipient (R1, R2, R13)."""

    allocation_id: str
    fund_id: str
    fund_kind: FundKind
    county_code: str = Field(min_length=6, max_length=6)
    village_code: str | None = None
    purpose: Purpose
    recipient_kind: RecipientKind
    recipient_id: str
    entity_id: str | None = Field(None, description="the operating entity supported, when the recipient is one (R13)")
    amount_fen: int = Field(gt=0)
    allocated_on: date
    example = {
        "allocation_id": _A,
        "fund_id": _F,
        "fund_kind": "provincial_special",
        "county_code": "440232",
        "village_code": _V,
        "purpose": "industry",
        "recipient_kind": "operating_entity",
        "recipient_id": _E,
        "entity_id": _E,
        "amount_fen": 50_000_000,
        "allocated_on": "2026-03-01",
    }


# ---- three-rights projects (R4, R9, R22) ----------------------------------------------------


@contract("funds", "project_registered", 1, subject="project_id")
class ProjectRegistered(EventData):
    """A three-rights project: ownership with the village collective, use right with the entity (R9)."""

    project_id: str
    name: str
    village_code: str = Field(min_length=12, max_length=12)
    industry: str
    area_tenth_mu: int = Field(ge=0, description="area in tenths of a mu (505 = 50.5 mu)")
    contiguous: bool
    entity_id: str
    led_by: LedBy
    leader_member_id: str | None = None
    funded_by: list[str] = Field(default_factory=list, description="allocation ids")
    funding_fen: int = Field(0, ge=0)
    guidance_fund: bool = False
    example = {
        "project_id": _P,
        "name": "必背村茶叶基地",
        "village_code": _V,
        "industry": "tea",
        "area_tenth_mu": 805,
        "contiguous": True,
        "entity_id": _E,
        "led_by": "party_member",
        "leader_member_id": None,
        "funded_by": [_A],
        "funding_fen": 50_000_000,
        "guidance_fund": False,
    }


@contract("funds", "agreement_signed", 1, subject="agreement_id")
class AgreementSigned(EventData):
    """The collective and the entity signed the investment cooperation agreement (R9: poor share ≥ 50 %)."""

    agreement_id: str
    project_id: str
    village_code: str = Field(min_length=12, max_length=12)
    entity_id: str
    signed_on: date
    term_start: date
    term_end: date
    poor_share_bp: int = Field(ge=5000, le=10000)
    example = {
        "agreement_id": _G,
        "project_id": _P,
        "village_code": _V,
        "entity_id": _E,
        "signed_on": "2026-03-10",
        "term_start": "2026-04-01",
        "term_end": "2031-03-31",
        "poor_share_bp": 6000,
    }


@contract("funds", "shares_quantified", 1, subject="share_id")
class SharesQuantified(EventData):
    """A household holds quantified shares in a project or an asset (R6, R10, R17); one fact per household."""

    share_id: str
    project_id: str | None = None
    asset_id: str | None = None
    entity_id: str | None = None
    village_code: str = Field(min_length=12, max_length=12)
    household_id: str
    units: int = Field(gt=0)
    contribution: Contribution
    example = {
        "share_id": _S,
        "project_id": _P,
        "asset_id": None,
        "entity_id": _E,
        "village_code": _V,
        "household_id": _H,
        "units": 10,
        "contribution": "funds",
    }


# ---- assets (R10, R16) ----------------------------------------------------------------------


@contract("funds", "asset_registered", 1, subject="asset_id")
class AssetRegistered(EventData):
    """An asset built with special or assistance funds, owned and managed by the village collective (R10)."""

    asset_id: str
    name: str
    village_code: str = Field(min_length=12, max_length=12)
    value_fen: int = Field(gt=0)
    fund_id: str
    fund_kind: FundKind
    allocation_id: str
    built_on: date
    example = {
        "asset_id": "0192f0a4-7c3e-7000-8000-0000000000a9",
        "name": "必背村光伏电站",
        "village_code": _V,
        "value_fen": 30_000_000,
        "fund_id": _F,
        "fund_kind": "provincial_special",
        "allocation_id": _A,
        "built_on": "2026-05-20",
    }


@contract("funds", "asset_handed_over", 1, subject="asset_id")
class AssetHandedOver(EventData):
    """The collective handed the asset to an entity by contracting, lease or trusteeship (R10)."""

    handover_id: str
    asset_id: str
    village_code: str = Field(min_length=12, max_length=12)
    mode: HandoverMode
    entity_id: str
    annual_fee_fen: int = Field(ge=0)
    start_on: date
    end_on: date
    example = {
        "handover_id": "0192f0a4-7c3e-7000-8000-0000000000aa",
        "asset_id": "0192f0a4-7c3e-7000-8000-0000000000a9",
        "village_code": _V,
        "mode": "lease",
        "entity_id": _E,
        "annual_fee_fen": 2_400_000,
        "start_on": "2026-06-01",
        "end_on": "2029-05-31",
    }


@contract("funds", "asset_rights_transferred_to_collective", 1, subject="asset_id")
class AssetRightsTransferredToCollective(EventData):
    """Property or management rights of a fund-built asset moved to the village collective (R16)."""

    asset_id: str
    village_code: str = Field(min_length=12, max_length=12)
    rights: Literal["property", "management"]
    transferred_on: date
    example = {"asset_id": "0192f0a4-7c3e-7000-8000-0000000000a9", "village_code": _V, "rights": "property", "transferred_on": "2026-07-01"}


# ---- distributions (R3, R9, R10, R17) -------------------------------------------------------


@contract("funds", "distribution_proposed", 1, subject="distribution_id")
class DistributionProposed(EventData):
    distribution_id: str
    project_id: str | None = None
    asset_id: str | None = None
    entity_id: str | None = None
    village_code: str = Field(min_length=12, max_length=12)
    period: str
    total_fen: int = Field(gt=0)
    poor_households_fen: int = Field(ge=0)
    poor_share_bp: int = Field(ge=0, le=10000, description="the floor applied: max(agreed share, 50 %, 60 % for guidance funds)")
    guidance_fund: bool = False
    example = {
        "distribution_id": _D,
        "project_id": _P,
        "asset_id": None,
        "entity_id": _E,
        "village_code": _V,
        "period": "2026",
        "total_fen": 1_000_000,
        "poor_households_fen": 600_000,
        "poor_share_bp": 6000,
        "guidance_fund": False,
    }


@contract("funds", "distribution_approved", 1, subject="distribution_id")
class DistributionApproved(EventData):
    """A distribution was approved by a second person; one income fact per household follows."""

    distribution_id: str
    project_id: str | None = None
    asset_id: str | None = None
    agreement_id: str | None = None
    entity_id: str | None = None
    village_code: str = Field(min_length=12, max_length=12)
    period: str
    total_fen: int = Field(gt=0)
    poor_households_fen: int = Field(ge=0)
    poor_share_bp: int = Field(ge=0, le=10000)
    guidance_fund: bool = False
    household_count: int = Field(ge=0)
    benefit_type: Literal["equity_dividend", "asset_income"]
    example = {
        "distribution_id": _D,
        "project_id": _P,
        "asset_id": None,
        "agreement_id": _G,
        "entity_id": _E,
        "village_code": _V,
        "period": "2026",
        "total_fen": 1_000_000,
        "poor_households_fen": 600_000,
        "poor_share_bp": 6000,
        "guidance_fund": False,
        "household_count": 3,
        "benefit_type": "equity_dividend",
    }


@contract("funds", "distribution_paid_to_household", 1, subject="line_id")
class DistributionPaidToHousehold(EventData):
    """One household's part of an approved distribution, by its quantified shares (exact to the fen)."""

    line_id: str
    distribution_id: str
    household_id: str
    units: int = Field(gt=0)
    income: IncomeLine
    example = {
        "line_id": "0192f0a4-7c3e-7000-8000-0000000000d2",
        "distribution_id": _D,
        "household_id": _H,
        "units": 10,
        "income": {
            "household_id": _H,
            "village_code": _V,
            "benefit_type": "equity_dividend",
            "amount_fen": 200_000,
            "occurred_on": "2026-12-31",
            "lineage": {"fund_id": _F, "allocation_id": _A, "project_id": _P, "agreement_id": _G, "distribution_id": _D, "entity_id": _E},
        },
    }


# ---- land transfer (R15, R16), lease-back (R14), policy income (R15) -------------------------


@contract("funds", "land_transferred", 1, subject="land_transfer_id")
class LandTransferred(EventData):
    land_transfer_id: str
    household_id: str
    village_code: str = Field(min_length=12, max_length=12)
    entity_id: str
    plot: str
    area_tenth_mu: int = Field(gt=0)
    as_shares: bool = False
    start_on: date
    end_on: date
    annual_rent_fen: int = Field(ge=0)
    policy_income_household_bp: int = Field(ge=0, le=10000)
    example = {
        "land_transfer_id": "0192f0a4-7c3e-7000-8000-0000000000e5",
        "household_id": _H,
        "village_code": _V,
        "entity_id": _E,
        "plot": "必背村三组 12-3 号地块",
        "area_tenth_mu": 35,
        "as_shares": False,
        "start_on": "2026-03-01",
        "end_on": "2036-02-28",
        "annual_rent_fen": 210_000,
        "policy_income_household_bp": 7000,
    }


@contract("funds", "land_rent_paid", 1, subject="line_id")
class LandRentPaid(EventData):
    """Rent for transferred land paid to the household (``asset_income``, R16)."""

    line_id: str
    land_transfer_id: str
    period: str
    income: IncomeLine
    example = {
        "line_id": "0192f0a4-7c3e-7000-8000-0000000000e6",
        "land_transfer_id": "0192f0a4-7c3e-7000-8000-0000000000e5",
        "period": "2026",
        "income": {
            "household_id": _H,
            "village_code": _V,
            "benefit_type": "asset_income",
            "amount_fen": 210000,
            "occurred_on": "2026-12-20",
            "lineage": {"land_transfer_id": "0192f0a4-7c3e-7000-8000-0000000000e5", "entity_id": _E},
        },
    }


@contract("funds", "lease_back_agreed", 1, subject="lease_back_id")
class LeaseBackAgreed(EventData):
    """Reverse-lease-back (R14): an entity subcontracts a base back to a poor household; disaster terms present."""

    lease_back_id: str
    entity_id: str
    household_id: str
    village_code: str = Field(min_length=12, max_length=12)
    base_name: str
    area_tenth_mu: int = Field(gt=0)
    start_on: date
    end_on: date
    has_disaster_terms: bool = True
    example = {
        "lease_back_id": "0192f0a4-7c3e-7000-8000-0000000000e7",
        "entity_id": _E,
        "household_id": _H,
        "village_code": _V,
        "base_name": "必背村蔬菜基地 3 号棚",
        "area_tenth_mu": 20,
        "start_on": "2026-03-01",
        "end_on": "2028-02-29",
        "has_disaster_terms": True,
    }


@contract("funds", "lease_back_income_paid", 1, subject="line_id")
class LeaseBackIncomePaid(EventData):
    line_id: str
    lease_back_id: str
    period: str
    income: IncomeLine
    example = {
        "line_id": "0192f0a4-7c3e-7000-8000-0000000000e8",
        "lease_back_id": "0192f0a4-7c3e-7000-8000-0000000000e7",
        "period": "2026-Q3",
        "income": {
            "household_id": _H,
            "village_code": _V,
            "benefit_type": "lease_back",
            "amount_fen": 88000,
            "occurred_on": "2026-09-30",
            "lineage": {"lease_back_id": "0192f0a4-7c3e-7000-8000-0000000000e7", "entity_id": _E},
        },
    }


@contract("funds", "subsidy_paid", 1, subject="line_id")
class SubsidyPaid(EventData):
    """Policy income (R15): all of a subsidy, or the household's agreed part of policy income on transferred land."""

    line_id: str
    subsidy_id: str
    name: str
    total_fen: int = Field(gt=0)
    entity_fen: int = Field(ge=0)
    land_transfer_id: str | None = None
    income: IncomeLine
    example = {
        "line_id": "0192f0a4-7c3e-7000-8000-0000000000ea",
        "subsidy_id": "0192f0a4-7c3e-7000-8000-0000000000eb",
        "name": "耕地地力保护补贴",
        "total_fen": 10_001,
        "entity_fen": 3_000,
        "land_transfer_id": "0192f0a4-7c3e-7000-8000-0000000000e5",
        "income": {
            "household_id": _H,
            "village_code": _V,
            "benefit_type": "policy_support",
            "amount_fen": 7001,
            "occurred_on": "2026-06-30",
            "lineage": {"subsidy_id": "0192f0a4-7c3e-7000-8000-0000000000eb", "land_transfer_id": "0192f0a4-7c3e-7000-8000-0000000000e5", "entity_id": _E},
        },
    }


# ---- microcredit (R11) ------------------------------------------------------------------------


@contract("funds", "loan_granted", 1, subject="loan_id")
class LoanGranted(EventData):
    loan_id: str
    household_id: str
    village_code: str = Field(min_length=12, max_length=12)
    bank: str
    principal_fen: int = Field(gt=0)
    term_months: int = Field(gt=0)
    annual_rate_bp: int = Field(ge=0)
    interest_subsidy_bp: int = Field(ge=0)
    granted_on: date
    use: LoanUse
    entity_id: str | None = None
    guaranteed_return_fen_per_year: int | None = None
    example = {
        "loan_id": "0192f0a4-7c3e-7000-8000-0000000000c9",
        "household_id": _H,
        "village_code": _V,
        "bank": "广东省农村信用社",
        "principal_fen": 5_000_000,
        "term_months": 36,
        "annual_rate_bp": 435,
        "interest_subsidy_bp": 435,
        "granted_on": "2026-03-01",
        "use": "entrusted",
        "entity_id": _E,
        "guaranteed_return_fen_per_year": 400_000,
    }


@contract("funds", "loan_repaid", 1, subject="loan_id")
class LoanRepaid(EventData):
    loan_id: str
    household_id: str
    amount_fen: int = Field(gt=0)
    paid_on: date
    outstanding_fen: int = Field(ge=0)
    example = {
        "loan_id": "0192f0a4-7c3e-7000-8000-0000000000c9",
        "household_id": _H,
        "amount_fen": 1_000_000,
        "paid_on": "2027-03-01",
        "outstanding_fen": 4_000_000,
    }


@contract("funds", "loan_marked_overdue", 1, subject="loan_id")
class LoanMarkedOverdue(EventData):
    loan_id: str
    household_id: str
    overdue_since: date
    outstanding_fen: int = Field(ge=0)
    example = {"loan_id": "0192f0a4-7c3e-7000-8000-0000000000c9", "household_id": _H, "overdue_since": "2029-03-02", "outstanding_fen": 4_000_000}


@contract("funds", "loan_return_paid", 1, subject="line_id")
class LoanReturnPaid(EventData):
    """The entity entrusted with a microcredit loan paid the household its return (``equity_dividend``)."""

    line_id: str
    loan_id: str
    entity_id: str
    income: IncomeLine
    example = {
        "line_id": "0192f0a4-7c3e-7000-8000-0000000000ca",
        "loan_id": "0192f0a4-7c3e-7000-8000-0000000000c9",
        "entity_id": _E,
        "income": {
            "household_id": _H,
            "village_code": _V,
            "benefit_type": "equity_dividend",
            "amount_fen": 400000,
            "occurred_on": "2026-12-31",
            "lineage": {"loan_id": "0192f0a4-7c3e-7000-8000-0000000000c9", "entity_id": _E},
        },
    }


# ---- disbursement against accounts, 拨款报账 (R10) ---------------------------------------------


@contract("funds", "payment_requested", 1, subject="request_id")
class PaymentRequested(EventData):
    request_id: str
    allocation_id: str
    fund_id: str
    amount_fen: int = Field(gt=0)
    voucher_count: int = Field(ge=1)
    requested_on: date
    example = {
        "request_id": "0192f0a4-7c3e-7000-8000-0000000000b9",
        "allocation_id": _A,
        "fund_id": _F,
        "amount_fen": 1_200_000,
        "voucher_count": 2,
        "requested_on": "2026-04-02",
    }


@contract("funds", "payment_approved", 1, subject="request_id")
class PaymentApproved(EventData):
    request_id: str
    allocation_id: str
    amount_fen: int = Field(gt=0)
    approved_by: str
    example = {"request_id": "0192f0a4-7c3e-7000-8000-0000000000b9", "allocation_id": _A, "amount_fen": 1_200_000, "approved_by": "officer-440232-02"}


@contract("funds", "payment_made", 1, subject="request_id")
class PaymentMade(EventData):
    request_id: str
    allocation_id: str
    fund_id: str
    amount_fen: int = Field(gt=0)
    paid_on: date
    disbursed_fen: int = Field(ge=0, description="all paid against the allocation so far")
    example = {
        "request_id": "0192f0a4-7c3e-7000-8000-0000000000b9",
        "allocation_id": _A,
        "fund_id": _F,
        "amount_fen": 1_200_000,
        "paid_on": "2026-04-10",
        "disbursed_fen": 1_200_000,
    }


# ---- corrections: withdrawals and reversals (never edits) -------------------------------------


@contract("funds", "distribution_withdrawn", 1, subject="distribution_id")
class DistributionWithdrawn(EventData):
    """A proposed distribution was withdrawn before approval; it stays visible, nothing was paid, its period is free again."""

    distribution_id: str
    project_id: str | None = None
    asset_id: str | None = None
    village_code: str = Field(min_length=12, max_length=12)
    period: str
    withdrawn_by: str
    reason: str | None = None
    example = {
        "distribution_id": _D,
        "project_id": _P,
        "asset_id": None,
        "village_code": _V,
        "period": "2026",
        "withdrawn_by": "cadre-440232100201-01",
        "reason": "利润数字填错，撤回重报",
    }


@contract("funds", "reversal_proposed", 1, subject="reversal_id")
class ReversalProposed(EventData):
    """Someone proposed to reverse an approved distribution or income line, with a reason; another person approves."""

    reversal_id: str
    target_kind: Literal["distribution", "income_line"]
    target_id: str
    village_code: str = Field(min_length=12, max_length=12)
    reason: str
    example = {
        "reversal_id": "0192f0a4-7c3e-7000-8000-0000000000f9",
        "target_kind": "distribution",
        "target_id": _D,
        "village_code": _V,
        "reason": "分红重复发放，冲正",
    }


@contract("funds", "distribution_reversed", 1, subject="distribution_id")
class DistributionReversed(EventData):
    """An approved distribution was reversed by an approved reversal: one ``income_reversed`` per household line follows.

    The ledger no longer counts the distribution in R3/R9/R10/R17; the original facts stay in the log.
    """

    distribution_id: str
    reversal_id: str
    project_id: str | None = None
    asset_id: str | None = None
    village_code: str = Field(min_length=12, max_length=12)
    period: str
    total_fen: int = Field(gt=0)
    poor_households_fen: int = Field(ge=0)
    reason: str
    proposed_by: str
    approved_by: str
    example = {
        "distribution_id": _D,
        "reversal_id": "0192f0a4-7c3e-7000-8000-0000000000f9",
        "project_id": _P,
        "asset_id": None,
        "village_code": _V,
        "period": "2026",
        "total_fen": 1_000_000,
        "poor_households_fen": 600_000,
        "reason": "分红重复发放，冲正",
        "proposed_by": "cadre-440232100201-01",
        "approved_by": "officer-440232-02",
    }


@contract("funds", "income_reversed", 1, subject="line_id")
class IncomeReversed(EventData):
    """A reversing income line: the negative of an earlier line (``income.reverses_event_id`` names its fact), same day, same lineage."""

    line_id: str
    reverses_line_id: str
    reversal_id: str
    distribution_id: str | None = None
    reason: str
    income: IncomeLine
    example = {
        "line_id": "0192f0a4-7c3e-7000-8000-0000000000fa",
        "reverses_line_id": "0192f0a4-7c3e-7000-8000-0000000000d2",
        "reversal_id": "0192f0a4-7c3e-7000-8000-0000000000f9",
        "distribution_id": _D,
        "reason": "分红重复发放，冲正",
        "income": {
            "household_id": _H,
            "village_code": _V,
            "benefit_type": "equity_dividend",
            "amount_fen": -200_000,
            "occurred_on": "2026-12-31",
            "lineage": {"fund_id": _F, "allocation_id": _A, "project_id": _P, "agreement_id": _G, "distribution_id": _D, "entity_id": _E},
            "reverses_event_id": "0192f0a4-7c3e-7000-8000-0000000000d3",
        },
    }


# ---- v2: distributions cover date ranges; a lease-back may state its yearly income ------------


@contract("funds", "distribution_proposed", 2, subject="distribution_id")
class DistributionProposedV2(DistributionProposed):
    """v1 and the date range the period covers (inclusive); two standing distributions of one source never overlap."""

    period_start: date
    period_end: date
    example = {**(DistributionProposed.example or {}), "period_start": "2026-01-01", "period_end": "2026-12-31"}


@contract("funds", "distribution_approved", 2, subject="distribution_id")
class DistributionApprovedV2(DistributionApproved):
    """v1 and the date range the period covers (inclusive)."""

    period_start: date
    period_end: date
    example = {**(DistributionApproved.example or {}), "period_start": "2026-01-01", "period_end": "2026-12-31"}


@contract("funds", "lease_back_agreed", 2, subject="lease_back_id")
class LeaseBackAgreedV2(LeaseBackAgreed):
    """v1 and the most the household is paid from the base in a year, when the agreement states one (R14)."""

    agreed_income_fen_per_year: int | None = Field(None, gt=0)
    example = {**(LeaseBackAgreed.example or {}), "agreed_income_fen_per_year": 100_000}
