"""Kafka is stopped for 30 s while wages are written: each write answers 2xx, the service stays ready and calm, every wage reaches the ledger once."""

from __future__ import annotations

import asyncio
import os
import random
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from shared.auth import mint_token
from tests.e2e.cluster import ROOT, free_port
from tests.e2e.load import WageLoad, employed, ledger_matches

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
            # A JVM starting on two busy cores can take minutes; the drill waits rather than fails.
            "KAFKA_START_TIMEOUT": "240",
        }

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    def run(self, command: str) -> None:
        subprocess.run(["bash", str(KAFKA_SH), command], env=self.env, check=True, timeout=420)


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[Broker]:
    b = Broker(tmp_path / "kafka")
    b.run("start")
    try:
        yield b
    finally:
        b.run("stop")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


OUTAGE_SECONDS = 30
# Before the backoff, aiokafka retried ~13,000 times a second, one ERROR line each (44 MB in 36 s)
# and burnt a core. Now: a line when the broker goes, one per 30 s per client, aiokafka's own at
# most once a minute each.
MAX_OUTAGE_LINES = 60
MAX_OUTAGE_CPU_SHARE = 0.5


async def test_broker_stopped_30s_under_wage_load_stays_ready_calm_and_loses_nothing(cluster, broker):
    cluster.kafka = broker.bootstrap
    households = await cluster.start_service("households")
    ledger = await cluster.start_service("ledger")
    headers = {"Authorization": f"Bearer {mint_token(cluster.settings, role='city_admin', subject='e2e')}"}
    async with httpx.AsyncClient(base_url=households, timeout=30) as hh:
        jobs = await employed(hh, headers, cluster.database_urls["households"], 5)
    load = WageLoad(households, headers, jobs, random.Random(20181205), limit=100_000, workers=1, pause=0.1)
    writer = asyncio.create_task(load.run())
    await asyncio.sleep(2)

    pid = cluster.procs["households"].pid
    stopped, cpu_before, lines_before, accepted_before = time.monotonic(), cpu_seconds(pid), len(cluster.log("households").splitlines()), load.count
    await asyncio.to_thread(broker.run, "stop")
    async with httpx.AsyncClient(timeout=10) as client:
        await asyncio.sleep(3)
        ready = await client.get(f"{households}/readyz")
        # Its outbox holds the writes: the service stays in the load balancer, and says what is degraded.
        assert ready.status_code == 200 and ready.json()["checks"]["event_bus"] == "unreachable", ready.text
        assert ready.json()["degraded"] == ["event_bus"]
        assert (await client.get(f"{ledger}/readyz")).status_code == 200  # the read-only ledger stays up too
        await asyncio.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - stopped)))
    outage = time.monotonic() - stopped
    cpu = cpu_seconds(pid) - cpu_before
    during = [line for line in cluster.log("households").splitlines()[lines_before:] if '"message": "request"' not in line and '"events recorded"' not in line]
    accepted_during = load.count - accepted_before
    await asyncio.to_thread(broker.run, "start")
    await asyncio.sleep(2)
    load.stop()
    await writer

    print(f"\nbroker outage {outage:.1f} s: {accepted_during} wages accepted, {len(during)} log lines, {cpu:.2f} s CPU ({cpu / outage:.1%} of a core)")
    assert accepted_during > 0 and load.server_errors == 0, load.statuses  # writes kept succeeding
    assert len(during) <= MAX_OUTAGE_LINES, "\n".join(during[:80])
    assert cpu / outage <= MAX_OUTAGE_CPU_SHARE, (cpu, outage)
    assert any("relay cannot publish: Kafka broker unreachable" in line for line in during)
    await ledger_matches(ledger, headers, load, [h for h, _ in jobs], cluster.database_urls["ledger"])
