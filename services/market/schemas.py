"""What the market API takes and returns (and the partner webhook payload contract)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator, model_validator

from shared.events.market import BuyerKind, ChannelKind, ColdChainKind, CoveredBase, EcommerceLevel, Grade, Unit, WindowForm
from shared.regions import INDUSTRIES, division_code_problem

Quantity = str  # a decimal string with at most three decimals, e.g. "12.5"


def _village(value: str) -> str:
    problem = division_code_problem(value)
    if problem:
        raise ValueError(f"invalid village code: {problem}")
    return value


def _product(value: str) -> str:
    if value not in INDUSTRIES:
        raise ValueError(f"unknown product {value!r}; one of the 453 industries: {', '.join(INDUSTRIES)}")
    return value


# ---- webhook payload (partners post this) -----------------------------------------------------

WEBHOOK_EXAMPLE = {
    "type": "order.created",
    "timestamp": "2026-03-01T08:00:00Z",
    "data": {
        "partner_order_id": "JD-20260301-0001",
        "placed_at": "2026-03-01T07:59:12Z",
        "buyer": {"kind": "enterprise", "name": "东莞某食品有限公司"},
        "supply": {"village_code": "440232100201"},
        "lines": [
            {"line_no": 1, "product": "tea", "product_name": "必背红茶 250g", "quantity": "12.5", "unit": "kg", "unit_price_fen": 16000}
        ],
    },
}


class WebhookBuyer(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: BuyerKind
    name: str | None = Field(None, max_length=200)


class WebhookSupply(BaseModel):
    """Who supplies the order: a village (its contracted households) or a cooperative/operating entity."""

    model_config = ConfigDict(extra="forbid")
    village_code: str | None = None
    entity_id: str | None = Field(None, max_length=36)

    @field_validator("village_code")
    @classmethod
    def _code(cls, value: str | None) -> str | None:
        return _village(value) if value is not None else None

    @model_validator(mode="after")
    def _one(self) -> "WebhookSupply":
        if (self.village_code is None) == (self.entity_id is None):
            raise ValueError("give exactly one of village_code or entity_id")
        return self


class WebhookLine(BaseModel):
    model_config = ConfigDict(extra="forbid")
    line_no: int = Field(ge=1, le=10_000)
    product: str = Field(description="one of the 453 industries, e.g. `tea`")
    product_name: str | None = Field(None, max_length=200)
    quantity: Quantity = Field(max_length=20, description='decimal string, at most 3 decimals: "12.5"')
    unit: Unit
    unit_price_fen: int = Field(ge=0, le=100_000_000, strict=True)

    _product = field_validator("product")(classmethod(lambda cls, v: _product(v)))


class WebhookOrder(BaseModel):
    model_config = ConfigDict(extra="forbid")
    partner_order_id: str = Field(min_length=1, max_length=100)
    placed_at: AwareDatetime = Field(description="ISO 8601 with a time zone")
    buyer: WebhookBuyer
    supply: WebhookSupply
    lines: list[WebhookLine] = Field(min_length=1, max_length=500)

    @field_validator("lines")
    @classmethod
    def _distinct_line_numbers(cls, lines: list[WebhookLine]) -> list[WebhookLine]:
        seen = set()
        for line in lines:
            if line.line_no in seen:
                raise ValueError(f"line_no {line.line_no} appears twice")
            seen.add(line.line_no)
        return lines


class WebhookPayload(BaseModel):
    """The body of ``POST /market/v1/webhooks/{partner}`` (Standard Webhooks: ``type``, ``timestamp``, ``data``)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [WEBHOOK_EXAMPLE]})
    type: Literal["order.created"]
    timestamp: datetime | None = None
    data: WebhookOrder


class WebhookAccepted(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"order_id": "0192f0a4-7c3e-7000-8000-00000000a001", "partner_order_id": "JD-20260301-0001", "status": "accepted"}]
        }
    )
    order_id: str
    partner_order_id: str
    status: Literal["accepted", "duplicate"]


