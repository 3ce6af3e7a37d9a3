"""The ledger service: consumes every source's log; serves incomes, aggregates, indicators and audit."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.ledger import proofs
from services.ledger.api import router
from services.ledger.categories import models as _category_tables  # noqa: F401  # registers production_cost on Base.metadata
from services.ledger.categories.api import router as categories_router
from services.ledger.exports.api import router as exports_router
from services.ledger.models import Base
from services.ledger.monitoring import models as _monitoring_tables  # noqa: F401  # registers the early warning's tables
from services.ledger.monitoring.api import router as monitoring_router
from services.ledger.projector import project
from services.ledger.statements import api as statements
from services.ledger.views.api import router as views_router
from shared.bus import Subscription
from shared.service import ServiceSpec, build_app
from shared.settings import FupinSettings

SOURCES = ("funds", "households", "market", "training")

SPEC = ServiceSpec(
    name="ledger",
    routers=[
        router,
        views_router,
        monitoring_router,
        categories_router,
        exports_router,
        statements.router,
        statements.public,
        proofs.router,
        proofs.well_known,
    ],
    metadata=Base.metadata,
    migrations=Path(__file__).parent / "migrations",
    subscriptions=[Subscription(consumer="ledger", sources=SOURCES, handler=project)],
    on_startup=proofs.on_startup,
    description="Household incomes across the six benefit types, aggregates, policy indicators, audit.",
)


def create_app(settings: FupinSettings | None = None) -> FastAPI:
    return build_app([SPEC], settings, title="Fupin — ledger")
