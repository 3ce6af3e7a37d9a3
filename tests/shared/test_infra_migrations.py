"""The infrastructure tables are one migration branch (``shared/infra_migrations``) applied to every service database.

A fresh database gets the service's branch and the infrastructure branch; a database migrated before
the branch existed (the tables made by each service's initial migration) upgrades in place, keeping
its rows; one from before the Merkle tree gets the tree built over its events. Each case ends with
the models and the migrated database equal. SQLite in embedded runs, PostgreSQL in distributed ones.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy.ext.asyncio import AsyncEngine

from fupin.embedded import service_spec
from shared import merkle, migrations, tlog
from shared.db import create_database, create_engine, drop_database
from shared.outbox import define_infrastructure_tables
from shared.settings import SERVICES
from tests.conftest import MODES, PG_ADMIN_DSN, PG_URL

INFRA_TABLES = ("outbox", "outbox_head", "merkle_node", "outbox_relay", "idempotency_record", "consumed_event", "consumer_position")
DIALECTS = [
    pytest.param("sqlite", marks=pytest.mark.skipif("embedded" not in MODES, reason="embedded runs only")),
    pytest.param("postgresql", marks=[pytest.mark.distributed, pytest.mark.skipif("distributed" not in MODES, reason="distributed runs only")]),
]


@pytest_asyncio.fixture(params=DIALECTS)
async def new_database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Callable[[], Awaitable[AsyncEngine]]]:
    """A factory of empty databases of the dialect; each is dropped afterwards."""
    import asyncpg

    made: list[tuple[AsyncEngine, str | None]] = []

    async def make() -> AsyncEngine:
        if request.param == "sqlite":
            engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / uuid.uuid4().hex}.db")
            made.append((engine, None))
            return engine
        name = f"t_infra_{uuid.uuid4().hex[:10]}"
        conn = await asyncpg.connect(PG_ADMIN_DSN)
        try:
            await create_database(conn, name)
        finally:
            await conn.close()
        engine = create_engine(PG_URL.format(db=name))
        made.append((engine, name))
        return engine

    yield make
    for engine, name in made:
        await engine.dispose()
        if name:
            conn = await asyncpg.connect(PG_ADMIN_DSN)
            try:
                await drop_database(conn, name)
            finally:
                await conn.close()


def _infra_revision() -> str:
    script = ScriptDirectory(str(migrations.INFRA_VERSIONS.parent), version_locations=[str(migrations.INFRA_VERSIONS)])
    (head,) = script.get_heads()
    return head


async def _alembic(engine: AsyncEngine, service: str, fn: Any, *args: Any) -> None:
    def run(sync_conn: sa.Connection) -> None:
        cfg = migrations.alembic_config(service_spec(service))
        cfg.attributes["connection"] = sync_conn
        fn(cfg, *args)

    async with engine.begin() as conn:
        await conn.run_sync(run)


async def _versions(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as conn:
        return set((await conn.execute(sa.text("SELECT version_num FROM alembic_version"))).scalars())


async def _tables(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as conn:
        return set(await conn.run_sync(lambda c: sa.inspect(c).get_table_names()))


def _root(payloads: list[str]) -> bytes:
    frontier: list[bytes] = []
    merkle.append_leaves(0, frontier, [merkle.leaf_hash(p.encode()) for p in payloads])
    return merkle.root_of_frontier(frontier)


def _service_revisions(service: str) -> list[str]:
    """The service's own revisions, newest first."""
    cfg = migrations.alembic_config(service_spec(service))
    script = ScriptDirectory.from_config(cfg)
    return [rev.revision for rev in script.iterate_revisions(migrations.service_head(cfg), "base")]


@pytest.mark.parametrize("service", SERVICES)
async def test_a_fresh_database_gets_its_service_branch_and_the_infrastructure_branch(new_database, service: str) -> None:
    engine = await new_database()
    await migrations.upgrade(engine, service_spec(service))
    assert await _versions(engine) == {_service_revisions(service)[0], _infra_revision()}
    assert set(INFRA_TABLES) <= await _tables(engine)
    assert await migrations.pending_changes(engine, service_spec(service)) == []


@pytest.mark.parametrize("service", SERVICES)
async def test_a_database_at_the_head_before_the_branch_upgrades_in_place_and_keeps_its_rows(new_database, service: str) -> None:
    engine = await new_database()
    await migrations.upgrade(engine, service_spec(service))
    # What a database migrated before the branch existed holds: the same tables (each service's initial
    # migration made them), its own head alone in alembic_version, and rows.
    async with engine.begin() as conn:
        await conn.execute(sa.text("DELETE FROM alembic_version WHERE version_num = :v"), {"v": _infra_revision()})
        await conn.execute(sa.text("INSERT INTO outbox_relay (source, published_sequence) VALUES (:s, 41)"), {"s": service})
        await conn.execute(
            sa.text("INSERT INTO consumer_position (source, sequence) VALUES ('households', 7)"),
        )
    await migrations.upgrade(engine, service_spec(service))
    assert await _versions(engine) == {_service_revisions(service)[0], _infra_revision()}
    async with engine.connect() as conn:
        assert (await conn.execute(sa.text("SELECT published_sequence FROM outbox_relay"))).scalar_one() == 41
        assert (await conn.execute(sa.text("SELECT sequence FROM consumer_position"))).scalar_one() == 7
    assert await migrations.pending_changes(engine, service_spec(service)) == []


