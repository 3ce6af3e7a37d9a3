"""Statements sent straight to asyncpg (``shared.driver``) keep the session's transaction and SQLAlchemy's errors."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from sqlalchemy import MetaData, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from shared.db import create_engine, drop_database
from shared.driver import driver_of
from shared.outbox import define_infrastructure_tables, ensure_head
from shared.routing import out_of_range_problem
from tests.conftest import MODES, PG_ADMIN_DSN, PG_URL

pytestmark = [pytest.mark.distributed, pytest.mark.skipif("distributed" not in MODES, reason="distributed runs only")]


@pytest_asyncio.fixture
async def scratch() -> AsyncIterator[tuple[AsyncEngine, MetaData]]:
    """A fresh PostgreSQL database with the infrastructure tables, a ``thing`` table and the source ``s``'s head."""
    import asyncpg

    name = f"t_driver_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(PG_ADMIN_DSN)
    await admin.execute(f'CREATE DATABASE "{name}"')
    engine = create_engine(PG_URL.format(db=name))
    metadata = MetaData()
    define_infrastructure_tables(metadata)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(metadata.create_all)
            await conn.execute(text("CREATE TABLE thing (id integer PRIMARY KEY, amount bigint)"))
            await ensure_head(conn, metadata, "s")
        yield engine, metadata
    finally:
        await engine.dispose()
        await drop_database(admin, name)
        await admin.close()


async def things(engine: AsyncEngine) -> list[int]:
    async with engine.connect() as conn:
        return [r[0] for r in await conn.execute(text("SELECT id FROM thing ORDER BY id"))]


async def test_a_driver_statement_sent_before_any_other_rolls_back_with_the_session(scratch):
    engine, _ = scratch
    async with async_sessionmaker(engine)() as session:
        driver = await driver_of(session)
        await driver.execute("INSERT INTO thing (id, amount) VALUES ($1, $2)", 1, 10)
        await session.rollback()
    assert await things(engine) == []


async def test_a_driver_statement_commits_with_the_session_s_other_statements(scratch):
    engine, _ = scratch
    async with async_sessionmaker(engine)() as session:
        driver = await driver_of(session)
        await driver.execute("INSERT INTO thing (id, amount) VALUES ($1, $2)", 1, 10)
        await session.execute(text("INSERT INTO thing (id, amount) VALUES (2, 20)"))
        await session.commit()
    assert await things(engine) == [1, 2]


async def test_a_unique_violation_through_the_driver_is_sqlalchemy_s_integrity_error_and_the_session_rolls_back(scratch):
    engine, _ = scratch
    async with async_sessionmaker(engine)() as session:
        driver = await driver_of(session)
        await driver.execute("INSERT INTO thing (id, amount) VALUES ($1, $2)", 1, 10)
        with pytest.raises(IntegrityError):
            await driver.execute("INSERT INTO thing (id, amount) VALUES ($1, $2)", 1, 11)
        await session.rollback()
    assert await things(engine) == []
    async with async_sessionmaker(engine)() as session:  # the pooled connection is usable again
        await (await driver_of(session)).execute("INSERT INTO thing (id, amount) VALUES ($1, $2)", 3, 30)
        await session.commit()
    assert await things(engine) == [3]


async def test_an_integer_beyond_64_bits_through_the_driver_is_answered_as_out_of_range_naming_its_field(scratch):
    engine, _ = scratch
    async with async_sessionmaker(engine)() as session:
        driver = await driver_of(session)
        with pytest.raises(DBAPIError) as caught:
            await driver.execute("INSERT INTO thing (id, amount) VALUES ($1, $2)", 1, 2**70)
        await session.rollback()
    problem = out_of_range_problem(caught.value, {"amount_fen": 2**70})
    assert problem is not None and problem.field == "amount_fen"
