"""HTTP routes of the training service."""

from __future__ import annotations

from shared.service import service_router

router = service_router("training", tags=["training"])
