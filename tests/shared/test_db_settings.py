"""What every PostgreSQL connection of a service is opened with."""

import pytest

from shared.db import create_engine
from tests.conftest import MODES, PG_URL

pytestmark = [pytest.mark.distributed, pytest.mark.skipif("distributed" not in MODES, reason="distributed runs only")]


async def test_postgresql_connections_run_without_jit_and_keep_the_callers_own_settings():
    engine = create_engine(PG_URL.format(db="postgres"), connect_args={"server_settings": {"application_name": "fupin-test"}})
    try:
        async with engine.connect() as conn:
            raw = (await conn.get_raw_connection()).driver_connection
            assert await raw.fetchval("SHOW jit") == "off"
            assert await raw.fetchval("SHOW application_name") == "fupin-test"
    finally:
        await engine.dispose()
