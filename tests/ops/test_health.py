"""Health that means something: readiness for a service's own requests, 503s for database outages, freshness."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker

from shared.bus import Subscription
from shared.db import create_engine
from shared.freshness import Freshness
from tests.conftest import drop_databases, make_settings
from tests.e2e.cluster import free_port
from tests.helpers import village_code


async def test_readyz_reports_databases_bus_and_freshness(platform):
    r = await platform.client.get("/readyz")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "ready" and body["degraded"] == []
    assert body["checks"]["ledger.database"] == "ok"
    assert set(body["freshness"]) >= {"ledger"}
    assert body["freshness"]["ledger"]["stale_after_seconds"] == platform.settings.ledger_stale_seconds


async def test_ledger_answers_carry_their_freshness(platform):
    r = await platform.client.get("/ledger/v1/aggregates", params={"level": "city", "code": "4402", "year": 2026}, headers=platform.admin)
    assert r.status_code == 200, r.text
    assert r.headers["x-fupin-stale"] in ("true", "false", "unknown")
    assert r.headers["x-fupin-lag-events"] == "unknown" or int(r.headers["x-fupin-lag-events"]) >= 0


@pytest.fixture(params=["embedded", "distributed"])
async def lone_households(request, tmp_path):
    """A households service of its own, so its database can be taken away from it."""
    from tests.conftest import MODES

    if request.param not in MODES:
        pytest.skip(f"{request.param} mode not selected")
    from services.households.app import create_app

    settings, run_id = await make_settings(request.param, tmp_path, run_consumers=False)
    app = create_app(settings)
    try:
        async with app.router.lifespan_context(app):
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://fupin.test") as client:
                yield app, client, settings
    finally:
        if request.param == "distributed":
            await drop_databases(run_id)


async def test_a_database_outage_answers_503_with_retry_after_not_a_500(lone_households):
    from tests.helpers import bearer

    app, client, settings = lone_households
    ctx = app.state.contexts["households"]
    # Nothing listens on this port: every connection attempt is refused, as during a restart.
    dead = create_engine(f"postgresql+asyncpg://fupin:fupin@127.0.0.1:{free_port()}/gone")
    ctx.engine, ctx.sessionmaker = dead, async_sessionmaker(dead, expire_on_commit=False)
    try:
        headers = bearer(settings, "city_admin", None, "ops-test")
        for _ in range(2):  # the same client, twice: the app answered, it did not raise
            r = await client.post("/households/v1/villages", json={"code": village_code("440203"), "name": "停库村"}, headers=headers)
            assert r.status_code == 503, r.text
            assert r.headers["retry-after"] == str(settings.retry_after_seconds)
            assert r.headers["content-type"].startswith("application/problem+json")
            body = r.json()
            assert body["code"] == "service_unavailable" and body["title"] == "服务暂不可用"
        english = await client.get("/households/v1/villages", headers=headers | {"Accept-Language": "en"})
        assert english.status_code == 503 and english.json()["title"] == "Service unavailable"
        ready = await client.get("/readyz")
        assert ready.status_code == 503 and ready.json()["checks"]["households.database"].startswith("unreachable")
    finally:
        await dead.dispose()


def _freshness(settings) -> Freshness:
    return Freshness(Subscription("ledger", ["households"], handler=None), settings, sessionmaker=None, metadata=None)  # type: ignore[arg-type]


async def test_freshness_is_stale_only_when_events_wait_and_nothing_moves(tmp_path):
    settings, _ = await make_settings("embedded", tmp_path, ledger_stale_seconds=0.2)
    f = _freshness(settings)
    f.record(committed=10, end=10, applied={"households": 10})
    await asyncio.sleep(0.3)
    f.record(committed=10, end=10, applied={"households": 10})
    assert f.stale is False  # nothing waits: a quiet ledger is not stale
    f.record(committed=10, end=15, applied={"households": 10})
    assert f.stale is False  # events just arrived
    await asyncio.sleep(0.3)
    f.record(committed=10, end=20, applied={"households": 10})
    assert f.stale is True and f.lag == 10  # waiting, and the position has not moved
    f.record(committed=12, end=20, applied={"households": 12})
    assert f.stale is False  # moving again: behind, but catching up
    f.unknown()
    assert f.stale is None and f.as_dict()["lag_events"] is None
