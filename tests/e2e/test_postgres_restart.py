"""PostgreSQL restarted under wage load: clients see 503 with Retry-After, never a 500, and every 2xx wage reaches the ledger once."""

from __future__ import annotations

import asyncio
import glob
import random
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bench.topics import drop_topics
from shared.auth import mint_token
from shared.db import DATABASE_OPTIONS
from shared.settings import SERVICES
from tests.conftest import KAFKA
from tests.e2e.cluster import Cluster, free_port
from tests.e2e.load import WageLoad, employed, ledger_matches

pytestmark = [pytest.mark.e2e, pytest.mark.distributed]


class Postgres:
    """A PostgreSQL cluster of our own on a free loopback port (restarting the shared one would disturb other tests)."""

    def __init__(self) -> None:
        binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
        if not binaries or shutil.which("runuser") is None:
            pytest.skip("needs Debian's PostgreSQL server binaries and runuser")
        self.bin = Path(binaries[-1]).parent
        self.dir = Path(tempfile.mkdtemp(prefix="fupin-drill-pg-", dir="/tmp"))
        shutil.chown(self.dir, "postgres", "postgres")
        self.data = self.dir / "data"
        self.port = free_port()

    def _as_postgres(self, *args: str) -> None:
        subprocess.run(["runuser", "-u", "postgres", "--", *args], check=True, timeout=180, capture_output=True)

    def init(self) -> None:
        self._as_postgres(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
        self._as_postgres(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.dir / "postgres.log"), "-o", options, "-w", "-t", "120", "start")

    def stop(self, mode: str = "fast") -> None:
        self._as_postgres(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "-t", "120", "stop")

    def sql(self, statement: str) -> None:
        self._as_postgres(
            str(self.bin / "psql"), "-h", str(self.dir), "-p", str(self.port), "-U", "postgres", "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-c", statement
        )

    def urls(self) -> dict[str, str]:
        return {s: f"postgresql+asyncpg://fupin:fupin@127.0.0.1:{self.port}/fupin_{s}" for s in SERVICES}

    def remove(self) -> None:
        try:
            self.stop("immediate")
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
async def own_postgres(tmp_path) -> AsyncIterator[Cluster]:
    pg = Postgres()
    try:
        await asyncio.to_thread(pg.init)
        await asyncio.to_thread(pg.start)
        pg.sql("CREATE ROLE fupin LOGIN SUPERUSER PASSWORD 'fupin'")
        for s in SERVICES:
            pg.sql(f"CREATE DATABASE fupin_{s} OWNER fupin {DATABASE_OPTIONS}")
        c = Cluster(database_urls=pg.urls(), kafka=KAFKA, logdir=tmp_path, run_id=uuid.uuid4().hex[:10])
        c.postgres = pg  # type: ignore[attr-defined]
        try:
            yield c
        finally:
            c.stop_all()
            await drop_topics(KAFKA, f"e{c.run_id}.")
    finally:
        pg.remove()


async def test_postgres_restarted_under_load_answers_503_with_retry_after_and_loses_no_2xx_write(own_postgres):
    cluster, pg = own_postgres, own_postgres.postgres  # type: ignore[attr-defined]
    households = await cluster.start_service("households")
    ledger = await cluster.start_service("ledger")
    headers = {"Authorization": f"Bearer {mint_token(cluster.settings, role='city_admin', subject='e2e')}"}
    import httpx

    async with httpx.AsyncClient(base_url=households, timeout=30) as hh:
        jobs = await employed(hh, headers, cluster.database_urls["households"], 5)
    load = WageLoad(households, headers, jobs, random.Random(20181207), limit=100_000, workers=3, pause=0.02)
    writer = asyncio.create_task(load.run())
    await asyncio.sleep(2)
    await asyncio.to_thread(pg.stop, "fast")
    await asyncio.sleep(4)  # down, under load
    await asyncio.to_thread(pg.start)
    await asyncio.sleep(3)
    load.stop()
    await writer

    assert load.statuses[503] > 0, load.statuses  # the outage was seen, as a 503
    assert load.unavailable_without_retry_after == 0
    assert load.server_errors == 0, load.statuses  # never a 500
    assert "unhandled error" not in cluster.log("households")
    await ledger_matches(ledger, headers, load, [h for h, _ in jobs], cluster.database_urls["ledger"])
