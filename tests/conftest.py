"""Fixtures: the whole platform in both modes, called through httpx's ASGI transport.

``embedded``: every service on its own SQLite file, the outboxes as the log.
``distributed``: every service on its own fresh PostgreSQL database, relays to the real Kafka
broker, consumers in consumer groups — the distributed path, in one test process. (Separate
processes are exercised by ``tests/e2e``.) ``make test`` starts PostgreSQL and Kafka first.

``FUPIN_TEST_MODES=embedded`` runs only the embedded mode (for a quick local loop).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio

from bench.topics import drop_topics
from shared.db import create_database, drop_database
from shared.settings import SERVICES, FupinSettings
from tests.helpers import bearer

PG_ADMIN_DSN = os.environ.get("FUPIN_TEST_PG_DSN", "postgresql://fupin:fupin@127.0.0.1:5432/postgres")
PG_URL = os.environ.get("FUPIN_TEST_PG_URL", "postgresql+asyncpg://fupin:fupin@127.0.0.1:5432/{db}")
KAFKA = os.environ.get("FUPIN_KAFKA_BOOTSTRAP", "127.0.0.1:9092")
MODES = [m.strip() for m in os.environ.get("FUPIN_TEST_MODES", "embedded,distributed").split(",") if m.strip()]


def _checkpoint_key() -> str:
    # Outside development the placeholder is refused: tests sign checkpoints with a key of their own.
    from shared.checkpoint import Signer

    return Signer.generate("fupin.test").encode()


CHECKPOINT_KEY = _checkpoint_key()


# `make test` runs the suite on two xdist workers (`--dist loadgroup`). The drills start real
# processes and measure an outage's cost, so they run one after another on one worker, never two
# at once; the browser tests share one Chromium per module. Everything else is spread test by test
# (each worker has its own embedded and distributed platform).
SERIAL_GROUPS = {"tests/e2e/": "drills", "tests/console/": "console"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        path = item.nodeid.replace("\\", "/")
        for prefix, group in SERIAL_GROUPS.items():
            if path.startswith(prefix):
                item.add_marker(pytest.mark.xdist_group(group))


async def create_databases(run_id: str) -> dict[str, str]:
    import asyncpg

    conn = await asyncpg.connect(PG_ADMIN_DSN)
    try:
        urls = {}
        for service in SERVICES:
            name = f"t_{run_id}_{service}"
            await create_database(conn, name)
            urls[service] = PG_URL.format(db=name)
        return urls
    finally:
        await conn.close()


async def drop_databases(run_id: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(PG_ADMIN_DSN)
    try:
        for service in SERVICES:
            await drop_database(conn, f"t_{run_id}_{service}")
    finally:
        await conn.close()


async def make_settings(mode: str, tmp: Path, **overrides: Any) -> tuple[FupinSettings, str]:
    """Settings for a fresh, isolated platform in ``mode`` (new databases, topics and groups)."""
    run_id = uuid.uuid4().hex[:10]
    # The village notice's gate is off (window 0) on the shared platform: a distribution pays at approval, as the
    # funds and ledger tests expect; tests/oversight runs a platform of its own with a window (docs/oversight.md).
    base: dict[str, Any] = {
        "env": "test",
        "poll_interval_seconds": 0.05,
        "checkpoint_key": CHECKPOINT_KEY,
        "checkpoint_interval_seconds": 0,
        "notice_window": 0,
    }
    if mode == "embedded":
        base |= {"mode": "embedded", "data_dir": tmp / f"var-{run_id}"}
    else:
        base |= {
            "mode": "distributed",
            "database_urls": await create_databases(run_id),
            "kafka_bootstrap": KAFKA,
            "topic_prefix": f"t{run_id}.",
            "consumer_group_prefix": f"t{run_id}.",
            "topic_partitions": 3,
        }
    base.update(overrides)
    return FupinSettings(**base), run_id


@dataclass
class Platform:
    """A running platform and a client for it; ``as_(role, scope)`` gives headers for a role."""

    mode: str
    settings: FupinSettings
    app: Any
    client: httpx.AsyncClient

    def as_(self, role: str, scope: str | None = None, subject: str | None = None, **kw: Any) -> dict[str, str]:
        return bearer(self.settings, role, scope, subject, **kw)

    @property
    def admin(self) -> dict[str, str]:
        return self.as_("city_admin", subject="test-admin")

    def context(self, service: str) -> Any:
        return self.app.state.contexts[service]


@asynccontextmanager
async def running_platform(mode: str, tmp: Path, **overrides: Any) -> AsyncIterator[Platform]:
    """The whole platform in ``mode`` with its settings' ``overrides``, served in-process; its databases dropped after."""
    from fupin.embedded import create_app

    settings, run_id = await make_settings(mode, tmp, **overrides)
    app = create_app(settings)
    try:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://fupin.test", timeout=60) as client:
                yield Platform(mode, settings, app, client)
    finally:
        if mode == "distributed":
            await drop_databases(run_id)
            await drop_topics(settings.kafka_bootstrap, settings.topic_prefix)  # a test broker otherwise keeps every run's topics


@pytest_asyncio.fixture(scope="session", loop_scope="session", params=MODES)
async def platform(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Platform]:
    async with running_platform(request.param, tmp_path_factory.mktemp(request.param)) as running:
        yield running


@pytest.fixture
def client(platform: Platform) -> httpx.AsyncClient:
    return platform.client
