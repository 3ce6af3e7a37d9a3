"""Under supervisord: the service being written to is SIGKILLed and restarted by the supervisor, losing nothing."""

from __future__ import annotations

import asyncio
import json
import os
import random
import re
import signal
import subprocess

import httpx
import pytest

from shared.auth import mint_token
from tests.e2e.load import WageLoad, employed, ledger_matches
from tests.e2e.supervisor import BIN, Supervised

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

    status = await supervised.wait_running()
    assert status.count("RUNNING") == 3, status
    assert len(set(pids)) == 4
    assert load.count > 0 and load.server_errors == 0, load.statuses
    await ledger_matches(supervised.url("ledger"), headers, load, [h for h, _ in jobs], cluster.database_urls["ledger"])
    # The consumer's own health endpoint: alive, partitions assigned, no lag left.
    async with httpx.AsyncClient(timeout=10) as client:
        consumer = (await client.get(supervised.url("ledger-consumer") + "/readyz")).json()["consumers"]["ledger"]
    assert consumer["partitions"] and consumer["lag_events"] == 0

    # The operator's tools over the running stack: lag per partition, backlog per source, /metrics.
    def fupin(*args: str) -> list[dict]:
        out = subprocess.run([str(BIN / "fupin"), *args, "--json"], env=supervised.env, capture_output=True, text=True, timeout=120, check=True)
        return json.loads(out.stdout)

    lag = [r for r in fupin("lag") if r["group"] == cluster.settings.consumer_group("ledger")]
    assert {r["topic"] for r in lag} >= {cluster.settings.topic("households")} and all(r["lag"] == 0 for r in lag), lag
    assert sum(r["end"] for r in lag if r["topic"] == cluster.settings.topic("households")) >= load.count
    [outbox] = [r for r in fupin("outbox", "households") if r.get("source") == "households"]
    assert outbox["waiting"] == 0 and outbox["published_sequence"] == outbox["last_sequence"] >= load.count
    async with httpx.AsyncClient(timeout=10) as client:
        service_metrics = (await client.get(supervised.url("households") + "/metrics")).text
        consumer_metrics = (await client.get(supervised.url("ledger-consumer") + "/metrics")).text
    assert 'fupin_outbox_backlog_events{source="households"} 0.0' in service_metrics
    households_lag = re.findall(
        r'fupin_consumer_lag_events\{consumer="ledger",partition="\d+",topic="' + re.escape(cluster.settings.topic("households")) + r'"\} (\S+)',
        consumer_metrics,
    )
    assert households_lag and all(float(v) == 0 for v in households_lag), consumer_metrics[:3000]
