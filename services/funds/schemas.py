"""What the funds API takes and returns. Money in integer fen, ratios in basis points, areas in tenths of a mu.

The request (``*In``, SQLModel's "create" model) and answer (``*Out``, its "public" model) of a table are built on
the table's ``*Base`` in ``models.py``: a field shared with the table is declared there once, with its bound.
The names stay ``*In``/``*Out`` so the OpenAPI schema names (and the generated clients) do not change.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import ConfigDict, Field, field_validator, model_validator
from sqlmodel import SQLModel

from services.funds.domain import (
    PERIOD_LABEL_PATTERN,
    credit_code_problem,
    period_range,
)
from services.funds.models import (
    MAX_VILLAGES,
    AgreementBase,
    AllocationBase,
    AssetBase,
    Code,
    DistributionBase,
    EntityBase,
    FundBase,
    Id,
    LandTransferBase,
    LeaseBackBase,
    LoanBase,
    ProjectBase,
    ShareBase,
    SubsidyBase,
)
from shared.bounds import (
    DATE_MAX,
    DATE_MIN,
    BasisPoints,
    FundFen,
    Name,
    Note,
    PaymentFen,
    PaymentFenOrZero,
    PolicyDate,
    StrictInput,
    Year,
    text,
)
from shared.events.funds import HandoverMode
from shared.regions import division_code_problem

_V = "440232100201"
_ID = "0192f0a4-7c3e-7000-8000-0000000000a1"


def _config(**config: Any) -> Any:
    """A model config (``Any``: SQLModel types its config as its own ``SQLModelConfig``)."""
    return ConfigDict(**config)


def _examples(*items: dict[str, Any]) -> Any:
    return _config(json_schema_extra={"examples": list(items)})


class Public(SQLModel):
    """Base of the answers: every field is always in the answer, so the schema lists each as required."""

    model_config = _config(json_schema_serialization_defaults_required=True)


def _village(value: str | None) -> str | None:
    if value is not None:
        problem = division_code_problem(value)
        if problem:
            raise ValueError(f"invalid village code: {problem}")
    return value


def _county(value: str) -> str:
    problem = division_code_problem(value, 6)
    if problem:
        raise ValueError(f"invalid county code: {problem}")
    return value


# ---- funds and allocations -------------------------------------------------------------------


class FundIn(FundBase, StrictInput):
    model_config = _examples(
        {"kind": "provincial_special", "name": "2026年省级扶贫专项资金", "county_code": "440232", "amount_fen": 200_000_000, "poor_person_count": 100, "received_on": "2026-02-01"}
    )

    v_county = field_validator("county_code")(classmethod(lambda cls, v: _county(v)))
    v_village = field_validator("village_code")(classmethod(lambda cls, v: _village(v)))

    @model_validator(mode="after")
    def _village_in_county(self) -> FundIn:
        if self.village_code and not self.village_code.startswith(self.county_code):
            raise ValueError("village_code is not inside county_code")
        return self


class FundOut(FundBase, Public):
    model_config = _examples(
        {"id": _ID, "kind": "provincial_special", "name": "2026年省级扶贫专项资金", "county_code": "440232", "village_code": None,
         "amount_fen": 200_000_000, "poor_person_count": 100, "received_on": "2026-02-01", "allocated_fen": 50_000_000}
    )

    id: str
    allocated_fen: int = Field(description="what allocations have taken from the fund")


class AllocationIn(AllocationBase, StrictInput):
    model_config = _examples(
        {"fund_id": _ID, "village_code": _V, "purpose": "industry", "recipient_kind": "operating_entity", "recipient_id": _ID, "amount_fen": 50_000_000, "allocated_on": "2026-03-01"}
    )

    recipient_id: Id | None = Field(None, description="entity id (operating entity / platform company), household id, or omitted for the village collective")

    v_village = field_validator("village_code")(classmethod(lambda cls, v: _village(v)))


class AllocationOut(AllocationBase, Public):
    model_config = _examples(
        {"id": _ID, "fund_id": _ID, "fund_kind": "provincial_special", "county_code": "440232", "village_code": _V, "purpose": "industry",
         "recipient_kind": "operating_entity", "recipient_id": _ID, "entity_id": _ID, "amount_fen": 50_000_000, "committed_fen": 0,
         "requested_fen": 0, "paid_fen": 0, "allocated_on": "2026-03-01"}
    )

    id: str
    fund_kind: str
    county_code: str
    recipient_id: str
    entity_id: str | None
    committed_fen: int
    requested_fen: int
    paid_fen: int


class SpecialFundReport(Public):
    """R1 per county: how the provincial special fund was allocated."""

    model_config = _examples(
        {"county_code": "440232", "received_fen": 200_000_000, "allocated_fen": 100_000_000, "industry_fen": 70_000_000, "education_fen": 10_000_000,
         "medical_fen": 10_000_000, "other_fen": 10_000_000, "industry_share_bp": 8750, "meets_r1": True}
    )

    county_code: str
    received_fen: int
    allocated_fen: int
    industry_fen: int
    education_fen: int
    medical_fen: int
    other_fen: int
    industry_share_bp: int | None = Field(description="industry / (allocated − education − medical), basis points")
    meets_r1: bool


# ---- entities ----------------------------------------------------------------------------------


class EntityIn(EntityBase, StrictInput):
    model_config = _examples({"name": "乳源必背茶叶专业合作社", "kind": "cooperative", "credit_code": "93440232MA4W1234XP", "county_code": "440232", "village_codes": [_V]})

    @field_validator("credit_code")
    @classmethod
    def _credit(cls, value: str) -> str:
        problem = credit_code_problem(value)
        if problem:
            raise ValueError(f"invalid unified social credit code: {problem}")
        return value

    v_county = field_validator("county_code")(classmethod(lambda cls, v: _county(v)))

    @field_validator("village_codes")
    @classmethod
    def _villages(cls, value: list[str]) -> list[str]:
        for v in value:
            _village(v)
        return value


class EntityUpdateIn(StrictInput):
    model_config = _examples({"name": "乳源必背茶叶专业合作社", "village_codes": [_V, "440232100202"]})

    name: Name | None = None
    village_codes: list[Code] | None = Field(None, max_length=MAX_VILLAGES, description="the villages it works in, replacing the list")

    @field_validator("village_codes")
    @classmethod
    def _villages(cls, value: list[str] | None) -> list[str] | None:
        for v in value or []:
            _village(v)
        return value


class EntityOut(EntityBase, Public):
    model_config = _examples({"id": _ID, "name": "乳源必背茶叶专业合作社", "kind": "cooperative", "credit_code": "93440232MA4W1234XP", "county_code": "440232", "village_codes": [_V]})

    id: str


# ---- three-rights projects ----------------------------------------------------------------------


class FundingIn(StrictInput):
    allocation_id: Id
    amount_fen: FundFen


class AgreementIn(AgreementBase, StrictInput):
    pass


class ProjectIn(ProjectBase, StrictInput):
    model_config = _examples(
        {"name": "必背村茶叶基地", "village_code": _V, "industry": "tea", "area_tenth_mu": 805, "contiguous": True, "entity_id": _ID,
         "led_by": "party_member", "funded_by": [{"allocation_id": _ID, "amount_fen": 50_000_000}],
         "agreement": {"signed_on": "2026-03-10", "term_start": "2026-04-01", "term_end": "2031-03-31", "poor_share_bp": 6000}}
    )

    funded_by: list[FundingIn] = Field(default_factory=list, max_length=100)
    agreement: AgreementIn

    v_village = field_validator("village_code")(classmethod(lambda cls, v: _village(v)))


class AgreementOut(AgreementBase, Public):
    id: str


class FundingOut(Public):
    allocation_id: str
    fund_id: str
    amount_fen: int


class ProjectOut(ProjectBase, Public):
    model_config = _examples(
        {"id": _ID, "name": "必背村茶叶基地", "village_code": _V, "industry": "tea", "area_tenth_mu": 805, "contiguous": True, "entity_id": _ID,
         "led_by": "party_member", "leader_member_id": None, "guidance_fund": False, "funded_by": [{"allocation_id": _ID, "fund_id": _ID, "amount_fen": 50_000_000}],
         "agreement": {"id": _ID, "signed_on": "2026-03-10", "term_start": "2026-04-01", "term_end": "2031-03-31", "poor_share_bp": 6000}}
    )

    id: str
    guidance_fund: bool
    funded_by: list[FundingOut]
    agreement: AgreementOut | None


class ShareIn(ShareBase, StrictInput):
    model_config = _examples({"household_id": _ID, "units": 10, "contribution": "funds"})


class ShareOut(ShareBase, Public):
    model_config = _examples({"id": _ID, "household_id": _ID, "village_code": _V, "units": 10, "contribution": "funds", "project_id": _ID, "asset_id": None})

    id: str
    village_code: str
    project_id: str | None
    asset_id: str | None


# ---- assets -----------------------------------------------------------------------------------------


class AssetIn(AssetBase, StrictInput):
    model_config = _examples({"name": "必背村光伏电站", "village_code": _V, "value_fen": 30_000_000, "allocation_id": _ID, "built_on": "2026-05-20"})

    v_village = field_validator("village_code")(classmethod(lambda cls, v: _village(v)))


class HandoverIn(StrictInput):
    model_config = _examples({"mode": "lease", "entity_id": _ID, "annual_fee_fen": 2_400_000, "start_on": "2026-06-01", "end_on": "2029-05-31"})

    mode: HandoverMode
    entity_id: Id
    annual_fee_fen: PaymentFenOrZero
    start_on: PolicyDate
    end_on: PolicyDate


class RightsTransferIn(StrictInput):
    model_config = _examples({"rights": "property", "transferred_on": "2026-07-01"})

    rights: Literal["property", "management"]
    transferred_on: PolicyDate


class AssetOut(AssetBase, Public):
    model_config = _examples(
        {"id": _ID, "name": "必背村光伏电站", "village_code": _V, "value_fen": 30_000_000, "allocation_id": _ID, "fund_id": _ID, "built_on": "2026-05-20",
         "handover_mode": "lease", "entity_id": _ID, "annual_fee_fen": 2_400_000, "handover_start": "2026-06-01", "handover_end": "2029-05-31",
         "property_rights_to_collective": True, "management_rights_to_collective": False}
    )

    id: str
    fund_id: str
    handover_mode: str | None
    entity_id: str | None
    annual_fee_fen: int | None
    handover_start: date | None
    handover_end: date | None
    property_rights_to_collective: bool
    management_rights_to_collective: bool


# ---- distributions -------------------------------------------------------------------------------


class DistributionIn(StrictInput):
    model_config = _examples(
        {"project_id": _ID, "period": "2026", "total_fen": 1_000_000, "paid_on": "2026-12-31"},
        {"asset_id": _ID, "period_start": "2026-04-01", "period_end": "2027-03-31", "total_fen": 1_000_000, "paid_on": "2027-04-15"},
    )

    project_id: Id | None = None
    asset_id: Id | None = None
    period: str | None = Field(
        None, min_length=4, max_length=7, pattern=PERIOD_LABEL_PATTERN,
        description="2026, 2026-H1, 2026-Q3 or 2026-07 (the date range is derived from it); or give period_start and period_end",
    )
    period_start: PolicyDate | None = Field(None, description="first day of the period the profit was made in")
    period_end: PolicyDate | None = Field(None, description="last day of the period (inclusive)")
    total_fen: PaymentFen = Field(description="profit or asset income declared for the period, fen")
    poor_households_fen: PaymentFenOrZero | None = Field(None, description="omit to take the floor the rules set")
    paid_on: PolicyDate

    @model_validator(mode="after")
    def _one_source_one_period(self) -> DistributionIn:
        if (self.project_id is None) == (self.asset_id is None):
            raise ValueError("give exactly one of project_id and asset_id")
        if self.period is not None:
            start, end = period_range(self.period)  # the pattern admits 2026-13: refused here
            if (self.period_start or start, self.period_end or end) != (start, end):
                raise ValueError(f"period {self.period} is {start} … {end}; period_start and period_end disagree with it")
            self.period_start, self.period_end = start, end
        elif self.period_start is None or self.period_end is None:
            raise ValueError("give period, or both period_start and period_end")
        elif self.period_end < self.period_start:
            raise ValueError("period_end is before period_start")
        else:
            self.period = None
        return self

    @field_validator("period")
    @classmethod
    def _period_label(cls, value: str | None) -> str | None:
        if value is not None:
            start, end = period_range(value)
            if start < DATE_MIN or end > DATE_MAX:
                raise ValueError(f"period must lie within {DATE_MIN} … {DATE_MAX}")
        return value


class SplitLine(Public):
    household_id: str
    units: int
    amount_fen: int


class DistributionOut(DistributionBase, Public):
    model_config = _examples(
        {"id": _ID, "project_id": _ID, "asset_id": None, "agreement_id": _ID, "entity_id": _ID, "village_code": _V, "period": "2026", "period_start": "2026-01-01",
         "period_end": "2026-12-31", "total_fen": 1_000_000, "poor_households_fen": 600_000, "poor_share_bp": 6000, "rule": "R9", "guidance_fund": False, "benefit_type": "equity_dividend",
         "paid_on": "2026-12-31", "status": "proposed", "proposed_by": "dev-entity_operator", "approved_by": None,
         "split": [{"household_id": _ID, "units": 10, "amount_fen": 600_000}]}
    )

    id: str
    status: Literal["proposed", "approved", "withdrawn", "reversed"]  # type: ignore[assignment]  # the table holds it as a string
    split: list[SplitLine]

    @field_validator("split", mode="before")
    @classmethod
    def _split_lines(cls, value: Any) -> Any:
        """The table keeps the split as ``{household_id: [units, fen]}``: answered as lines, by household."""
        if isinstance(value, dict):
            return [{"household_id": h, "units": int(u), "amount_fen": int(a)} for h, (u, a) in sorted(value.items())]
        return value


class WithdrawalIn(StrictInput):
    model_config = _examples({"reason": "利润数字填错，撤回重报"})

    reason: Note | None = Field(None, description="why the proposal is withdrawn")


# ---- corrections: reversals under maker-checker ----------------------------------------------


class ReversalIn(StrictInput):
    model_config = _examples({"reason": "分红重复发放，冲正"})

    reason: Note = Field(description="why the approved payment is reversed (kept with the reversal)")


class ReversalOut(Public):
    model_config = _examples(
        {"id": _ID, "target_kind": "distribution", "target_id": _ID, "village_code": _V, "reason": "分红重复发放，冲正", "status": "proposed",
         "proposed_by": "dev-village_cadre-440232100201", "approved_by": None, "reversing_line_ids": []}
    )

    id: str
    target_kind: Literal["distribution", "income_line"]
    target_id: str
    village_code: str
    reason: str
    status: Literal["proposed", "approved"]
    proposed_by: str
    approved_by: str | None
    reversing_line_ids: list[str] = Field(description="the negative income lines the approval booked")


# ---- land, lease-back, subsidies, loans --------------------------------------------------------------


class LandTransferIn(LandTransferBase, StrictInput):
    model_config = _examples(
        {"household_id": _ID, "entity_id": _ID, "plot": "三组 12-3 号地块", "area_tenth_mu": 35, "start_on": "2026-03-01", "end_on": "2036-02-28",
         "annual_rent_fen": 210_000, "policy_income_household_bp": 7000}
    )

    policy_income_household_bp: BasisPoints | None = Field(None, description="R15: the household's share of policy income on this land")


class LandTransferOut(LandTransferBase, Public):
    id: str
    village_code: str
    policy_income_household_bp: int


class PaymentIn(StrictInput):
    model_config = _examples({"period": "2026", "amount_fen": 210_000, "paid_on": "2026-12-20"})

    period: text(20) = Field(  # type: ignore[valid-type]
        description="what the payment is for: 2026, 2026-H1, 2026-Q3 or 2026-07 is read as that range (its year is the year "
        "the agreed annual amount applies to); any other label counts for the year of paid_on"
    )
    amount_fen: PaymentFen
    paid_on: PolicyDate


class DisasterTermsIn(StrictInput):
    prevention: Note | None = Field(None, description="how major disaster risks are prevented")
    handling: Note | None = Field(None, description="how losses from a major disaster are handled and shared")

    @field_validator("prevention", "handling", mode="before")
    @classmethod
    def _blank_is_missing(cls, value: Any) -> Any:
        # A blank term is a missing term: refused by R14 (naming the rule), not as malformed text.
        return None if isinstance(value, str) and not value.strip() else value


class LeaseBackIn(LeaseBackBase, StrictInput):
    model_config = _examples(
        {"entity_id": _ID, "household_id": _ID, "base_name": "蔬菜基地 3 号棚", "area_tenth_mu": 20, "start_on": "2026-03-01", "end_on": "2028-02-29",
         "disaster_terms": {"prevention": "购买农业保险，基地建设防洪排涝设施", "handling": "受灾损失由保险赔付，不足部分由企业承担，不向农户追偿"}}
    )

    disaster_terms: DisasterTermsIn | None = None


class LeaseBackOut(LeaseBackBase, Public):
    id: str
    village_code: str
    disaster_terms: DisasterTermsIn


class SubsidyIn(SubsidyBase, StrictInput):
    model_config = _examples({"household_id": _ID, "name": "耕地地力保护补贴", "total_fen": 50_000, "paid_on": "2026-06-30", "land_transfer_id": None})


class SubsidyOut(SubsidyBase, Public):
    id: str
    household_fen: int
    entity_fen: int


class LoanIn(LoanBase, StrictInput):
    model_config = _examples(
        {"household_id": _ID, "bank": "广东省农村信用社", "principal_fen": 5_000_000, "term_months": 36, "annual_rate_bp": 435, "interest_subsidy_bp": 435,
         "granted_on": "2026-03-01", "use": "entrusted", "entity_id": _ID, "poverty_responsibility": "企业代养生猪，每年保底分红4000元，负责带动该户脱贫",
         "guaranteed_return_fen_per_year": 400_000}
    )



class LoanOut(LoanBase, Public):
    id: str
    village_code: str
    repaid_fen: int
    outstanding_fen: int
    overdue_since: date | None


class RepaymentIn(StrictInput):
    model_config = _examples({"amount_fen": 500000, "paid_on": "2026-12-20"})

    amount_fen: FundFen
    paid_on: PolicyDate


class OverdueIn(StrictInput):
    model_config = _examples({"overdue_since": "2027-01-10"})

    overdue_since: PolicyDate


class LoanReturnIn(StrictInput):
    model_config = _examples({"amount_fen": 240000, "paid_on": "2026-12-31", "year": 2026})

    amount_fen: PaymentFen
    paid_on: PolicyDate
    year: Year | None = Field(None, description="the year the return is for (R11: at most the guaranteed return a year); default the year of paid_on")


class KnownHouseholdOut(Public):
    """What the funds service knows of a household (learnt from the households service's facts)."""

    model_config = _examples({"id": _ID, "village_code": _V, "poverty_status": "registered_poor", "left_on": None, "takes_poor_portion": True})

    id: str
    village_code: str
    poverty_status: str
    left_on: date | None
    takes_poor_portion: bool = Field(description="whether a distribution's poor households' portion reaches it")


class IncomePaymentOut(Public):
    """One income line paid to a household, with every lineage reference known."""

    model_config = _examples(
        {"id": _ID, "household_id": _ID, "village_code": _V, "benefit_type": "equity_dividend", "amount_fen": 200_000, "occurred_on": "2026-12-31",
         "units": 10, "lineage": {"fund_id": _ID, "allocation_id": _ID, "project_id": _ID, "agreement_id": _ID, "distribution_id": _ID, "entity_id": _ID}}
    )

    id: str
    household_id: str
    village_code: str
    benefit_type: str
    amount_fen: int
    occurred_on: date
    units: int | None
    lineage: dict[str, str]
    reverses_line_id: str | None = Field(None, description="set on a reversing (negative) line: the line it reverses")
    reversal_id: str | None = None


# ---- disbursement --------------------------------------------------------------------------------------


class VoucherIn(StrictInput):
    number: text(60)  # type: ignore[valid-type]
    description: text(300)  # type: ignore[valid-type]
    amount_fen: FundFen


class PaymentRequestIn(StrictInput):
    model_config = _examples(
        {"amount_fen": 1_200_000, "requested_on": "2026-04-02", "vouchers": [{"number": "FP-001", "description": "茶苗采购发票", "amount_fen": 800_000},
                                                                              {"number": "FP-002", "description": "灌溉设施工程款", "amount_fen": 400_000}]}
    )

    amount_fen: FundFen
    requested_on: PolicyDate
    vouchers: list[VoucherIn] = Field(min_length=1, max_length=1000)

    @model_validator(mode="after")
    def _vouchers_cover_amount(self) -> PaymentRequestIn:
        if sum(v.amount_fen for v in self.vouchers) != self.amount_fen:
            raise ValueError("the vouchers must add up to amount_fen")
        return self


class PayIn(StrictInput):
    model_config = _examples({"paid_on": "2026-06-30"})

    paid_on: PolicyDate


class PaymentRequestOut(Public):
    model_config = _examples(
        {"id": _ID, "allocation_id": _ID, "amount_fen": 1_200_000, "requested_on": "2026-04-02", "status": "requested", "requested_by": "dev-county_officer-440232",
         "approved_by": None, "paid_on": None, "vouchers": [{"number": "FP-001", "description": "茶苗采购发票", "amount_fen": 1_200_000}]}
    )

    id: str
    allocation_id: str
    amount_fen: int
    requested_on: date
    status: Literal["requested", "approved", "paid"]
    requested_by: str
    approved_by: str | None
    paid_on: date | None
    vouchers: list[VoucherIn]


# ---- lineage ----------------------------------------------------------------------------------------------


class FundLink(Public):
    fund_id: str
    fund_kind: str
    allocation_id: str
    amount_fen: int = Field(strict=True, description="what this allocation put into the project or asset")


class DistributionLineage(Public):
    """fund → allocation → project/asset/agreement → distribution → households."""

    model_config = _examples(
        {"distribution": DistributionOut.model_config["json_schema_extra"]["examples"][0],  # type: ignore[index]
         "funds": [{"fund_id": _ID, "fund_kind": "provincial_special", "allocation_id": _ID, "amount_fen": 50_000_000}],
         "project": None, "asset": None, "payments": []}
    )

    distribution: DistributionOut
    funds: list[FundLink]
    project: ProjectOut | None
    asset: AssetOut | None
    payments: list[IncomePaymentOut]


class ReachLine(Public):
    household_id: str
    village_code: str
    amount_fen: int


class FundReach(Public):
    """The households a fund reached and how much, attributed by each allocation's part of the project or asset."""

    model_config = _examples({"fund_id": _ID, "total_fen": 600_000, "household_count": 1, "households": [{"household_id": _ID, "village_code": _V, "amount_fen": 600_000}]})

    fund_id: str
    total_fen: int
    household_count: int
    households: list[ReachLine]
