"""The market service as its own ASGI app (distributed mode) and as a part of the embedded app."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.market.api import routers
from services.market.consumers import SUBSCRIPTION
from services.market.models import metadata
from services.market.partners.service import seed_partners
from shared.service import ServiceContext, ServiceSpec, build_app
from shared.settings import FupinSettings


async def on_startup(ctx: ServiceContext) -> None:
    """Seed the eight §6.1 partner platforms (idempotent; a concurrent replica's insert wins harmlessly)."""
    from sqlalchemy.exc import IntegrityError

    try:
        async with ctx.write_session() as session:
            await seed_partners(session)
    except IntegrityError:
        pass


SPEC = ServiceSpec(
    name="market",
    routers=routers,
    metadata=metadata,
    migrations=Path(__file__).parent / "migrations",
    subscriptions=[SUBSCRIPTION],
    on_startup=on_startup,
    description="Order contracts at floor prices (R12), partner webhooks, direct supply (R18), showcase windows (R19), "
    "e-commerce points (R20), cold chain (R21).",
)


def create_app(settings: FupinSettings | None = None) -> FastAPI:
    return build_app([SPEC], settings, title="Fupin — market")
