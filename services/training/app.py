"""The training service as its own ASGI app (distributed mode) and as a part of the embedded app."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.training.catalogue import api as catalogue
from services.training.compliance import api as compliance
from services.training.members.consumers import apply_households_facts
from services.training.models import Base
from services.training.sessions import api as sessions
from shared.bus import Subscription
from shared.service import ServiceSpec, build_app
from shared.settings import FupinSettings

SPEC = ServiceSpec(
    name="training",
    routers=[catalogue.router, sessions.router, compliance.router],
    metadata=Base.metadata,
    migrations=Path(__file__).parent / "migrations",
    subscriptions=[Subscription(consumer="training", sources=["households"], handler=apply_households_facts)],
    description="Courses (R8), sessions, attendance, skill certificates and every labourer's training file (R7).",
)


def create_app(settings: FupinSettings | None = None) -> FastAPI:
    return build_app([SPEC], settings, title="Fupin — training")
