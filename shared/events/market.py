"""Facts the market service publishes (topic ``<prefix>market``).

Quantities travel as decimal strings (``"1250.5"``) in the contract's unit, never floats; money is
integer fen. ``delivery_settled`` pays a household: its ``income`` is ``order_production`` (§5.1, R12).
R18–R21 village indicators are computed by the ledger from the channel, window, e-commerce point
and cold-chain facts below.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.events.contracts import EventData, contract
from shared.events.income import IncomeLine

Unit = Literal["kg", "jin", "ton", "head", "piece", "box"]
Grade = Literal["premium", "first", "second", "ungraded"]
BuyerKind = Literal["consumer", "enterprise", "school_canteen", "institution_canteen", "restaurant_hotel", "distributor", "wholesale_market", "government"]
ChannelKind = Literal["school_canteen", "institution_canteen", "restaurant_hotel", "distributor", "wholesale_market", "partner_platform"]
WindowForm = Literal["physical", "online"]
EcommerceLevel = Literal["county_centre", "township_station", "village_shop"]
ColdChainKind = Literal["storage", "transport", "processing", "pre_cooling"]


class CoveredBase(BaseModel):
    """An industry base (产业基地) a facility or station covers; ``base_code`` is the county's own identifier."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    base_code: str = Field(min_length=1, max_length=60)
    name: str = Field(min_length=1, max_length=200)
    industry: str = Field(description="one of the 453 industries, e.g. `tea`")
    township_code: str | None = Field(None, min_length=9, max_length=9)
    is_large: bool = Field(False, description="a large (township) production base: R20 and R21 pre-cooling speak of these")


