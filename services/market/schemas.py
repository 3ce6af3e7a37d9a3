"""What the market API takes and returns (and the partner webhook payload contract)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, Strict, StringConstraints, field_validator, model_validator

from services.market import domain
from shared.bounds import DATE_MAX, DATE_MIN, Flag, PolicyDate, StrictInput, UnitPriceFen, text
from shared.events.market import BuyerKind, ChannelKind, ColdChainKind, CoveredBase, EcommerceLevel, Grade, Unit, WindowForm
from shared.problems import InvalidInput
from shared.regions import INDUSTRIES, division_code_problem


def _quantity(value: str) -> str:
    try:
        domain.parse_quantity(value, field="quantity")
    except InvalidInput as exc:
        raise ValueError(exc.detail_en or str(exc)) from None
    return value


# A decimal string in the unit, > 0, at most three decimals and at most MAX_QUANTITY units; never a JSON number.
Quantity = Annotated[
    str,
    Strict(),
    StringConstraints(max_length=20),
    AfterValidator(_quantity),
    Field(
        description=f'decimal string, > 0, at most {domain.QUANTITY_DECIMALS} decimals, at most {domain.MAX_QUANTITY:,} units: "12.5"',
        examples=["12.5"],
    ),
]
# Quantities as the API answers them (read models need no validation).
QuantityOut = str
# Ids of other objects: UUIDv7 strings (36 characters).
Ref = text(36, description="an id")
LineNo = Annotated[int, Strict(), Field(ge=1, le=domain.MAX_LINES, description=f"an order line number, 1 … {domain.MAX_LINES}")]
PartnerCode = Annotated[str, Strict(), StringConstraints(pattern=r"^[a-z][a-z0-9_]{1,39}$")]
CountyCode = Annotated[str, Strict(), StringConstraints(pattern=r"^[0-9]{6}$")]
TownshipCode = Annotated[str, Strict(), StringConstraints(pattern=r"^[0-9]{9}$")]


def _product(value: str) -> str:
    if value not in INDUSTRIES:
        raise ValueError(f"unknown product {value!r}; one of the 453 industries: {', '.join(INDUSTRIES)}")
    return value


Product = Annotated[str, Strict(), AfterValidator(_product), Field(description="one of the 453 industries, e.g. `tea`")]


def _village(value: str) -> str:
    problem = division_code_problem(value)
    if problem:
        raise ValueError(f"invalid village code: {problem}")
    return value


VillageCode = Annotated[
    str, Strict(), StringConstraints(pattern=r"^[0-9]{12}$"), AfterValidator(_village), Field(description="a village's 12-digit division code")
]


def _in_window(value: datetime) -> datetime:
    if not DATE_MIN <= value.date() <= DATE_MAX:
        raise ValueError(f"time must lie within {DATE_MIN.isoformat()} … {DATE_MAX.isoformat()}")
    return value


PolicyTime = Annotated[AwareDatetime, AfterValidator(_in_window), Field(description=f"ISO 8601 with a time zone, within {DATE_MIN} … {DATE_MAX}")]


# ---- webhook payload (partners post this) -----------------------------------------------------

WEBHOOK_EXAMPLE: dict[str, Any] = {
    "type": "order.created",
    "timestamp": "2026-03-01T08:00:00Z",
    "data": {
        "partner_order_id": "JD-20260301-0001",
        "placed_at": "2026-03-01T07:59:12Z",
        "buyer": {"kind": "enterprise", "name": "东莞某食品有限公司"},
        "supply": {"village_code": "440232100201"},
        "lines": [{"line_no": 1, "product": "tea", "product_name": "必背红茶 250g", "quantity": "12.5", "unit": "kg", "unit_price_fen": 16000}],
    },
}


class WebhookBuyer(StrictInput):
    kind: BuyerKind
    name: text(200) | None = None  # type: ignore[valid-type]  # text(n)/Ref are Annotated types built by a call; mypy reads no call as a type


class WebhookSupply(StrictInput):
    """Who supplies the order: a village (its contracted households) or a cooperative/operating entity."""

    village_code: VillageCode | None = None
    entity_id: Ref | None = None  # type: ignore[valid-type]  # text(n)/Ref are Annotated types built by a call; mypy reads no call as a type

    @model_validator(mode="after")
    def _one(self) -> WebhookSupply:
        if (self.village_code is None) == (self.entity_id is None):
            raise ValueError("give exactly one of village_code or entity_id")
        return self


class WebhookLine(StrictInput):
    line_no: LineNo
    product: Product
    product_name: text(200) | None = None  # type: ignore[valid-type]  # text(n)/Ref are Annotated types built by a call; mypy reads no call as a type
    quantity: Quantity
    unit: Unit
    unit_price_fen: UnitPriceFen


class WebhookOrder(StrictInput):
    partner_order_id: text(100)  # type: ignore[valid-type]  # text(n)/Ref are Annotated types built by a call; mypy reads no call as a type
    placed_at: PolicyTime
    buyer: WebhookBuyer
    supply: WebhookSupply
    lines: list[WebhookLine] = Field(min_length=1, max_length=domain.MAX_ORDER_LINES)

    @field_validator("lines")
    @classmethod
    def _distinct_line_numbers(cls, lines: list[WebhookLine]) -> list[WebhookLine]:
        seen = set()
        for line in lines:
            if line.line_no in seen:
                raise ValueError(f"line_no {line.line_no} appears twice")
            seen.add(line.line_no)
        return lines


class WebhookPayload(StrictInput):
    """The body of ``POST /market/v1/webhooks/{partner}`` (Standard Webhooks: ``type``, ``timestamp``, ``data``)."""

    model_config = ConfigDict(json_schema_extra={"examples": [WEBHOOK_EXAMPLE]})
    type: Literal["order.created"]
    timestamp: datetime | None = None
    data: WebhookOrder


class WebhookAccepted(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"order_id": "0192f0a4-7c3e-7000-8000-00000000a001", "partner_order_id": "JD-20260301-0001", "status": "accepted"}]}
    )
    order_id: str
    partner_order_id: str
    status: Literal["accepted", "duplicate"]


# ---- partners (admin) -------------------------------------------------------------------------


class PartnerIn(StrictInput):
    model_config = ConfigDict(json_schema_extra={"examples": [{"code": "gdfresh", "name": "粤鲜平台", "allowed_products": ["tea", "fruit"]}]})
    code: PartnerCode
    name: text(100)  # type: ignore[valid-type]  # text(n)/Ref are Annotated types built by a call; mypy reads no call as a type
    allowed_products: list[Product] = Field(default_factory=lambda: list(INDUSTRIES), max_length=len(INDUSTRIES) * 4)
    enabled: Flag = True


class PartnerPatch(StrictInput):
    model_config = ConfigDict(json_schema_extra={"examples": [{"enabled": False}, {"allowed_products": ["tea"]}]})
    enabled: Flag | None = None
    allowed_products: list[Product] | None = Field(None, max_length=len(INDUSTRIES) * 4)


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
            "examples": [
                {
                    "id": "0192f0a4-7c3e-7000-8000-00000000s001",
                    "partner": "jd",
                    "masked": "whsec_…x5Q=",
                    "created_at": "2026-03-01T08:00:00Z",
                    "revoked_at": None,
                }
            ]
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


class ContractIn(StrictInput):
    model_config = ConfigDict(
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
    entity_id: Ref  # type: ignore[valid-type]  # text(n)/Ref are Annotated types built by a call; mypy reads no call as a type
    household_id: Ref  # type: ignore[valid-type]  # text(n)/Ref are Annotated types built by a call; mypy reads no call as a type
    product: Product
    quantity: Quantity
    unit: Unit
    floor_price_fen: UnitPriceFen = Field(description="guaranteed floor price (保底价), fen per unit, above zero (R12)")
    starts_on: PolicyDate
    ends_on: PolicyDate

    @model_validator(mode="after")
    def _term(self) -> ContractIn:
        if self.ends_on < self.starts_on:
            raise ValueError("ends_on is before starts_on")
        return self


class ContractOut(BaseModel):
    id: str
    entity_id: str
    household_id: str
    village_code: str
    product: str
    quantity: QuantityOut
    unit: str
    floor_price_fen: int
    starts_on: date
    ends_on: date
    delivered: QuantityOut
    settled_fen: int


class OrderLineRef(StrictInput):
    order_id: Ref  # type: ignore[valid-type]  # text(n)/Ref are Annotated types built by a call; mypy reads no call as a type
    line_no: LineNo


class DeliveryIn(StrictInput):
    model_config = ConfigDict(
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
    quantity: Quantity
    grade: Grade = "ungraded"
    delivered_on: PolicyDate
    market_price_fen: UnitPriceFen = Field(description="market price of the day, fen per unit")
    order_line: OrderLineRef | None = Field(None, description="the partner order line this whole delivery fills; the income's lineage then names the order")


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
    quantity: QuantityOut
    unit: str
    grade: str
    delivered_on: date
    market_price_fen: int
    floor_price_fen: int
    paid_price_fen: int
    amount_fen: int
    floor_applied: bool
    unallocated: QuantityOut


class OrderLineOut(BaseModel):
    line_no: int
    product: str
    product_name: str | None
    quantity: QuantityOut
    unit: str
    unit_price_fen: int
    amount_fen: int
    filled: QuantityOut


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


class FillIn(StrictInput):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"line_no": 1, "delivery_id": "0192f0a4-7c3e-7000-8000-00000000d001", "quantity": "12.5"}]},
    )
    line_no: LineNo
    delivery_id: Ref  # type: ignore[valid-type]  # text(n)/Ref are Annotated types built by a call; mypy reads no call as a type
    quantity: Quantity


class FillOut(BaseModel):
    id: str
    order_id: str
    line_no: int
    delivery_id: str
    contract_id: str
    household_id: str
    village_code: str
    entity_id: str
    quantity: QuantityOut


# ---- market linkage (R18–R21) -----------------------------------------------------------------


class ChannelIn(StrictInput):
    model_config = ConfigDict(
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
    village_code: VillageCode
    kind: ChannelKind
    counterparty: text(200)  # type: ignore[valid-type]  # text(n)/Ref are Annotated types built by a call; mypy reads no call as a type
    partner: PartnerCode | None = Field(None, description="the partner platform's code when kind is partner_platform")
    product: Product | None = None
    period_start: PolicyDate
    period_end: PolicyDate
    volume: Quantity
    unit: Unit

    @model_validator(mode="after")
    def _period(self) -> ChannelIn:
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
    volume: QuantityOut
    unit: str


class WindowIn(StrictInput):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"village_code": "440232100201", "form": "online", "opened_on": "2026-03-15", "address_or_url": "https://shop.example.cn/bibei"}]
        },
    )
    village_code: VillageCode
    paired_unit: text(200, description="defaults to the village's paired assisting unit") | None = None  # type: ignore[valid-type]  # text(n)/Ref are Annotated types built by a call; mypy reads no call as a type
    form: WindowForm
    opened_on: PolicyDate
    address_or_url: text(500) | None = None  # type: ignore[valid-type]  # text(n)/Ref are Annotated types built by a call; mypy reads no call as a type


class WindowOut(BaseModel):
    id: str
    village_code: str
    paired_unit: str
    form: str
    opened_on: date
    address_or_url: str | None


class CoveredBaseIn(StrictInput):
    """An industry base a facility or station covers, as the API takes it (the event carries ``CoveredBase``)."""

    base_code: text(60)  # type: ignore[valid-type]  # text(n)/Ref are Annotated types built by a call; mypy reads no call as a type
    name: text(200)  # type: ignore[valid-type]  # text(n)/Ref are Annotated types built by a call; mypy reads no call as a type
    industry: Product
    township_code: TownshipCode | None = None
    is_large: Flag = Field(False, description="a large (township) production base: R20 and R21 pre-cooling speak of these")

    def fact(self) -> CoveredBase:
        return CoveredBase.model_validate(self.model_dump())


class _Coverage(StrictInput):
    covered_village_codes: list[VillageCode] = Field(default_factory=list, max_length=2000)
    covered_bases: list[CoveredBaseIn] = Field(default_factory=list, max_length=500)


class EcommercePointIn(_Coverage):
    model_config = ConfigDict(
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
    name: text(200)  # type: ignore[valid-type]  # text(n)/Ref are Annotated types built by a call; mypy reads no call as a type
    county_code: CountyCode
    township_code: TownshipCode | None = None
    village_code: VillageCode | None = None
    opened_on: PolicyDate


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
    name: text(200)  # type: ignore[valid-type]  # text(n)/Ref are Annotated types built by a call; mypy reads no call as a type
    county_code: CountyCode
    township_code: TownshipCode | None = None
    capacity: Quantity | None = None
    capacity_unit: text(20) | None = None  # type: ignore[valid-type]  # text(n)/Ref are Annotated types built by a call; mypy reads no call as a type
    opened_on: PolicyDate


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
