"""What the market-linkage routes take and answer (R18–R21)."""

from __future__ import annotations

from datetime import date

from pydantic import ConfigDict, Field, model_validator

from services.market.base import Public
from services.market.fields import (
    Address,
    BaseCode,
    CapacityUnit,
    CountyCode,
    Milli,
    NameText,
    PairedUnit,
    PartnerCode,
    Product,
    Quantity,
    TownshipCode,
    VillageCode,
)
from shared.bounds import Flag, PolicyDate, StrictInput
from shared.events.market import ChannelKind, ColdChainKind, EcommerceLevel, Unit, WindowForm
from shared.events.market import CoveredBase as CoveredBaseFact
from shared.labels import IndustryCode


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
    counterparty: NameText
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


class ChannelOut(Public):
    id: str
    village_code: str
    kind: ChannelKind
    counterparty: str
    partner: str | None
    product: str | None
    period_start: date
    period_end: date
    volume: Milli = Field(validation_alias="volume_milli")
    unit: Unit


class WindowIn(StrictInput):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"village_code": "440232100201", "form": "online", "opened_on": "2026-03-15", "address_or_url": "https://shop.example.cn/bibei"}]
        },
    )
    village_code: VillageCode
    paired_unit: PairedUnit | None = None
    form: WindowForm
    opened_on: PolicyDate
    address_or_url: Address | None = None


class WindowOut(Public):
    id: str
    village_code: str
    paired_unit: str
    form: WindowForm
    opened_on: date
    address_or_url: str | None


class CoveredBaseIn(StrictInput):
    """An industry base a facility or station covers, as the API takes it (the event carries ``CoveredBase``)."""

    base_code: BaseCode
    name: NameText
    industry: Product
    township_code: TownshipCode | None = None
    is_large: Flag = Field(False, description="a large (township) production base: R20 and R21 pre-cooling speak of these")

    def fact(self) -> CoveredBaseFact:
        return CoveredBaseFact.model_validate(self.model_dump())


class CoveredBase(Public):
    """An industry base a facility or station covers, as the reads show it (stored from ``CoveredBaseIn``)."""

    base_code: str
    name: str
    industry: IndustryCode = Field(description='one of the "453" industries, e.g. `tea`; `other` for a code the catalogue does not have')
    township_code: str | None = None
    is_large: bool = Field(False, description="a large (township) production base: R20 and R21 pre-cooling speak of these")


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
    name: NameText
    county_code: CountyCode
    township_code: TownshipCode | None = None
    village_code: VillageCode | None = None
    opened_on: PolicyDate


class EcommercePointOut(Public):
    id: str
    level: EcommerceLevel
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
    name: NameText
    county_code: CountyCode
    township_code: TownshipCode | None = None
    capacity: Quantity | None = None
    capacity_unit: CapacityUnit | None = None
    opened_on: PolicyDate


class ColdChainOut(Public):
    id: str
    kind: ColdChainKind
    name: str
    county_code: str
    township_code: str | None
    capacity: str | None
    capacity_unit: str | None
    covered_village_codes: list[str]
    covered_bases: list[CoveredBase]
    opened_on: date


class IndicatorOut(Public):
    rule: str
    met: bool
    count: int


class VillageLinksOut(Public):
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


class BaseLinksOut(Public):
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
