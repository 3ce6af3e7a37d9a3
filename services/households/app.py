"""The households service as its own ASGI app (distributed mode) and as a part of the embedded app."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.households.employment import api as employment
from services.households.employment.consumers import learn_entities
from services.households.imports import api as imports
from services.households.models import Base
from services.households.registry import api as registry
from services.households.villages import api as villages
from shared.bus import Subscription
from shared.service import ServiceSpec, build_app
from shared.settings import FupinSettings

SPEC = ServiceSpec(
    name="households",
    routers=[villages.router, registry.router, employment.router, imports.router],
    metadata=Base.metadata,
    migrations=Path(__file__).parent / "migrations",
    # Employment needs the operating entities the funds service registers (never its tables).
    subscriptions=[Subscription(consumer="households", sources=["funds"], handler=learn_entities)],
    description="Villages, poor households and members, labour, employment and wages.",
)


def create_app(settings: FupinSettings | None = None) -> FastAPI:
    return build_app([SPEC], settings, title="Fupin — households")
