"""End-to-end fixtures: fresh PostgreSQL databases and topics per test, real processes."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from bench.topics import drop_topics
from tests.conftest import KAFKA, MODES, create_databases, drop_databases
from tests.e2e.cluster import Cluster

pytestmark = [pytest.mark.e2e, pytest.mark.distributed]


def pytest_collection_modifyitems(config, items):
    if "distributed" not in MODES:
        skip = pytest.mark.skip(reason="end-to-end tests need PostgreSQL and Kafka (FUPIN_TEST_MODES excludes distributed)")
        for item in items:
            if "tests/e2e/" in str(item.fspath):
                item.add_marker(skip)


@pytest_asyncio.fixture(loop_scope="session")
async def cluster(tmp_path) -> AsyncIterator[Cluster]:
    run_id = uuid.uuid4().hex[:10]
    urls = await create_databases(run_id)
    c = Cluster(database_urls=urls, kafka=KAFKA, logdir=tmp_path, run_id=run_id)
    try:
        yield c
    finally:
        c.stop_all()
        await drop_databases(run_id)
        await drop_topics(KAFKA, f"e{run_id}.")
