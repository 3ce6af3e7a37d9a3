"""Under supervisord: the service being written to is SIGKILLed and restarted by the supervisor, losing nothing."""

from __future__ import annotations

import asyncio
import os
import random
import signal

import httpx
import pytest

from shared.auth import mint_token
from tests.e2e.load import WageLoad, employed, ledger_matches
from tests.e2e.supervisor import Supervised

pytestmark = [pytest.mark.e2e, pytest.mark.distributed]


@pytest.fixture
async def supervised(cluster, tmp_path):
    s = Supervised(cluster, tmp_path / "supervisor", ("households", "ledger", "ledger-consumer"))
    try:
        await s.start()
        yield s
    finally:
        s.close()


async def test_written_service_sigkilled_is_restarted_by_the_supervisor_and_every_2xx_wage_reaches_the_ledger_once(cluster, supervised):
    rng = random.Random(20181204)
    headers = {"Authorization": f"Bearer {mint_token(cluster.settings, role='city_admin', subject='e2e')}"}
    async with httpx.AsyncClient(base_url=supervised.url("households"), timeout=30) as hh:
        jobs = await employed(hh, headers, cluster.database_urls["households"], 6)
    load = WageLoad(supervised.url("households"), headers, jobs, rng, limit=600, workers=3)
    writer = asyncio.create_task(load.run())
    pids = [supervised.pid("households")]
    for _ in range(3):
        await asyncio.sleep(rng.uniform(1.0, 3.0))
        os.kill(pids[-1], signal.SIGKILL)
        # The supervisor notices and starts a new process; it answers again on the same port.
        for _ in range(240):
            pid = supervised.pid("households")
            if pid and pid != pids[-1]:
                break
            await asyncio.sleep(0.25)
        assert pid != pids[-1], supervised.ctl("status")
        pids.append(pid)
        await supervised.wait_ready("households", "/healthz")
    await asyncio.sleep(1.0)
    load.stop()
    await writer

    status = supervised.ctl("status")
    assert status.count("RUNNING") == 3, status
    assert len(set(pids)) == 4
    assert load.count > 0 and load.server_errors == 0, load.statuses
    await ledger_matches(supervised.url("ledger"), headers, load, [h for h, _ in jobs], cluster.database_urls["ledger"])
    # The consumer's own health endpoint: alive, partitions assigned, no lag left.
    async with httpx.AsyncClient(timeout=10) as client:
        consumer = (await client.get(supervised.url("ledger-consumer") + "/readyz")).json()["consumers"]["ledger"]
    assert consumer["partitions"] and consumer["lag_events"] == 0