# ---- partners (admin) -------------------------------------------------------------------------


class PartnerIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"code": "gdfresh", "name": "粤鲜平台", "allowed_products": ["tea", "fruit"]}]}
    )
    code: str = Field(pattern=r"^[a-z][a-z0-9_]{1,39}$")
    name: str = Field(min_length=1, max_length=100)
    allowed_products: list[str] = Field(default_factory=lambda: list(INDUSTRIES))
    enabled: bool = True

    @field_validator("allowed_products")
    @classmethod
    def _products(cls, values: list[str]) -> list[str]:
        return [_product(v) for v in values]


class PartnerPatch(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"enabled": False}, {"allowed_products": ["tea"]}]})
    enabled: bool | None = None
    allowed_products: list[str] | None = None

    @field_validator("allowed_products")
    @classmethod
    def _products(cls, values: list[str] | None) -> list[str] | None:
        return [_product(v) for v in values] if values is not None else None


class PartnerOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"code": "jd", "name": "京东", "enabled": True, "allowed_products": ["tea"], "active_secrets": 1}]}
    )
    code: str
    name: str
    enabled: bool
    allowed_products: list[str]
    active_secrets: int


class SecretOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"id": "0192f0a4-7c3e-7000-8000-00000000s001", "partner": "jd", "masked": "whsec_…x5Q=", "created_at": "2026-03-01T08:00:00Z", "revoked_at": None}]
        }
    )
    id: str
    partner: str
    masked: str
    created_at: datetime
    revoked_at: datetime | None


class SecretCreated(SecretOut):
    secret: str = Field(description="shown once: store it now; only a masked form is shown later")


# ---- order contracts, deliveries, fills (R12) -------------------------------------------------


class ContractIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "entity_id": "0192f0a4-7c3e-7000-8000-000000000001",
                    "household_id": "0192f0a4-7c3e-7000-8000-1a2b3c4d5e6f",
                    "product": "tea",
                    "quantity": "500",
                    "unit": "kg",
                    "floor_price_fen": 12000,
                    "starts_on": "2026-03-01",
                    "ends_on": "2026-12-31",
                }
            ]
        },
    )
    entity_id: str = Field(max_length=36)
    household_id: str = Field(max_length=36)
    product: str
    quantity: Quantity = Field(max_length=20)
    unit: Unit
    floor_price_fen: int = Field(strict=True, description="guaranteed floor price (保底价), fen per unit")
    starts_on: date
    ends_on: date

    _product = field_validator("product")(classmethod(lambda cls, v: _product(v)))

    @model_validator(mode="after")
    def _term(self) -> "ContractIn":
        if self.ends_on < self.starts_on:
            raise ValueError("ends_on is before starts_on")
        return self


class ContractOut(BaseModel):
    id: str
    entity_id: str
    household_id: str
    village_code: str
    product: str
    quantity: Quantity
    unit: str
    floor_price_fen: int
    starts_on: date
    ends_on: date
    delivered: Quantity
    settled_fen: int


class OrderLineRef(BaseModel):
    model_config = ConfigDict(extra="forbid")
    order_id: str = Field(max_length=36)
    line_no: int = Field(ge=1)


class DeliveryIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"quantity": "20.5", "grade": "first", "delivered_on": "2026-04-10", "market_price_fen": 11000},
                {
                    "quantity": "12.5",
                    "grade": "first",
                    "delivered_on": "2026-04-10",
                    "market_price_fen": 11000,
                    "order_line": {"order_id": "0192f0a4-7c3e-7000-8000-00000000a001", "line_no": 1},
                },
            ]
        },
    )
    quantity: Quantity = Field(max_length=20)
    grade: Grade = "ungraded"
    delivered_on: date
    market_price_fen: int = Field(ge=0, le=100_000_000, strict=True, description="market price of the day, fen per unit")
    order_line: OrderLineRef | None = Field(
        None, description="the partner order line this whole delivery fills; the income's lineage then names the order"
    )


class DeliveryOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "0192f0a4-7c3e-7000-8000-00000000d001",
                    "contract_id": "0192f0a4-7c3e-7000-8000-00000000c001",
                    "household_id": "0192f0a4-7c3e-7000-8000-1a2b3c4d5e6f",
                    "quantity": "20.5",
                    "unit": "kg",
                    "grade": "first",
                    "delivered_on": "2026-04-10",
                    "market_price_fen": 11000,
                    "floor_price_fen": 12000,
                    "paid_price_fen": 12000,
                    "amount_fen": 246000,
                    "floor_applied": True,
                    "unallocated": "20.5",
                }
            ]
        }
    )
    id: str
    contract_id: str
    household_id: str
    quantity: Quantity
    unit: str
    grade: str
    delivered_on: date
    market_price_fen: int
    floor_price_fen: int
    paid_price_fen: int
    amount_fen: int
    floor_applied: bool
    unallocated: Quantity


class OrderLineOut(BaseModel):
    line_no: int
    product: str
    product_name: str | None
    quantity: Quantity
    unit: str
    unit_price_fen: int
    amount_fen: int
    filled: Quantity


class OrderOut(BaseModel):
    id: str
    partner: str
    partner_order_id: str
    buyer_kind: str
    buyer_name: str | None
    village_code: str | None
    entity_id: str | None
    total_fen: int
    placed_at: datetime
    lines: list[OrderLineOut]


class FillIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"line_no": 1, "delivery_id": "0192f0a4-7c3e-7000-8000-00000000d001", "quantity": "12.5"}]},
    )
    line_no: int = Field(ge=1)
    delivery_id: str = Field(max_length=36)
    quantity: Quantity = Field(max_length=20)


class FillOut(BaseModel):
    id: str
    order_id: str
    line_no: int
    delivery_id: str
    contract_id: str
    household_id: str
    village_code: str
    entity_id: str
    quantity: Quantity


# ---- market linkage (R18–R21) -----------------------------------------------------------------


class ChannelIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "village_code": "440232100201",
                    "kind": "school_canteen",
                    "counterparty": "乳源县第一中学食堂",
                    "product": "vegetables",
                    "period_start": "2026-03-01",
                    "period_end": "2027-02-28",
                    "volume": "20000",
                    "unit": "kg",
                }
            ]
        },
    )
    village_code: str
    kind: ChannelKind
    counterparty: str = Field(min_length=1, max_length=200)
    partner: str | None = Field(None, description="the partner platform's code when kind is partner_platform")
    product: str | None = None
    period_start: date
    period_end: date
    volume: Quantity = Field(max_length=20)
    unit: Unit

    _code = field_validator("village_code")(classmethod(lambda cls, v: _village(v)))

    @field_validator("product")
    @classmethod
    def _prod(cls, value: str | None) -> str | None:
        return _product(value) if value is not None else None

    @model_validator(mode="after")
    def _period(self) -> "ChannelIn":
        if self.period_end < self.period_start:
            raise ValueError("period_end is before period_start")
        if self.kind == "partner_platform" and not self.partner:
            raise ValueError("a partner_platform channel names its partner")
        return self


class ChannelOut(BaseModel):
    id: str
    village_code: str
    kind: str
    counterparty: str
    partner: str | None
    product: str | None
    period_start: date
    period_end: date
    volume: Quantity
    unit: str


class WindowIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"village_code": "440232100201", "form": "online", "opened_on": "2026-03-15", "address_or_url": "https://shop.example.cn/bibei"}]
        },
    )
    village_code: str
    paired_unit: str | None = Field(None, max_length=200, description="defaults to the village's paired assisting unit")
    form: WindowForm
    opened_on: date
    address_or_url: str | None = Field(None, max_length=500)

    _code = field_validator("village_code")(classmethod(lambda cls, v: _village(v)))


class WindowOut(BaseModel):
    id: str
    village_code: str
    paired_unit: str
    form: str
    opened_on: date
    address_or_url: str | None


