"""The market service as its own ASGI app (distributed mode) and as a part of the embedded app."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.market.api import router
from services.market.models import Base
from shared.service import ServiceSpec, build_app
from shared.settings import FupinSettings

SPEC = ServiceSpec(
    name="market",
    routers=[router],
    metadata=Base.metadata,
    migrations=Path(__file__).parent / "migrations",
)


def create_app(settings: FupinSettings | None = None) -> FastAPI:
    return build_app([SPEC], settings, title="Fupin — market")
