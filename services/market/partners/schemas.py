"""What the partner routes take and answer."""

from __future__ import annotations

from datetime import datetime

from pydantic import ConfigDict, Field

from services.market.base import Public
from services.market.fields import PartnerCode, PartnerName, Product
from shared.bounds import Flag, StrictInput
from shared.regions import INDUSTRIES


class PartnerIn(StrictInput):
    model_config = ConfigDict(json_schema_extra={"examples": [{"code": "gdfresh", "name": "粤鲜平台", "allowed_products": ["tea", "fruit"]}]})
    code: PartnerCode
    name: PartnerName
    allowed_products: list[Product] = Field(default_factory=lambda: list(INDUSTRIES), max_length=len(INDUSTRIES) * 4)
    enabled: Flag = True


class PartnerPatch(StrictInput):
    model_config = ConfigDict(json_schema_extra={"examples": [{"enabled": False}, {"allowed_products": ["tea"]}]})
    enabled: Flag | None = None
    allowed_products: list[Product] | None = Field(None, max_length=len(INDUSTRIES) * 4)


class PartnerOut(Public):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"code": "jd", "name": "京东", "enabled": True, "allowed_products": ["tea"], "active_secrets": 1}]}
    )
    code: str
    name: str
    enabled: bool
    allowed_products: list[str]
    active_secrets: int


class SecretOut(Public):
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
