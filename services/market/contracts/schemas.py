"""What the contract routes take and answer (R12)."""

from __future__ import annotations

from datetime import date

from pydantic import ConfigDict, Field, model_validator

from services.market.base import Public
from services.market.fields import LineNo, Milli, Product, Quantity, Ref
from shared.bounds import PolicyDate, StrictInput, UnitPriceFen
from shared.events.market import Grade, Unit


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
    entity_id: Ref
    household_id: Ref
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


class ContractOut(Public):
    id: str
    entity_id: str
    household_id: str
    village_code: str
    product: str
    quantity: Milli = Field(validation_alias="quantity_milli")
    unit: Unit
    floor_price_fen: int
    starts_on: date
    ends_on: date
    delivered: Milli = Field(validation_alias="delivered_milli")
    settled_fen: int


class OrderLineRef(StrictInput):
    order_id: Ref
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


class DeliveryOut(Public):
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
    quantity: Milli = Field(validation_alias="quantity_milli")
    unit: Unit
    grade: Grade
    delivered_on: date
    market_price_fen: int
    floor_price_fen: int
    paid_price_fen: int
    amount_fen: int
    floor_applied: bool
    unallocated: Milli = Field(validation_alias="unallocated_milli")
