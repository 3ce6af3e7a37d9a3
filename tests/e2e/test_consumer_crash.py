"""The ledger consumer is SIGKILLed mid-stream, repeatedly: every event is applied exactly once."""

from __future__ import annotations

import asyncio
import random
import signal
from collections import defaultdict
from datetime import date

import httpx
import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker

from services.households.models import Base as HouseholdsBase
from shared.auth import mint_token
from shared.db import create_engine
from shared.events.households import WagePaid
from shared.events.income import IncomeLine, Lineage
from shared.ids import new_id
from shared.outbox import append_pending, emit
from tests.e2e.cluster import free_port, query
from tests.helpers import citizen_id, eventually, unique_number, village_code

pytestmark = [pytest.mark.e2e, pytest.mark.distributed]


async def _register(client: httpx.AsyncClient, headers: dict[str, str], n: int) -> tuple[str, list[str]]:
    code = village_code("440203")
    assert (await client.post("/households/v1/villages", json={"code": code, "name": "容错村"}, headers=headers)).status_code == 201
    ids = []
    for _ in range(n):
        member = {"name": "容错", "id_number": citizen_id("440203"), "relation": "head", "birth_date": "1980-01-01", "sex": "male", "labour_capacity": "full"}
        r = await client.post(
            "/households/v1/households",
            json={"household_number": unique_number("E"), "village_code": code, "registered_on": "2026-01-01", "members": [member]},
            headers=headers,
        )
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
    return code, ids


async def _append_wages(url: str, code: str, ids: list[str], batches: int, per_batch: int, rng: random.Random) -> dict[str, int]:
    """Income facts straight into the households outbox, as the wage endpoint writes them."""
    engine = create_engine(url)
    sessions = async_sessionmaker(engine)
    expected: dict[str, int] = defaultdict(int)
    try:
        for _ in range(batches):
            async with sessions() as s:
                for _ in range(per_batch):
                    hid, amount = rng.choice(ids), rng.randint(1, 300_000)
                    expected[hid] += amount
                    emit(
                        s,
                        WagePaid(
                            payment_id=new_id(),
                            employment_id="e2e-employment",
                            member_id="e2e-member",
                            entity_id="e2e-entity",
                            period_start=date(2026, 5, 1),
                            period_end=date(2026, 5, 31),
                            income=IncomeLine(
                                household_id=hid,
                                village_code=code,
                                benefit_type="wage_labor",
                                amount_fen=amount,
                                occurred_on=date(2026, 5, 31),
                                lineage=Lineage(entity_id="e2e-entity"),
                            ),
                        ),
                    )
                await append_pending(s, HouseholdsBase.metadata, "households")
                await s.commit()
            await asyncio.sleep(0.05)
    finally:
        await engine.dispose()
    return expected


async def test_ledger_consumer_survives_sigkill_at_random_points_with_identical_balances(cluster):
    rng = random.Random(20181203)
    households = await cluster.start_service("households")
    ledger = await cluster.start_service("ledger", FUPIN_RUN_CONSUMERS="false")
    # The consumer process, as supervisord runs it: a static instance id, so a restarted one gets
    # its partitions back at once (KIP-345) instead of waiting for the killed one's session to end.
    cluster_env = {"FUPIN_CONSUMER_SESSION_TIMEOUT_MS": "6000", "FUPIN_CONSUMER_INSTANCE_ID": f"e{cluster.run_id}-0", "FUPIN_MIGRATE_ON_START": "false"}
    cluster._spawn("ledger-consumer", ["consume", "ledger"], **cluster_env)
    headers = {"Authorization": f"Bearer {mint_token(cluster.settings, role='city_admin', subject='e2e')}"}

    async with httpx.AsyncClient(base_url=households, timeout=30) as hh, httpx.AsyncClient(base_url=ledger, timeout=30) as lg:
        code, ids = await _register(hh, headers, 8)
        writer = asyncio.create_task(_append_wages(cluster.database_urls["households"], code, ids, batches=40, per_batch=50, rng=rng))
        kills = 0
        while kills < 6:
            await asyncio.sleep(rng.uniform(0.5, 2.5))
            cluster.kill("ledger-consumer", signal.SIGKILL)
            kills += 1
            await asyncio.sleep(rng.uniform(0.0, 0.5))
            cluster._spawn("ledger-consumer", ["consume", "ledger"], **cluster_env)
        expected = await writer

        async def balances_match():
            for hid in ids:
                r = await lg.get(f"/ledger/v1/households/{hid}/income", params={"year": 2026}, headers=headers)
                assert r.status_code == 200, r.text
                assert r.json()["by_type"]["wage_labor"] == expected.get(hid, 0), hid

        await eventually(balances_match, timeout=180, interval=1.0)

    ledger_db = cluster.database_urls["ledger"]
    entries = (await query(ledger_db, "SELECT count(*), count(DISTINCT event_id) FROM income_entry"))[0]
    assert tuple(entries) == (2000, 2000)
    consumed = (await query(ledger_db, "SELECT count(*) FROM consumed_event WHERE source = 'households'"))[0][0]
    published = (await query(cluster.database_urls["households"], "SELECT count(*) FROM outbox"))[0][0]
    assert consumed == published