@pytest.mark.parametrize("service", ["households", "ledger"])
async def test_a_database_from_before_the_merkle_tree_gets_the_tree_built_over_its_events(new_database, service: str) -> None:
    engine = await new_database()
    initial = _service_revisions(service)[-1]
    # The service's initial revision, then its tables of that time: the infrastructure tables without the tree.
    await _alembic(engine, service, command.upgrade, initial)
    old = sa.MetaData(naming_convention=service_spec(service).metadata.naming_convention)
    define_infrastructure_tables(old)
    async with engine.begin() as conn:
        await conn.run_sync(lambda c: old.create_all(c, tables=[t for name, t in old.tables.items() if name != "merkle_node"]))
        await conn.execute(sa.text("ALTER TABLE outbox_head DROP COLUMN tree_frontier"))
        payloads = [f'{{"id": "{uuid.uuid4()}", "n": {n}}}' for n in range(1, 6)]
        for n, payload in enumerate(payloads, start=1):
            await conn.execute(
                sa.text("INSERT INTO outbox (sequence, event_id, type, time, hash, payload) VALUES (:n, :id, 't', CURRENT_TIMESTAMP, :h, :p)"),
                {"n": n, "id": str(uuid.uuid4()), "h": "0" * 64, "p": payload},
            )
        await conn.execute(sa.text("INSERT INTO outbox_head (source, last_sequence, last_hash) VALUES (:s, 5, :h)"), {"s": service, "h": "0" * 64})

    await migrations.upgrade(engine, service_spec(service))

    assert await _versions(engine) == {_service_revisions(service)[0], _infra_revision()}
    async with engine.connect() as conn:
        head = await tlog.head(conn)
        assert (head.size, head.root) == (5, _root(payloads))
        assert await tlog.root_at(conn, 3) == _root(payloads[:3])  # the stored nodes, not only the frontier
    assert await migrations.pending_changes(engine, service_spec(service)) == []


def test_new_service_revisions_go_on_the_service_branch_not_the_infrastructure_one() -> None:
    for service in SERVICES:
        cfg = migrations.alembic_config(service_spec(service))
        head = migrations.service_head(cfg)
        script = ScriptDirectory.from_config(cfg)
        assert script.get_revision(head).path.startswith(str(service_spec(service).migrations)), service
        assert set(script.get_heads()) == {head, _infra_revision()}


def test_no_service_migration_creates_an_infrastructure_table() -> None:
    root = Path(__file__).resolve().parents[2]
    found = [
        f"{path.relative_to(root)}: {table}"
        for path in sorted(root.glob("services/*/migrations/versions/*.py"))
        for table in INFRA_TABLES
        if f"create_table('{table}'" in path.read_text() or f'create_table("{table}"' in path.read_text()
    ]
    assert found == []
    assert os.path.isdir(migrations.INFRA_VERSIONS)


async def test_a_ledger_with_income_entries_gets_each_villages_income_by_year_and_type_filled_by_its_migration(new_database) -> None:
    """The overviews' projection (``village_income_year``) is filled from the entries a ledger already holds, reversals subtracting."""
    engine = await new_database()
    await _alembic(engine, "ledger", command.upgrade, "02fc844fd557")
    rows = [
        ("440232100200", "wage_labor", 1_000, "2018-03-01"),
        ("440232100200", "wage_labor", 250, "2018-12-31"),
        ("440232100200", "wage_labor", -250, "2018-12-31"),  # a reversal
        ("440232100200", "asset_income", 700, "2018-06-30"),
        ("440232100200", "wage_labor", 40, "2019-01-01"),
        ("440232100201", "wage_labor", 5, "2018-02-02"),
    ]
    async with engine.begin() as conn:
        for village, benefit, fen, on in rows:
            await conn.execute(
                sa.text(
                    "INSERT INTO income_entry (event_id, household_id, benefit_type, amount_fen, occurred_on, recorded_at, village_code,"
                    " township_code, county_code, source, event_type, lineage) VALUES (:e, :h, :b, :f, :on, CURRENT_TIMESTAMP, :v, :t, :c,"
                    " 'households', 'fupin.households.wage_recorded.v1', '{}')"
                ),
                {
                    "e": str(uuid.uuid4()),
                    "h": str(uuid.uuid4()),
                    "b": benefit,
                    "f": fen,
                    "on": date.fromisoformat(on),
                    "v": village,
                    "t": village[:9],
                    "c": village[:6],
                },
            )
    await migrations.upgrade(engine, service_spec("ledger"))
    async with engine.connect() as conn:
        got = {
            (v, y, b): n for v, y, b, n in (await conn.execute(sa.text("SELECT village_code, year, benefit_type, amount_fen FROM village_income_year"))).all()
        }
    assert got == {
        ("440232100200", 2018, "wage_labor"): 1_000,
        ("440232100200", 2018, "asset_income"): 700,
        ("440232100200", 2019, "wage_labor"): 40,
        ("440232100201", 2018, "wage_labor"): 5,
    }
    assert await migrations.pending_changes(engine, service_spec("ledger")) == []
