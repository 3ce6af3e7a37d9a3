"""HTTP routes of the market service."""

from __future__ import annotations

from shared.service import service_router

router = service_router("market", tags=["market"])
