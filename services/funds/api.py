"""HTTP routes of the funds service."""

from __future__ import annotations

from shared.service import service_router

router = service_router("funds", tags=["funds"])
