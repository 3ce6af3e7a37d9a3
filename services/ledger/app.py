"""The ledger service: consumes every source's log; serves incomes, aggregates, indicators and audit."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.ledger import proofs
from services.ledger.api import router
from services.ledger.models import Base
from services.ledger.projector import project
from services.ledger.views.api import router as views_router
from shared.bus import Subscription
from shared.service import ServiceSpec, build_app
from shared.settings import FupinSettings

SOURCES = ("funds", "households", "market", "training")

SPEC = ServiceSpec(
    name="ledger",
    routers=[router, views_router, proofs.router, proofs.well_known],
    metadata=Base.metadata,
    migrations=Path(__file__).parent / "migrations",
    subscriptions=[Subscription(consumer="ledger", sources=SOURCES, handler=project)],
    on_startup=proofs.on_startup,
    description="Household incomes across the six benefit types, aggregates, policy indicators, audit.",
)


def create_app(settings: FupinSettings | None = None) -> FastAPI:
    return build_app([SPEC], settings, title="Fupin — ledger")