async def test_ledger_reports_stale_while_its_consumer_is_down_and_fresh_once_it_is_back(cluster):
    rng = random.Random(20181206)
    households = await cluster.start_service("households")
    ledger = await cluster.start_service("ledger", FUPIN_RUN_CONSUMERS="false", FUPIN_LEDGER_STALE_SECONDS="2", FUPIN_FRESHNESS_INTERVAL_SECONDS="0.5")
    health_port = free_port()
    consumer_env = {"FUPIN_CONSUMER_INSTANCE_ID": f"e{cluster.run_id}-0", "FUPIN_CONSUMER_HEALTH_PORT": str(health_port)}
    cluster._spawn("ledger-consumer", ["consume", "ledger"], **consumer_env)
    headers = {"Authorization": f"Bearer {mint_token(cluster.settings, role='city_admin', subject='e2e')}"}
    async with httpx.AsyncClient(base_url=households, timeout=30) as hh, httpx.AsyncClient(base_url=ledger, timeout=30) as lg:
        code, ids = await _register(hh, headers, 2)

        async def freshness(stale: bool) -> None:
            ready = await lg.get("/readyz")
            assert ready.status_code == 200, ready.text  # a stale ledger still answers: it says how stale
            f = ready.json()["freshness"]["ledger"]
            assert f["stale"] is stale, f
            assert ("ledger.freshness" in ready.json()["degraded"]) is stale
            answer = await lg.get(f"/ledger/v1/households/{ids[0]}/income", params={"year": 2026}, headers=headers)
            assert answer.headers["x-fupin-stale"] == ("true" if stale else "false")
            if not stale:
                assert f["lag_events"] == 0 and answer.headers["x-fupin-lag-events"] == "0"

        await eventually(lambda: freshness(False), timeout=120)

        async def consumer_ready() -> None:
            # The consumer serves its health port once its lifespan has started; the ledger can
            # already look fresh before that (nothing to apply yet), so wait for the port too.
            async with httpx.AsyncClient(timeout=5) as client:
                try:
                    r = await client.get(f"http://127.0.0.1:{health_port}/readyz")
                except httpx.TransportError as exc:
                    raise AssertionError(f"consumer health port not answering yet: {exc}") from None
            consumer = r.json()["consumers"]["ledger"]
            assert consumer["partitions"] and consumer["connected"], consumer

        await eventually(consumer_ready, timeout=120)

        cluster.kill("ledger-consumer", signal.SIGKILL)
        await _append_wages(cluster.database_urls["households"], code, ids, batches=2, per_batch=5, rng=rng)
        await eventually(lambda: freshness(True), timeout=120)

        cluster._spawn("ledger-consumer", ["consume", "ledger"], **consumer_env)
        await eventually(lambda: freshness(False), timeout=120)
