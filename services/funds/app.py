"""The funds service as its own ASGI app (distributed mode) and as a part of the embedded app."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.funds.api import routers
from services.funds.consumers import apply_facts
from services.funds.models import metadata
from shared.bus import Subscription
from shared.service import ServiceSpec, build_app
from shared.settings import FupinSettings

SPEC = ServiceSpec(
    name="funds",
    routers=routers,
    metadata=metadata,
    migrations=Path(__file__).parent / "migrations",
    subscriptions=[Subscription(consumer="funds", sources=["households", "oversight"], handler=apply_facts)],
    description="Fund sources and allocations, operating entities, three-rights projects, assets, distributions, land, lease-back, subsidies, microcredit.",
)


def create_app(settings: FupinSettings | None = None) -> FastAPI:
    return build_app([SPEC], settings, title="Fupin — funds")
