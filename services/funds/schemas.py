"""What the funds API takes and returns. Money in integer fen, ratios in basis points, areas in tenths of a mu."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from services.funds.domain import PERIOD_LABEL_PATTERN, credit_code_problem, period_range
from shared.bounds import (
    AreaTenthMu,
    AreaTenthMuOrZero,
    DATE_MAX,
    DATE_MIN,
    BasisPoints,
    Flag,
    FundFen,
    Name,
    Note,
    PaymentFen,
    PaymentFenOrZero,
    PolicyDate,
    PositiveCount,
    StrictInput,
    Year,
    text,
)
from shared.events.funds import Contribution, EntityKind, FundKind, HandoverMode, LedBy, LoanUse, Purpose, RecipientKind
from shared.regions import Industry, division_code_problem

# Every id a write body names is looked up in the writer's scope (see service._in_scope).
Id = text(36, description="an id")
Code = Annotated[str, Field(max_length=12, description="a division code")]
MAX_VILLAGES = 2000  # the city has 1,443 poor villages
_V = "440232100201"
_ID = "0192f0a4-7c3e-7000-8000-0000000000a1"


def _examples(*items: dict[str, Any]) -> ConfigDict:
    return ConfigDict(json_schema_extra={"examples": list(items)})


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


class FundIn(StrictInput):
    model_config = _examples(
        {"kind": "provincial_special", "name": "2026年省级扶贫专项资金", "county_code": "440232", "amount_fen": 200_000_000, "poor_person_count": 100, "received_on": "2026-02-01"}
    )

    kind: FundKind
    name: Name
    county_code: Code
    village_code: Code | None = Field(None, description="guidance funds: the relatively poor village they are for")
    amount_fen: FundFen
    poor_person_count: PositiveCount | None = Field(None, description="provincial special fund: 20,000 yuan per poor person")
    received_on: PolicyDate

    v_county = field_validator("county_code")(classmethod(lambda cls, v: _county(v)))
    v_village = field_validator("village_code")(classmethod(lambda cls, v: _village(v)))

    @model_validator(mode="after")
    def _village_in_county(self) -> "FundIn":
        if self.village_code and not self.village_code.startswith(self.county_code):
            raise ValueError("village_code is not inside county_code")
        return self


class FundOut(BaseModel):
    model_config = _examples(
        {"id": _ID, "kind": "provincial_special", "name": "2026年省级扶贫专项资金", "county_code": "440232", "village_code": None,
         "amount_fen": 200_000_000, "poor_person_count": 100, "received_on": "2026-02-01", "allocated_fen": 50_000_000}
    )

    id: str
    kind: str
    name: str
    county_code: str
    village_code: str | None
    amount_fen: int
    poor_person_count: int | None
    received_on: date
    allocated_fen: int


class AllocationIn(StrictInput):
    model_config = _examples(
        {"fund_id": _ID, "village_code": _V, "purpose": "industry", "recipient_kind": "operating_entity", "recipient_id": _ID, "amount_fen": 50_000_000, "allocated_on": "2026-03-01"}
    )

    fund_id: Id
    village_code: Code | None = Field(None, description="omit for an allocation to the county")
    purpose: Purpose
    recipient_kind: RecipientKind
    recipient_id: Id | None = Field(None, description="entity id (operating entity / platform company), household id, or omitted for the village collective")
    amount_fen: FundFen
    allocated_on: PolicyDate

    v_village = field_validator("village_code")(classmethod(lambda cls, v: _village(v)))


class AllocationOut(BaseModel):
    model_config = _examples(
        {"id": _ID, "fund_id": _ID, "fund_kind": "provincial_special", "county_code": "440232", "village_code": _V, "purpose": "industry",
         "recipient_kind": "operating_entity", "recipient_id": _ID, "entity_id": _ID, "amount_fen": 50_000_000, "committed_fen": 0,
         "requested_fen": 0, "paid_fen": 0, "allocated_on": "2026-03-01"}
    )

    id: str
    fund_id: str
    fund_kind: str
    county_code: str
    village_code: str | None
    purpose: str
    recipient_kind: str
    recipient_id: str
    entity_id: str | None
    amount_fen: int
    committed_fen: int
    requested_fen: int
    paid_fen: int
    allocated_on: date


class SpecialFundReport(BaseModel):
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


class EntityIn(StrictInput):
    model_config = _examples({"name": "乳源必背茶叶专业合作社", "kind": "cooperative", "credit_code": "93440232MA4W1234XP", "county_code": "440232", "village_codes": [_V]})

    name: Name
    kind: EntityKind
    credit_code: str = Field(max_length=18, description="unified social credit code (GB 32100), 18 characters with check character")
    county_code: Code
    village_codes: list[Code] = Field(default_factory=list, max_length=MAX_VILLAGES)

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


class EntityOut(BaseModel):
    model_config = _examples({"id": _ID, "name": "乳源必背茶叶专业合作社", "kind": "cooperative", "credit_code": "93440232MA4W1234XP", "county_code": "440232", "village_codes": [_V]})

    id: str
    name: str
    kind: str
    credit_code: str
    county_code: str
    village_codes: list[str]


# ---- three-rights projects ----------------------------------------------------------------------


class FundingIn(StrictInput):
    allocation_id: Id
    amount_fen: FundFen


class AgreementIn(StrictInput):
    signed_on: PolicyDate
    term_start: PolicyDate
    term_end: PolicyDate
    poor_share_bp: BasisPoints = Field(description="poor households' share of distributed profit, basis points (R9: ≥ 5000)")


class ProjectIn(StrictInput):
    model_config = _examples(
        {"name": "必背村茶叶基地", "village_code": _V, "industry": "tea", "area_tenth_mu": 805, "contiguous": True, "entity_id": _ID,
         "led_by": "party_member", "funded_by": [{"allocation_id": _ID, "amount_fen": 50_000_000}],
         "agreement": {"signed_on": "2026-03-10", "term_start": "2026-04-01", "term_end": "2031-03-31", "poor_share_bp": 6000}}
    )

    name: Name
    village_code: Code
    industry: Industry = Field(description='one of the "453" industries')
    area_tenth_mu: AreaTenthMuOrZero = Field(description="tenths of a mu")
    contiguous: Flag
    entity_id: Id
    led_by: LedBy = "none"
    leader_member_id: Id | None = Field(None, description="the leading village cadre or Party member (a member id of the households service)")
    funded_by: list[FundingIn] = Field(default_factory=list, max_length=100)
    agreement: AgreementIn

    v_village = field_validator("village_code")(classmethod(lambda cls, v: _village(v)))


class AgreementOut(BaseModel):
    id: str
    signed_on: date
    term_start: date
    term_end: date
    poor_share_bp: int


class FundingOut(BaseModel):
    allocation_id: str
    fund_id: str
    amount_fen: int


class ProjectOut(BaseModel):
    model_config = _examples(
        {"id": _ID, "name": "必背村茶叶基地", "village_code": _V, "industry": "tea", "area_tenth_mu": 805, "contiguous": True, "entity_id": _ID,
         "led_by": "party_member", "leader_member_id": None, "guidance_fund": False, "funded_by": [{"allocation_id": _ID, "fund_id": _ID, "amount_fen": 50_000_000}],
         "agreement": {"id": _ID, "signed_on": "2026-03-10", "term_start": "2026-04-01", "term_end": "2031-03-31", "poor_share_bp": 6000}}
    )

    id: str
    name: str
    village_code: str
    industry: str
    area_tenth_mu: int
    contiguous: bool
    entity_id: str
    led_by: str
    leader_member_id: str | None
    guidance_fund: bool
    funded_by: list[FundingOut]
    agreement: AgreementOut | None


class ShareIn(StrictInput):
    model_config = _examples({"household_id": _ID, "units": 10, "contribution": "funds"})

    household_id: Id
    units: PositiveCount = Field(description="quantified share units")
    contribution: Contribution = "funds"


class ShareOut(BaseModel):
    model_config = _examples({"id": _ID, "household_id": _ID, "village_code": _V, "units": 10, "contribution": "funds", "project_id": _ID, "asset_id": None})

    id: str
    household_id: str
    village_code: str
    units: int
    contribution: str
    project_id: str | None
    asset_id: str | None


# ---- assets -----------------------------------------------------------------------------------------


class AssetIn(StrictInput):
    model_config = _examples({"name": "必背村光伏电站", "village_code": _V, "value_fen": 30_000_000, "allocation_id": _ID, "built_on": "2026-05-20"})

    name: Name
    village_code: Code
    value_fen: FundFen
    allocation_id: Id = Field(description="the allocation of special or assistance funds it was built with")
    built_on: PolicyDate

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


class AssetOut(BaseModel):
    model_config = _examples(
        {"id": _ID, "name": "必背村光伏电站", "village_code": _V, "value_fen": 30_000_000, "allocation_id": _ID, "fund_id": _ID, "built_on": "2026-05-20",
         "handover_mode": "lease", "entity_id": _ID, "annual_fee_fen": 2_400_000, "handover_start": "2026-06-01", "handover_end": "2029-05-31",
         "property_rights_to_collective": True, "management_rights_to_collective": False}
    )

    id: str
    name: str
    village_code: str
    value_fen: int
    allocation_id: str
    fund_id: str
    built_on: date
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
    def _one_source_one_period(self) -> "DistributionIn":
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


class SplitLine(BaseModel):
    household_id: str
    units: int
    amount_fen: int


class DistributionOut(BaseModel):
    model_config = _examples(
        {"id": _ID, "project_id": _ID, "asset_id": None, "agreement_id": _ID, "entity_id": _ID, "village_code": _V, "period": "2026", "period_start": "2026-01-01",
         "period_end": "2026-12-31", "total_fen": 1_000_000, "poor_households_fen": 600_000, "poor_share_bp": 6000, "rule": "R9", "guidance_fund": False, "benefit_type": "equity_dividend",
         "paid_on": "2026-12-31", "status": "proposed", "proposed_by": "dev-entity_operator", "approved_by": None,
         "split": [{"household_id": _ID, "units": 10, "amount_fen": 600_000}]}
    )

    id: str
    project_id: str | None
    asset_id: str | None
    agreement_id: str | None
    entity_id: str | None
    village_code: str
    period: str
    total_fen: int
    poor_households_fen: int
    poor_share_bp: int
    period_start: date
    period_end: date
    rule: str = Field(description="the rule that set the floor: R9, R10 or R3")
    guidance_fund: bool
    benefit_type: str
    paid_on: date
    status: Literal["proposed", "approved", "withdrawn", "reversed"]
    proposed_by: str
    approved_by: str | None
    withdrawn_by: str | None = None
    withdrawal_reason: str | None = None
    reversal_id: str | None = Field(None, description="the reversal proposed or approved for this distribution")
    split: list[SplitLine]


class WithdrawalIn(StrictInput):
    model_config = _examples({"reason": "利润数字填错，撤回重报"})

    reason: Note | None = Field(None, description="why the proposal is withdrawn")


# ---- corrections: reversals under maker-checker ----------------------------------------------


class ReversalIn(StrictInput):
    model_config = _examples({"reason": "分红重复发放，冲正"})

    reason: Note = Field(description="why the approved payment is reversed (kept with the reversal)")


class ReversalOut(BaseModel):
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


class LandTransferIn(StrictInput):
    model_config = _examples(
        {"household_id": _ID, "entity_id": _ID, "plot": "三组 12-3 号地块", "area_tenth_mu": 35, "start_on": "2026-03-01", "end_on": "2036-02-28",
         "annual_rent_fen": 210_000, "policy_income_household_bp": 7000}
    )

    household_id: Id
    entity_id: Id
    plot: Name
    area_tenth_mu: AreaTenthMu
    as_shares: Flag = False
    start_on: PolicyDate
    end_on: PolicyDate
    annual_rent_fen: PaymentFenOrZero = Field(description="R16: the agreed rent per year; rent paid for a year never exceeds it")
    policy_income_household_bp: BasisPoints | None = Field(None, description="R15: the household's share of policy income on this land")


class LandTransferOut(BaseModel):
    id: str
    household_id: str
    village_code: str
    entity_id: str
    plot: str
    area_tenth_mu: int
    as_shares: bool
    start_on: date
    end_on: date
    annual_rent_fen: int
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


class LeaseBackIn(StrictInput):
    model_config = _examples(
        {"entity_id": _ID, "household_id": _ID, "base_name": "蔬菜基地 3 号棚", "area_tenth_mu": 20, "start_on": "2026-03-01", "end_on": "2028-02-29",
         "disaster_terms": {"prevention": "购买农业保险，基地建设防洪排涝设施", "handling": "受灾损失由保险赔付，不足部分由企业承担，不向农户追偿"}}
    )

    entity_id: Id
    household_id: Id
    base_name: Name
    area_tenth_mu: AreaTenthMu
    start_on: PolicyDate
    end_on: PolicyDate
    disaster_terms: DisasterTermsIn | None = None
    agreed_income_fen_per_year: PaymentFen | None = Field(
        None, description="R14: the most the household is paid from the base in a year, when the agreement states one"
    )


class LeaseBackOut(BaseModel):
    id: str
    entity_id: str
    household_id: str
    village_code: str
    base_name: str
    area_tenth_mu: int
    start_on: date
    end_on: date
    disaster_terms: DisasterTermsIn
    agreed_income_fen_per_year: int | None = None


class SubsidyIn(StrictInput):
    model_config = _examples({"household_id": _ID, "name": "耕地地力保护补贴", "total_fen": 50_000, "paid_on": "2026-06-30", "land_transfer_id": None})

    household_id: Id
    name: Name
    total_fen: PaymentFen
    paid_on: PolicyDate
    land_transfer_id: Id | None = Field(None, description="policy income earned on transferred land: split by the agreed ratio (R15)")


class SubsidyOut(BaseModel):
    id: str
    household_id: str
    name: str
    total_fen: int
    household_fen: int
    entity_fen: int
    land_transfer_id: str | None
    paid_on: date


class LoanIn(StrictInput):
    model_config = _examples(
        {"household_id": _ID, "bank": "广东省农村信用社", "principal_fen": 5_000_000, "term_months": 36, "annual_rate_bp": 435, "interest_subsidy_bp": 435,
         "granted_on": "2026-03-01", "use": "entrusted", "entity_id": _ID, "poverty_responsibility": "企业代养生猪，每年保底分红4000元，负责带动该户脱贫",
         "guaranteed_return_fen_per_year": 400_000}
    )

    household_id: Id
    bank: Name
    principal_fen: FundFen
    term_months: PositiveCount = Field(le=120)
    annual_rate_bp: BasisPoints
    interest_subsidy_bp: BasisPoints = 0
    granted_on: PolicyDate
    use: LoanUse
    entity_id: Id | None = None
    poverty_responsibility: Note | None = Field(None, description="R11: the entity's responsibility for lifting the household out of poverty")
    guaranteed_return_fen_per_year: PaymentFenOrZero | None = Field(None, description="R11: the return the entity guarantees a year; returns paid for a year never exceed it")


class LoanOut(BaseModel):
    id: str
    household_id: str
    village_code: str
    bank: str
    principal_fen: int
    term_months: int
    annual_rate_bp: int
    interest_subsidy_bp: int
    granted_on: date
    use: str
    entity_id: str | None
    poverty_responsibility: str | None
    guaranteed_return_fen_per_year: int | None
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


class KnownHouseholdOut(BaseModel):
    """What the funds service knows of a household (learnt from the households service's facts)."""

    model_config = _examples({"id": _ID, "village_code": _V, "poverty_status": "registered_poor", "left_on": None, "takes_poor_portion": True})

    id: str
    village_code: str
    poverty_status: str
    left_on: date | None
    takes_poor_portion: bool = Field(description="whether a distribution's poor households' portion reaches it")


class IncomePaymentOut(BaseModel):
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
    def _vouchers_cover_amount(self) -> "PaymentRequestIn":
        if sum(v.amount_fen for v in self.vouchers) != self.amount_fen:
            raise ValueError("the vouchers must add up to amount_fen")
        return self


class PayIn(StrictInput):
    model_config = _examples({"paid_on": "2026-06-30"})

    paid_on: PolicyDate


class PaymentRequestOut(BaseModel):
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


class FundLink(BaseModel):
    fund_id: str
    fund_kind: str
    allocation_id: str
    amount_fen: int = Field(strict=True, description="what this allocation put into the project or asset")


class DistributionLineage(BaseModel):
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


class ReachLine(BaseModel):
    household_id: str
    village_code: str
    amount_fen: int


class FundReach(BaseModel):
    """The households a fund reached and how much, attributed by each allocation's part of the project or asset."""

    model_config = _examples({"fund_id": _ID, "total_fen": 600_000, "household_count": 1, "households": [{"household_id": _ID, "village_code": _V, "amount_fen": 600_000}]})

    fund_id: str
    total_fen: int
    household_count: int
    households: list[ReachLine]
