"""What the funds API takes and returns. Money in integer fen, ratios in basis points, areas in tenths of a mu."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from services.funds.domain import credit_code_problem
from shared.events.funds import Contribution, EntityKind, FundKind, HandoverMode, LedBy, LoanUse, Purpose, RecipientKind
from shared.regions import Industry, division_code_problem

Fen = Field(gt=0, strict=True, description="integer fen (0.01 yuan); a string or a decimal is refused")
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


class FundIn(BaseModel):
    model_config = _examples(
        {"kind": "provincial_special", "name": "2026年省级扶贫专项资金", "county_code": "440232", "amount_fen": 200_000_000, "poor_person_count": 100, "received_on": "2026-02-01"}
    )

    kind: FundKind
    name: str = Field(min_length=1, max_length=200)
    county_code: str
    village_code: str | None = Field(None, description="guidance funds: the relatively poor village they are for")
    amount_fen: int = Fen
    poor_person_count: int | None = Field(None, gt=0, description="provincial special fund: 20,000 yuan per poor person")
    received_on: date

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


class AllocationIn(BaseModel):
    model_config = _examples(
        {"fund_id": _ID, "village_code": _V, "purpose": "industry", "recipient_kind": "operating_entity", "recipient_id": _ID, "amount_fen": 50_000_000, "allocated_on": "2026-03-01"}
    )

    fund_id: str
    village_code: str | None = Field(None, description="omit for an allocation to the county")
    purpose: Purpose
    recipient_kind: RecipientKind
    recipient_id: str | None = Field(None, description="entity id (operating entity / platform company), household id, or omitted for the village collective")
    amount_fen: int = Fen
    allocated_on: date

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


class EntityIn(BaseModel):
    model_config = _examples({"name": "乳源必背茶叶专业合作社", "kind": "cooperative", "credit_code": "93440232MA4W1234XP", "county_code": "440232", "village_codes": [_V]})

    name: str = Field(min_length=1, max_length=200)
    kind: EntityKind
    credit_code: str = Field(description="unified social credit code (GB 32100), 18 characters with check character")
    county_code: str
    village_codes: list[str] = Field(default_factory=list)

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


class EntityUpdateIn(BaseModel):
    model_config = _examples({"name": "乳源必背茶叶专业合作社", "village_codes": [_V, "440232100202"]})

    name: str | None = Field(None, min_length=1, max_length=200)
    village_codes: list[str] | None = Field(None, description="the villages it works in, replacing the list")

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


class FundingIn(BaseModel):
    allocation_id: str
    amount_fen: int = Fen


class AgreementIn(BaseModel):
    signed_on: date
    term_start: date
    term_end: date
    poor_share_bp: int = Field(ge=0, le=10000, description="poor households' share of distributed profit, basis points (R9: ≥ 5000)")


class ProjectIn(BaseModel):
    model_config = _examples(
        {"name": "必背村茶叶基地", "village_code": _V, "industry": "tea", "area_tenth_mu": 805, "contiguous": True, "entity_id": _ID,
         "led_by": "party_member", "funded_by": [{"allocation_id": _ID, "amount_fen": 50_000_000}],
         "agreement": {"signed_on": "2026-03-10", "term_start": "2026-04-01", "term_end": "2031-03-31", "poor_share_bp": 6000}}
    )

    name: str = Field(min_length=1, max_length=200)
    village_code: str
    industry: Industry = Field(description='one of the "453" industries')
    area_tenth_mu: int = Field(ge=0, description="tenths of a mu")
    contiguous: bool
    entity_id: str
    led_by: LedBy = "none"
    leader_member_id: str | None = None
    funded_by: list[FundingIn] = Field(default_factory=list)
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


class ShareIn(BaseModel):
    model_config = _examples({"household_id": _ID, "units": 10, "contribution": "funds"})

    household_id: str
    units: int = Field(gt=0, description="quantified share units")
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


class AssetIn(BaseModel):
    model_config = _examples({"name": "必背村光伏电站", "village_code": _V, "value_fen": 30_000_000, "allocation_id": _ID, "built_on": "2026-05-20"})

    name: str = Field(min_length=1, max_length=200)
    village_code: str
    value_fen: int = Fen
    allocation_id: str = Field(description="the allocation of special or assistance funds it was built with")
    built_on: date

    v_village = field_validator("village_code")(classmethod(lambda cls, v: _village(v)))


class HandoverIn(BaseModel):
    model_config = _examples({"mode": "lease", "entity_id": _ID, "annual_fee_fen": 2_400_000, "start_on": "2026-06-01", "end_on": "2029-05-31"})

    mode: HandoverMode
    entity_id: str
    annual_fee_fen: int = Field(strict=True, ge=0)
    start_on: date
    end_on: date


class RightsTransferIn(BaseModel):
    model_config = _examples({"rights": "property", "transferred_on": "2026-07-01"})

    rights: Literal["property", "management"]
    transferred_on: date


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


class DistributionIn(BaseModel):
    model_config = _examples({"project_id": _ID, "period": "2026", "total_fen": 1_000_000, "paid_on": "2026-12-31"})

    project_id: str | None = None
    asset_id: str | None = None
    period: str = Field(min_length=4, max_length=20, pattern=r"^\d{4}(-(H[12]|Q[1-4]|\d{2}))?$", description="2026, 2026-H1, 2026-Q3 or 2026-07")
    total_fen: int = Field(strict=True, gt=0, description="profit or asset income declared for the period, fen")
    poor_households_fen: int | None = Field(None, strict=True, ge=0, description="omit to take the floor the rules set")
    paid_on: date

    @model_validator(mode="after")
    def _one_source(self) -> "DistributionIn":
        if (self.project_id is None) == (self.asset_id is None):
            raise ValueError("give exactly one of project_id and asset_id")
        return self


class SplitLine(BaseModel):
    household_id: str
    units: int
    amount_fen: int


class DistributionOut(BaseModel):
    model_config = _examples(
        {"id": _ID, "project_id": _ID, "asset_id": None, "agreement_id": _ID, "entity_id": _ID, "village_code": _V, "period": "2026", "total_fen": 1_000_000,
         "poor_households_fen": 600_000, "poor_share_bp": 6000, "rule": "R9", "guidance_fund": False, "benefit_type": "equity_dividend",
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
    rule: str = Field(description="the rule that set the floor: R9, R10 or R3")
    guidance_fund: bool
    benefit_type: str
    paid_on: date
    status: Literal["proposed", "approved"]
    proposed_by: str
    approved_by: str | None
    split: list[SplitLine]


# ---- land, lease-back, subsidies, loans --------------------------------------------------------------


class LandTransferIn(BaseModel):
    model_config = _examples(
        {"household_id": _ID, "entity_id": _ID, "plot": "三组 12-3 号地块", "area_tenth_mu": 35, "start_on": "2026-03-01", "end_on": "2036-02-28",
         "annual_rent_fen": 210_000, "policy_income_household_bp": 7000}
    )

    household_id: str
    entity_id: str
    plot: str = Field(min_length=1, max_length=200)
    area_tenth_mu: int = Field(gt=0)
    as_shares: bool = False
    start_on: date
    end_on: date
    annual_rent_fen: int = Field(strict=True, ge=0)
    policy_income_household_bp: int | None = Field(None, ge=0, le=10000, description="R15: the household's share of policy income on this land")


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


class PaymentIn(BaseModel):
    model_config = _examples({"period": "2026", "amount_fen": 210_000, "paid_on": "2026-12-20"})

    period: str = Field(min_length=4, max_length=20)
    amount_fen: int = Fen
    paid_on: date


class DisasterTermsIn(BaseModel):
    prevention: str | None = Field(None, description="how major disaster risks are prevented")
    handling: str | None = Field(None, description="how losses from a major disaster are handled and shared")


class LeaseBackIn(BaseModel):
    model_config = _examples(
        {"entity_id": _ID, "household_id": _ID, "base_name": "蔬菜基地 3 号棚", "area_tenth_mu": 20, "start_on": "2026-03-01", "end_on": "2028-02-29",
         "disaster_terms": {"prevention": "购买农业保险，基地建设防洪排涝设施", "handling": "受灾损失由保险赔付，不足部分由企业承担，不向农户追偿"}}
    )

    entity_id: str
    household_id: str
    base_name: str = Field(min_length=1, max_length=200)
    area_tenth_mu: int = Field(gt=0)
    start_on: date
    end_on: date
    disaster_terms: DisasterTermsIn | None = None


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


class SubsidyIn(BaseModel):
    model_config = _examples({"household_id": _ID, "name": "耕地地力保护补贴", "total_fen": 50_000, "paid_on": "2026-06-30", "land_transfer_id": None})

    household_id: str
    name: str = Field(min_length=1, max_length=200)
    total_fen: int = Fen
    paid_on: date
    land_transfer_id: str | None = Field(None, description="policy income earned on transferred land: split by the agreed ratio (R15)")


class SubsidyOut(BaseModel):
    id: str
    household_id: str
    name: str
    total_fen: int
    household_fen: int
    entity_fen: int
    land_transfer_id: str | None
    paid_on: date


class LoanIn(BaseModel):
    model_config = _examples(
        {"household_id": _ID, "bank": "广东省农村信用社", "principal_fen": 5_000_000, "term_months": 36, "annual_rate_bp": 435, "interest_subsidy_bp": 435,
         "granted_on": "2026-03-01", "use": "entrusted", "entity_id": _ID, "poverty_responsibility": "企业代养生猪，每年保底分红4000元，负责带动该户脱贫",
         "guaranteed_return_fen_per_year": 400_000}
    )

    household_id: str
    bank: str = Field(min_length=1, max_length=200)
    principal_fen: int = Fen
    term_months: int = Field(gt=0, le=120)
    annual_rate_bp: int = Field(ge=0, le=10000)
    interest_subsidy_bp: int = Field(0, ge=0, le=10000)
    granted_on: date
    use: LoanUse
    entity_id: str | None = None
    poverty_responsibility: str | None = Field(None, max_length=2000, description="R11: the entity's responsibility for lifting the household out of poverty")
    guaranteed_return_fen_per_year: int | None = Field(None, strict=True, ge=0)


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


class RepaymentIn(BaseModel):
    model_config = _examples({"amount_fen": 500000, "paid_on": "2026-12-20"})

    amount_fen: int = Fen
    paid_on: date


class OverdueIn(BaseModel):
    model_config = _examples({"overdue_since": "2027-01-10"})

    overdue_since: date


class LoanReturnIn(BaseModel):
    model_config = _examples({"amount_fen": 240000, "paid_on": "2026-12-31"})

    amount_fen: int = Fen
    paid_on: date


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


# ---- disbursement --------------------------------------------------------------------------------------


class VoucherIn(BaseModel):
    number: str = Field(min_length=1, max_length=60)
    description: str = Field(min_length=1, max_length=300)
    amount_fen: int = Fen


class PaymentRequestIn(BaseModel):
    model_config = _examples(
        {"amount_fen": 1_200_000, "requested_on": "2026-04-02", "vouchers": [{"number": "FP-001", "description": "茶苗采购发票", "amount_fen": 800_000},
                                                                              {"number": "FP-002", "description": "灌溉设施工程款", "amount_fen": 400_000}]}
    )

    amount_fen: int = Fen
    requested_on: date
    vouchers: list[VoucherIn] = Field(min_length=1)

    @model_validator(mode="after")
    def _vouchers_cover_amount(self) -> "PaymentRequestIn":
        if sum(v.amount_fen for v in self.vouchers) != self.amount_fen:
            raise ValueError("the vouchers must add up to amount_fen")
        return self


class PayIn(BaseModel):
    model_config = _examples({"paid_on": "2026-06-30"})

    paid_on: date


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
