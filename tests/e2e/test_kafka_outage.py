"""Kafka is stopped while households are recorded: each write answers 2xx, and every event reaches the ledger."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from shared.auth import mint_token
from tests.e2e.cluster import ROOT, free_port
from tests.helpers import citizen_id, eventually, unique_number, village_code

pytestmark = [pytest.mark.e2e, pytest.mark.distributed]

KAFKA_SH = ROOT / "deploy" / "kafka" / "kafka.sh"


class Broker:
    """A broker of our own for this test (stopping the shared one would disturb other tests)."""

    def __init__(self, var_dir: Path) -> None:
        self.port = free_port()
        self.env = {
            **os.environ,
            "KAFKA_PORT": str(self.port),
            "KAFKA_CONTROLLER_PORT": str(free_port()),
            "KAFKA_VAR_DIR": str(var_dir),
            "KAFKA_HEAP_OPTS": "-Xms128m -Xmx384m",
        }

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    def run(self, command: str) -> None:
        subprocess.run(["bash", str(KAFKA_SH), command], env=self.env, check=True, timeout=300)


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[Broker]:
    b = Broker(tmp_path / "kafka")
    b.run("start")
    try:
        yield b
    finally:
        b.run("stop")


async def _household(client: httpx.AsyncClient, headers: dict[str, str], code: str) -> str:
    member = {"name": "断网", "id_number": citizen_id("440204"), "relation": "head", "birth_date": "1966-06-06", "sex": "female", "labour_capacity": "partial"}
    r = await client.post(
        "/households/v1/households",
        json={"household_number": unique_number("K"), "village_code": code, "registered_on": "2026-03-01", "members": [member]},
        headers=headers,
    )
    assert r.status_code == 201, r.text
    return r.json()["id"]


async def test_writes_during_a_kafka_outage_are_accepted_and_all_reach_the_ledger(cluster, broker):
    cluster.kafka = broker.bootstrap
    households = await cluster.start_service("households")
    ledger = await cluster.start_service("ledger")
    headers = {"Authorization": f"Bearer {mint_token(cluster.settings, role='city_admin', subject='e2e')}"}

    async with httpx.AsyncClient(base_url=households, timeout=30) as hh, httpx.AsyncClient(base_url=ledger, timeout=30) as lg:

        async def in_ledger(ids: list[str]) -> None:
            for hid in ids:
                r = await lg.get(f"/ledger/v1/households/{hid}/income", params={"year": 2026}, headers=headers)
                assert r.status_code == 200, (hid, r.status_code)

        code = village_code("440204")
        assert (await hh.post("/households/v1/villages", json={"code": code, "name": "断网村"}, headers=headers)).status_code == 201
        before = await _household(hh, headers, code)
        await eventually(lambda: in_ledger([before]), timeout=120)

        broker.run("stop")
        during = [await _household(hh, headers, code) for _ in range(10)]
        ready = await hh.get("/readyz")
        # Its outbox holds the writes: the service stays in the load balancer, and says what is degraded.
        assert ready.status_code == 200 and ready.json()["checks"]["event_bus"] == "unreachable"
        assert ready.json()["degraded"] == ["event_bus"]
        assert (await lg.get(f"/ledger/v1/households/{during[0]}/income", params={"year": 2026}, headers=headers)).status_code == 404

        broker.run("start")
        await eventually(lambda: in_ledger(during), timeout=180, interval=1.0)
