"""The oversight service as its own ASGI app (distributed mode) and as a part of the embedded app."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.oversight import sweeper
from services.oversight.cases import api as cases
from services.oversight.consumers import apply_facts
from services.oversight.models import metadata
from services.oversight.notices import api as notices
from shared.bus import Subscription
from shared.service import ServiceSpec, build_app
from shared.settings import FupinSettings

SPEC = ServiceSpec(
    name="oversight",
    routers=[notices.router, notices.public, cases.router, cases.public],
    metadata=metadata,
    migrations=Path(__file__).parent / "migrations",
    subscriptions=[Subscription(consumer="oversight", sources=["funds", "households"], handler=apply_facts)],
    on_startup=sweeper.start,
    description="Village notices (公示) that hold a distribution's money until they close, objections and grievances (§2.3, §4.1, §5.6).",
)


def create_app(settings: FupinSettings | None = None) -> FastAPI:
    return build_app([SPEC], settings, title="Fupin — oversight")
