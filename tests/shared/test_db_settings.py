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


async def test_every_database_is_made_collating_c_whose_order_is_pythons_code_point_order():
    """shared.db.create_database: "C" collation, UTF-8, the cluster's character classes; and "C" sorts as Python does."""
    import uuid

    import asyncpg

    from shared.db import create_database, drop_database
    from tests.conftest import PG_ADMIN_DSN

    name = f"t_collate_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(PG_ADMIN_DSN)
    try:
        await create_database(admin, name)
        row = await admin.fetchrow("SELECT datcollate, pg_encoding_to_char(encoding) AS enc FROM pg_database WHERE datname = $1", name)
        assert (row["datcollate"], row["enc"]) == ("C", "UTF8")
        conn = await asyncpg.connect(PG_ADMIN_DSN.rsplit("/", 1)[0] + f"/{name}")
        try:
            words = ["韶关", "乳源", "B0001", "a-1", "a_1", "A1", "翁源", "0199", "é", "始兴", "z", "Z", "仁化"]
            ordered = [r[0] for r in await conn.fetch("SELECT w FROM unnest($1::text[]) AS w ORDER BY w", words)]
            assert ordered == sorted(words)
            assert await conn.fetchval("SELECT upper('é')") == "É"  # the character classes stay UTF-8's, not "C"'s
        finally:
            await conn.close()
    finally:
        await drop_database(admin, name)
        await admin.close()


def test_the_deploy_scripts_make_the_services_databases_with_the_same_options():
    from pathlib import Path

    from shared.db import DATABASE_OPTIONS

    root = Path(__file__).resolve().parents[2]
    assert f'DATABASE_OPTIONS="{DATABASE_OPTIONS}"' in (root / "deploy/postgres/postgres.sh").read_text()
    made = [line for line in (root / "deploy/postgres/init.sql").read_text().splitlines() if line.startswith("CREATE DATABASE")]
    assert made and all(line.endswith(f" {DATABASE_OPTIONS};") for line in made), made
