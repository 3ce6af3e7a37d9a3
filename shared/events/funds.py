"""Facts the funds service publishes (topic ``<prefix>funds``)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from shared.events.contracts import EventData, contract

EntityKind = Literal["joint_stock_company", "cooperative", "leading_enterprise", "family_farm", "government_platform_company"]


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
