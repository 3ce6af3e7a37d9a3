"""Statements sent straight to asyncpg (``shared.driver``) keep the session's transaction and SQLAlchemy's errors;
the relay's two driver statements publish past the mark and never move it back."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
import pytest_asyncio
from prometheus_client import REGISTRY
from sqlalchemy import MetaData, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from shared.bus import Signal
from shared.db import create_database, create_engine, drop_database, utcnow
from shared.driver import driver_of
from shared.kafka import KafkaRelay
from shared.outbox import define_infrastructure_tables, ensure_head
from shared.routing import out_of_range_problem
from shared.settings import FupinSettings
from tests.conftest import MODES, PG_ADMIN_DSN, PG_URL

pytestmark = [pytest.mark.distributed, pytest.mark.skipif("distributed" not in MODES, reason="distributed runs only")]


@pytest_asyncio.fixture
async def scratch() -> AsyncIterator[tuple[AsyncEngine, MetaData]]:
    """A fresh PostgreSQL database with the infrastructure tables, a ``thing`` table and the source ``s``'s head."""
    import asyncpg

    name = f"t_driver_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(PG_ADMIN_DSN)
    await create_database(admin, name)
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


# ---- the relay ---------------------------------------------------------------------------------


class Producer:
    """What the relay sends, in order; each send answers an already-delivered future, as aiokafka's does once acknowledged."""

    def __init__(self) -> None:
        self.sent: list[tuple[bytes, bytes]] = []

    async def send(self, topic: str, *, value: bytes, key: bytes, headers: list[tuple[str, bytes]]) -> asyncio.Future[None]:
        self.sent.append((key, value))
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        done.set_result(None)
        return done


async def append(engine: AsyncEngine, metadata: MetaData, count: int) -> None:
    """``count`` outbox rows past the head, as an append would leave them (the relay reads only these columns)."""
    outbox, head = metadata.tables["outbox"], metadata.tables["outbox_head"]
    async with engine.begin() as conn:
        last = (await conn.execute(select(head.c.last_sequence).where(head.c.source == "s"))).scalar_one()
        rows: list[dict[str, Any]] = [
            {"sequence": n, "event_id": f"e{n}", "type": "t", "subject": None, "partition_key": None, "time": utcnow(), "hash": "h", "payload": f'{{"n":{n}}}'}
            for n in range(last + 1, last + count + 1)
        ]
        await conn.execute(outbox.insert(), rows)
        await conn.execute(head.update().where(head.c.source == "s").values(last_sequence=last + count))


async def mark(engine: AsyncEngine, metadata: MetaData) -> tuple[int, Any]:
    relay = metadata.tables["outbox_relay"]
    async with engine.connect() as conn:
        row = (await conn.execute(select(relay.c.published_sequence, relay.c.published_at).where(relay.c.source == "s"))).one()
        return int(row[0]), row[1]


def relay_of(engine: AsyncEngine, metadata: MetaData, batch: int = 1000) -> KafkaRelay:
    relay = KafkaRelay("s", engine, metadata, FupinSettings(relay_batch_size=batch), Signal())
    relay._producer = Producer()
    return relay


async def test_the_relay_publishes_the_events_past_its_mark_in_order_in_batches_and_then_nothing(scratch):
    engine, metadata = scratch
    relay = relay_of(engine, metadata, batch=2)
    assert await relay.publish_pending() == 0
    await append(engine, metadata, 3)
    assert await relay.publish_pending() == 2
    assert await relay.publish_pending() == 1
    assert await relay.publish_pending() == 0
    assert [key for key, _ in relay._producer.sent] == [b"e1", b"e2", b"e3"]
    assert (await mark(engine, metadata))[0] == 3


async def test_the_relay_never_moves_the_mark_back_when_another_relay_got_further_and_counts_what_it_sent_again(scratch):
    engine, metadata = scratch
    await append(engine, metadata, 8)
    relay_table = metadata.tables["outbox_relay"]
    ahead = utcnow() - timedelta(minutes=1)

    class Racing(Producer):
        """While this relay sends events 1-6, another relay of the service publishes through 8 and marks it."""

        async def send(self, topic: str, *, value: bytes, key: bytes, headers: list[tuple[str, bytes]]) -> asyncio.Future[None]:
            if not self.sent:
                async with engine.begin() as conn:
                    await conn.execute(relay_table.update().where(relay_table.c.source == "s").values(published_sequence=8, published_at=ahead))
            return await super().send(topic, value=value, key=key, headers=headers)

    relay = relay_of(engine, metadata, batch=6)
    relay._producer = Racing()
    duplicated = REGISTRY.get_sample_value("fupin_relay_duplicated_events_total", {"source": "s"}) or 0.0
    assert await relay.publish_pending() == 6
    assert await mark(engine, metadata) == (8, ahead)
    assert REGISTRY.get_sample_value("fupin_relay_duplicated_events_total", {"source": "s"}) == duplicated + 6