class _Coverage(BaseModel):
    covered_village_codes: list[str] = Field(default_factory=list, max_length=2000)
    covered_bases: list[CoveredBase] = Field(default_factory=list, max_length=500)

    @field_validator("covered_village_codes")
    @classmethod
    def _codes(cls, values: list[str]) -> list[str]:
        return [_village(v) for v in values]


class EcommercePointIn(_Coverage):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "level": "township_station",
                    "name": "必背镇电商服务站",
                    "county_code": "440232",
                    "township_code": "440232100",
                    "covered_village_codes": ["440232100201"],
                    "covered_bases": [{"base_code": "RY-TEA-01", "name": "必背茶叶基地", "industry": "tea", "is_large": True}],
                    "opened_on": "2026-03-01",
                }
            ]
        },
    )
    level: EcommerceLevel
    name: str = Field(min_length=1, max_length=200)
    county_code: str = Field(min_length=6, max_length=6)
    township_code: str | None = Field(None, min_length=9, max_length=9)
    village_code: str | None = Field(None, min_length=12, max_length=12)
    opened_on: date


class EcommercePointOut(BaseModel):
    id: str
    level: str
    name: str
    county_code: str
    township_code: str | None
    village_code: str | None
    covered_village_codes: list[str]
    covered_bases: list[CoveredBase]
    opened_on: date


class ColdChainIn(_Coverage):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "kind": "pre_cooling",
                    "name": "必背镇茶叶预冷库",
                    "county_code": "440232",
                    "township_code": "440232100",
                    "capacity": "200",
                    "capacity_unit": "ton",
                    "covered_village_codes": ["440232100201"],
                    "covered_bases": [{"base_code": "RY-TEA-01", "name": "必背茶叶基地", "industry": "tea", "is_large": True}],
                    "opened_on": "2026-03-01",
                }
            ]
        },
    )
    kind: ColdChainKind
    name: str = Field(min_length=1, max_length=200)
    county_code: str = Field(min_length=6, max_length=6)
    township_code: str | None = Field(None, min_length=9, max_length=9)
    capacity: Quantity | None = Field(None, max_length=20)
    capacity_unit: str | None = Field(None, max_length=20)
    opened_on: date


class ColdChainOut(BaseModel):
    id: str
    kind: str
    name: str
    county_code: str
    township_code: str | None
    capacity: str | None
    capacity_unit: str | None
    covered_village_codes: list[str]
    covered_bases: list[CoveredBase]
    opened_on: date


class IndicatorOut(BaseModel):
    rule: str
    met: bool
    count: int


class VillageLinksOut(BaseModel):
    """Market linkage of one village on a day: R18–R21 as the market service sees them."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "village_code": "440232100201",
                    "on": "2026-06-01",
                    "r18_direct_supply": {"rule": "R18", "met": True, "count": 1},
                    "r19_showcase_window": {"rule": "R19", "met": True, "count": 1},
                    "r20_ecommerce_station": {"rule": "R20", "met": False, "count": 0},
                    "r21_cold_chain": {"rule": "R21", "met": True, "count": 2},
                }
            ]
        }
    )
    village_code: str
    on: date
    r18_direct_supply: IndicatorOut
    r19_showcase_window: IndicatorOut
    r20_ecommerce_station: IndicatorOut
    r21_cold_chain: IndicatorOut


class BaseLinksOut(BaseModel):
    """E-commerce and cold-chain coverage of one industry base (R20, R21) as the market service holds it."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "base_code": "RY-TEA-01",
                    "name": "必背茶叶基地",
                    "is_large": True,
                    "on": "2026-06-01",
                    "r20_ecommerce_station": {"rule": "R20", "met": True, "count": 1},
                    "r21_cold_chain": {"rule": "R21", "met": True, "count": 2},
                    "r21_pre_cooling": {"rule": "R21", "met": True, "count": 1},
                }
            ]
        }
    )
    base_code: str
    name: str | None
    is_large: bool
    on: date
    r20_ecommerce_station: IndicatorOut
    r21_cold_chain: IndicatorOut
    r21_pre_cooling: IndicatorOut