class OrderLineFact(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    line_no: int
    product: str
    quantity: str
    unit: Unit
    unit_price_fen: int
    amount_fen: int


@contract("market", "partner_order_received", 1, subject="order_id")
class PartnerOrderReceived(EventData):
    """A partner platform (§6.1) sent an order for a village's or cooperative's produce (signed webhook)."""

    order_id: str
    partner: str
    partner_order_id: str
    buyer_kind: BuyerKind
    village_code: str | None = Field(None, min_length=12, max_length=12)
    entity_id: str | None = None
    lines: list[OrderLineFact]
    total_fen: int
    placed_on: date
    example = {
        "order_id": "0192f0a4-7c3e-7000-8000-00000000a001",
        "partner": "jd",
        "partner_order_id": "JD-20260301-0001",
        "buyer_kind": "enterprise",
        "village_code": "440232100201",
        "entity_id": None,
        "lines": [{"line_no": 1, "product": "tea", "quantity": "12.5", "unit": "kg", "unit_price_fen": 16000, "amount_fen": 200000}],
        "total_fen": 200000,
        "placed_on": "2026-03-01",
    }


@contract("market", "order_contract_signed", 1, subject="contract_id")
class OrderContractSigned(EventData):
    """R12: an operating entity contracts a household's produce at a guaranteed floor price (保底价包销)."""

    contract_id: str
    entity_id: str
    household_id: str
    village_code: str = Field(min_length=12, max_length=12)
    product: str
    quantity: str
    unit: Unit
    floor_price_fen: int = Field(ge=0, description="floor price in fen per unit")
    starts_on: date
    ends_on: date
    example = {
        "contract_id": "0192f0a4-7c3e-7000-8000-00000000c001",
        "entity_id": "0192f0a4-7c3e-7000-8000-000000000001",
        "household_id": "0192f0a4-7c3e-7000-8000-1a2b3c4d5e6f",
        "village_code": "440232100201",
        "product": "tea",
        "quantity": "500",
        "unit": "kg",
        "floor_price_fen": 12000,
        "starts_on": "2026-03-01",
        "ends_on": "2026-12-31",
    }


@contract("market", "delivery_settled", 1, subject="delivery_id")
class DeliverySettled(EventData):
    """R12: a delivery under an order contract was settled at max(floor, market) per unit; ``income`` is ``order_production``."""

    delivery_id: str
    contract_id: str
    entity_id: str
    product: str
    quantity: str
    unit: Unit
    grade: Grade
    delivered_on: date
    market_price_fen: int
    floor_price_fen: int
    paid_price_fen: int = Field(description="max(floor, market) per unit")
    floor_applied: bool = Field(description="the floor price was above the market price of the day")
    income: IncomeLine
    example = {
        "delivery_id": "0192f0a4-7c3e-7000-8000-00000000d001",
        "contract_id": "0192f0a4-7c3e-7000-8000-00000000c001",
        "entity_id": "0192f0a4-7c3e-7000-8000-000000000001",
        "product": "tea",
        "quantity": "20.5",
        "unit": "kg",
        "grade": "first",
        "delivered_on": "2026-04-10",
        "market_price_fen": 11000,
        "floor_price_fen": 12000,
        "paid_price_fen": 12000,
        "floor_applied": True,
        "income": {
            "household_id": "0192f0a4-7c3e-7000-8000-1a2b3c4d5e6f",
            "village_code": "440232100201",
            "benefit_type": "order_production",
            "amount_fen": 246000,
            "occurred_on": "2026-04-10",
            "lineage": {
                "entity_id": "0192f0a4-7c3e-7000-8000-000000000001",
                "contract_id": "0192f0a4-7c3e-7000-8000-00000000c001",
                "delivery_id": "0192f0a4-7c3e-7000-8000-00000000d001",
            },
        },
    }


@contract("market", "order_line_filled", 1, subject="fill_id")
class OrderLineFilled(EventData):
    """A partner order line was filled from a household's contracted delivery (who grew what was sold)."""

    fill_id: str
    order_id: str
    partner: str
    line_no: int
    delivery_id: str
    contract_id: str
    household_id: str
    village_code: str = Field(min_length=12, max_length=12)
    entity_id: str
    product: str
    quantity: str
    unit: Unit
    example = {
        "fill_id": "0192f0a4-7c3e-7000-8000-00000000f001",
        "order_id": "0192f0a4-7c3e-7000-8000-00000000a001",
        "partner": "jd",
        "line_no": 1,
        "delivery_id": "0192f0a4-7c3e-7000-8000-00000000d001",
        "contract_id": "0192f0a4-7c3e-7000-8000-00000000c001",
        "household_id": "0192f0a4-7c3e-7000-8000-1a2b3c4d5e6f",
        "village_code": "440232100201",
        "entity_id": "0192f0a4-7c3e-7000-8000-000000000001",
        "product": "tea",
        "quantity": "12.5",
        "unit": "kg",
    }


@contract("market", "direct_supply_channel_opened", 1, subject="channel_id")
class DirectSupplyChannelOpened(EventData):
    """R18: a village's directed direct-supply channel (定向直通) with its period and volume."""

    channel_id: str
    village_code: str = Field(min_length=12, max_length=12)
    kind: ChannelKind
    counterparty: str
    partner: str | None = None
    product: str | None = None
    period_start: date
    period_end: date
    volume: str = Field(description="agreed volume over the period, decimal string")
    unit: Unit
    example = {
        "channel_id": "0192f0a4-7c3e-7000-8000-00000000e001",
        "village_code": "440232100201",
        "kind": "school_canteen",
        "counterparty": "乳源县第一中学食堂",
        "partner": None,
        "product": "vegetables",
        "period_start": "2026-03-01",
        "period_end": "2027-02-28",
        "volume": "20000",
        "unit": "kg",
    }


@contract("market", "showcase_window_opened", 1, subject="window_id")
class ShowcaseWindowOpened(EventData):
    """R19: a village's physical or online showcase window (展销窗口) at its paired assisting unit."""

    window_id: str
    village_code: str = Field(min_length=12, max_length=12)
    paired_unit: str
    form: WindowForm
    opened_on: date
    address_or_url: str | None = None
    example = {
        "window_id": "0192f0a4-7c3e-7000-8000-00000000b001",
        "village_code": "440232100201",
        "paired_unit": "东莞市某局",
        "form": "online",
        "opened_on": "2026-03-15",
        "address_or_url": "https://shop.example.cn/bibei",
    }


@contract("market", "ecommerce_point_registered", 1, subject="point_id")
class EcommercePointRegistered(EventData):
    """R20: a county e-commerce centre, township station or village shop and the villages and bases it covers."""

    point_id: str
    level: EcommerceLevel
    name: str
    county_code: str = Field(min_length=6, max_length=6)
    township_code: str | None = Field(None, min_length=9, max_length=9)
    village_code: str | None = Field(None, min_length=12, max_length=12)
    covered_village_codes: list[str] = Field(default_factory=list)
    covered_bases: list[CoveredBase] = Field(default_factory=list)
    opened_on: date
    example = {
        "point_id": "0192f0a4-7c3e-7000-8000-00000000e101",
        "level": "township_station",
        "name": "必背镇电商服务站",
        "county_code": "440232",
        "township_code": "440232100",
        "village_code": None,
        "covered_village_codes": ["440232100201", "440232100202"],
        "covered_bases": [{"base_code": "RY-TEA-01", "name": "必背茶叶基地", "industry": "tea", "township_code": "440232100", "is_large": True}],
        "opened_on": "2026-03-01",
    }


@contract("market", "cold_chain_facility_registered", 1, subject="facility_id")
class ColdChainFacilityRegistered(EventData):
    """R21: a cold-chain facility (storage, transport, processing, pre-cooling) and the bases and villages it covers."""

    facility_id: str
    kind: ColdChainKind
    name: str
    county_code: str = Field(min_length=6, max_length=6)
    township_code: str | None = Field(None, min_length=9, max_length=9)
    capacity: str | None = Field(None, description="decimal string in `capacity_unit`")
    capacity_unit: str | None = None
    covered_village_codes: list[str] = Field(default_factory=list)
    covered_bases: list[CoveredBase] = Field(default_factory=list)
    opened_on: date
    example = {
        "facility_id": "0192f0a4-7c3e-7000-8000-00000000c101",
        "kind": "pre_cooling",
        "name": "必背镇茶叶预冷库",
        "county_code": "440232",
        "township_code": "440232100",
        "capacity": "200",
        "capacity_unit": "ton",
        "covered_village_codes": ["440232100201"],
        "covered_bases": [{"base_code": "RY-TEA-01", "name": "必背茶叶基地", "industry": "tea", "township_code": "440232100", "is_large": True}],
        "opened_on": "2026-03-01",
    }


@contract("market", "partner_registered", 1, subject="partner")
class PartnerRegistered(EventData):
    """A partner platform (§6.1) is known to the market service and may send orders by webhook."""

    partner: str
    name: str
    allowed_products: list[str] = Field(default_factory=list)
    enabled: bool = True
    example = {"partner": "jd", "name": "京东", "allowed_products": ["tea", "quality_rice"], "enabled": True}
