"""What the order routes take and answer, and the partner webhook payload contract."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from services.market import domain
from services.market.base import Public
from services.market.fields import LineNo, Milli, NameText, PartnerOrderId, PolicyTime, Product, Quantity, Ref, VillageCode
from shared.bounds import StrictInput, UnitPriceFen
from shared.events.market import BuyerKind, Unit

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
    name: NameText | None = None


class WebhookSupply(StrictInput):
    """Who supplies the order: a village (its contracted households) or a cooperative/operating entity."""

    village_code: VillageCode | None = None
    entity_id: Ref | None = None

    @model_validator(mode="after")
    def _one(self) -> WebhookSupply:
        if (self.village_code is None) == (self.entity_id is None):
            raise ValueError("give exactly one of village_code or entity_id")
        return self


class WebhookLine(StrictInput):
    line_no: LineNo
    product: Product
    product_name: NameText | None = None
    quantity: Quantity
    unit: Unit
    unit_price_fen: UnitPriceFen


class WebhookOrder(StrictInput):
    partner_order_id: PartnerOrderId
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


# ---- orders and fills -------------------------------------------------------------------------


class OrderLineOut(Public):
    line_no: int
    product: str
    product_name: str | None
    quantity: Milli = Field(validation_alias="quantity_milli")
    unit: Unit
    unit_price_fen: int
    amount_fen: int
    filled: Milli = Field(validation_alias="filled_milli")


class OrderOut(Public):
    id: str
    partner: str
    partner_order_id: str
    buyer_kind: BuyerKind
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
    delivery_id: Ref
    quantity: Quantity


class FillOut(Public):
    id: str
    order_id: str
    line_no: int
    delivery_id: str
    contract_id: str
    household_id: str
    village_code: str
    entity_id: str
    quantity: Milli = Field(validation_alias="quantity_milli")
