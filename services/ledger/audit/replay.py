"""Replaying the log into a scratch ledger database and comparing its projections with the live ones.

The ledger's own audit: the same rows as the consumer (``projector.Rows``), through the consumer's
``apply_batch`` or PostgreSQL's COPY (``bulk_load``, ``copy_batch``), compared table by table.
"""

from __future__ import annotations

import json
import tempfile
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from services.ledger.audit.log import LogKind, read_log
from shared.bus import Delivered, apply_batch
from shared.db import create_engine, drop_database
from shared.events.envelope import service_of
from shared.settings import FupinSettings

# Bookkeeping that is not a projection of the log, or columns that record when rather than what.
# The ledger's own decisions (monitoring cases, production costs) are recorded through its API, not derived.
NOT_PROJECTIONS = frozenset(
    {"outbox", "outbox_head", "outbox_relay", "merkle_node", "idempotency_record", "consumer_position", "checkpoint", "monitoring_case", "production_cost"}
)
# The stored flags' ``active_*`` columns also read the monitoring cases (decisions, not the log): the replay has none.
IGNORED_COLUMNS = frozenset({"applied_at", "active_severity", "active_count", "active_kinds"})


# ---- replay and compare ----------------------------------------------------------------------------


def _normal(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return value


async def snapshot(engine: AsyncEngine, metadata: Any, table_name: str) -> dict[tuple[Any, ...], dict[str, Any]]:
    table = metadata.tables[table_name]
    key_cols = [c.name for c in table.primary_key.columns]
    cols = [c for c in table.columns if c.name not in IGNORED_COLUMNS]
    async with engine.connect() as conn:
        rows = (await conn.execute(select(*cols))).mappings().all()
    return {tuple(r[k] for k in key_cols): {c.name: _normal(r[c.name]) for c in cols} for r in rows}


@dataclass
class TableDiff:
    table: str
    live_rows: int
    replay_rows: int
    missing_in_live: list[tuple[Any, ...]] = field(default_factory=list)
    extra_in_live: list[tuple[Any, ...]] = field(default_factory=list)
    changed: list[tuple[tuple[Any, ...], dict[str, tuple[Any, Any]]]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.missing_in_live or self.extra_in_live or self.changed)

    def as_dict(self, limit: int = 100) -> dict[str, Any]:
        return {
            "table": self.table,
            "identical": self.ok,
            "live_rows": self.live_rows,
            "replay_rows": self.replay_rows,
            "missing_in_live": [list(k) for k in self.missing_in_live[:limit]],
            "only_in_live": [list(k) for k in self.extra_in_live[:limit]],
            "changed": [{"key": list(k), "columns": {c: {"live": a, "replay": b} for c, (a, b) in cols.items()}} for k, cols in self.changed[:limit]],
        }

    def report(self, limit: int = 10) -> str:
        head = f"{self.table}: live {self.live_rows} rows, replay {self.replay_rows} rows"
        if self.ok:
            return head + " — identical"
        lines = [head + " — DIFFERENT"]
        for key in self.missing_in_live[:limit]:
            lines.append(f"  missing in live: {key}")
        for key in self.extra_in_live[:limit]:
            lines.append(f"  only in live (not derivable from the log): {key}")
        for key, cols in self.changed[:limit]:
            for col, (live, replayed) in cols.items():
                lines.append(f"  changed {key} {col}: live={live!r} replay={replayed!r}")
        hidden = (
            len(self.missing_in_live)
            + len(self.extra_in_live)
            + len(self.changed)
            - min(limit, len(self.missing_in_live))
            - min(limit, len(self.extra_in_live))
            - min(limit, len(self.changed))
        )
        if hidden > 0:
            lines.append(f"  … and {hidden} more")
        return "\n".join(lines)


def diff_tables(name: str, live: dict[tuple[Any, ...], dict[str, Any]], replayed: dict[tuple[Any, ...], dict[str, Any]]) -> TableDiff:
    d = TableDiff(name, len(live), len(replayed))
    d.missing_in_live = sorted(k for k in replayed if k not in live)
    d.extra_in_live = sorted(k for k in live if k not in replayed)
    for key in sorted(k for k in live if k in replayed):
        a, b = live[key], replayed[key]
        cols = {c: (a[c], b[c]) for c in a if a[c] != b.get(c)}
        if cols:
            d.changed.append((key, cols))
    return d


def projection_tables(metadata: Any) -> list[str]:
    return sorted(t for t in metadata.tables if t not in NOT_PROJECTIONS)


async def replay_into(engine: AsyncEngine, log: dict[str, list[dict[str, Any]]], *, batch_size: int = 2000, progress: Any = None) -> int:
    """Apply the whole log to a migrated, empty ledger database, a batch (one transaction) at a time."""
    from services.ledger.models import Base
    from services.ledger.projector import project

    sessionmaker = async_sessionmaker(engine, expire_on_commit=False)
    applied = 0
    for source in sorted(log):
        events = log[source]
        for start in range(0, len(events), batch_size):
            chunk = events[start : start + batch_size]
            if engine.dialect.name == "postgresql":
                applied += await copy_batch(engine, chunk)
            else:
                applied += await apply_batch(sessionmaker, Base.metadata, project, [Delivered(env, None) for env in chunk])
            if progress is not None:
                progress.update(len(chunk))
    return applied


BULK_TABLES = ("income_entry", "consumed_event")


@asynccontextmanager
async def bulk_load(engine: AsyncEngine, *, scratch: bool = False) -> AsyncIterator[None]:
    """For a rebuild into an empty PostgreSQL ledger: indexes are built once at the end, not row by row.

    A ``scratch`` database (replay --compare, dropped afterwards) keeps its big tables out of the
    write-ahead log altogether; a real rebuild keeps them logged (SET LOGGED afterwards would cost
    more than it saves, measured).
    """
    from services.ledger.models import IncomeEntry, table_of
    from services.ledger.monitoring import current

    indexes = list(table_of(IncomeEntry).indexes) if engine.dialect.name == "postgresql" else []
    pk = table_of(IncomeEntry).primary_key
    # The early warning's stored flags are judged once at the end, not batch by batch (current.DEFERRED).
    async with engine.begin() as conn:
        await current.invalidate(conn)
    deferred = current.DEFERRED.set(True)
    if indexes:
        async with engine.begin() as conn:
            # Entries are unique by construction here: each event is applied once (consumed_event keeps its key).
            await conn.exec_driver_sql(f"ALTER TABLE income_entry DROP CONSTRAINT {pk.name}")
            if scratch:
                for table in BULK_TABLES:
                    await conn.exec_driver_sql(f"ALTER TABLE {table} SET UNLOGGED")
            for ix in indexes:
                await conn.run_sync(ix.drop, checkfirst=True)
    try:
        yield
        loaded = True
    except BaseException:
        loaded = False
        raise
    finally:
        current.DEFERRED.reset(deferred)
        if indexes:
            async with engine.begin() as conn:
                columns = ", ".join(c.name for c in pk.columns)
                await conn.exec_driver_sql(f"ALTER TABLE income_entry ADD CONSTRAINT {pk.name} PRIMARY KEY ({columns})")
                for ix in indexes:
                    await conn.run_sync(ix.create, checkfirst=True)
                await conn.exec_driver_sql("ANALYZE income_entry")
        if loaded:  # a failed load leaves no judged month: the lists answer by the exact path until the next load or batch
            async with engine.begin() as conn:
                await current.rejudge_all(conn)


async def copy_batch(engine: AsyncEngine, envelopes: list[dict[str, Any]]) -> int:
    """Apply a batch to a PostgreSQL ledger being rebuilt, in one transaction, with COPY.

    The same rows as the consumer's ``project`` (the same ``Rows``), plus the consumed event ids,
    so the result compares equal table by table. Optimistic: the batch is copied as it is, and
    ``consumed_event``'s key refuses an event applied before (a relay may publish one twice); then
    the batch is redone without the events already applied, as ``apply_batch`` does.
    """
    import asyncpg  # type: ignore[import-untyped]  # asyncpg ships no type information

    unique: dict[str, dict[str, Any]] = {}
    for env in envelopes:
        unique.setdefault(str(env["id"]), env)
    fresh = list(unique.values())
    try:
        return await _copy(engine, fresh, check=False)
    except asyncpg.exceptions.UniqueViolationError:
        return await _copy(engine, fresh, check=True)


async def _copy(engine: AsyncEngine, envelopes: list[dict[str, Any]], *, check: bool) -> int:
    from services.ledger.indicator_projection import fold as indicator_fold
    from services.ledger.monitoring import projection as monitoring_projection
    from services.ledger.projector import rows_of
    from shared.db import utcnow

    async with engine.begin() as conn:
        raw = (await conn.get_raw_connection()).driver_connection
        assert raw is not None, "a connection without its driver connection"
        # A rebuild that crashes is simply run again: its commits need not wait for the WAL fsync.
        await raw.execute("SET LOCAL synchronous_commit TO OFF")
        if check:
            seen = {r[0] for r in await raw.fetch("SELECT event_id FROM consumed_event WHERE event_id = ANY($1::text[])", [e["id"] for e in envelopes])}
            envelopes = [e for e in envelopes if e["id"] not in seen]
        if not envelopes:
            return 0
        now = utcnow()
        await raw.copy_records_to_table(
            "consumed_event",
            records=[(e["id"], service_of(str(e["source"])), int(e["sequence"]), now) for e in envelopes],
            columns=["event_id", "source", "sequence", "applied_at"],
        )
        rows = rows_of(envelopes)
        await rows.copy(raw)
        await monitoring_projection.apply(conn, rows)
        await indicator_fold.apply(conn, rows)
    return len(envelopes)


@asynccontextmanager
async def scratch_database(settings: FupinSettings) -> AsyncIterator[AsyncEngine]:
    """An empty, migrated ledger database: a SQLite file in a temp dir, or a fresh PostgreSQL database."""
    from services.ledger.app import SPEC
    from shared import migrations

    live_url = settings.database_url("ledger")
    if live_url.startswith("sqlite"):
        with tempfile.TemporaryDirectory(prefix="fupin-replay-") as tmp:
            engine = create_engine(f"sqlite+aiosqlite:///{Path(tmp) / 'ledger-replay.db'}")
            try:
                await migrations.upgrade(engine, SPEC)
                yield engine
            finally:
                await engine.dispose()
        return
    import asyncpg
    from sqlalchemy.engine import make_url

    url = make_url(live_url)
    name = f"fupin_replay_{uuid.uuid4().hex[:12]}"
    admin_dsn = url.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    conn = await asyncpg.connect(admin_dsn)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    engine = create_engine(url.set(database=name).render_as_string(hide_password=False))
    try:
        await migrations.upgrade(engine, SPEC)
        yield engine
    finally:
        await engine.dispose()
        conn = await asyncpg.connect(admin_dsn)
        try:
            await drop_database(conn, name)
        finally:
            await conn.close()


@dataclass
class CompareResult:
    events: int
    tables: list[TableDiff]

    @property
    def ok(self) -> bool:
        return all(t.ok for t in self.tables)

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "events": self.events, "tables": [t.as_dict() for t in self.tables]}

    def report(self) -> str:
        lines = [f"replayed {self.events} events from the first one"]
        lines += [t.report() for t in self.tables]
        lines.append("OK: every projection equals its replay" if self.ok else "MISMATCH: the live projections differ from the replayed log")
        return "\n".join(lines)


async def replay_compare(
    settings: FupinSettings, kind: LogKind = "auto", *, progress: bool = False, log: dict[str, list[dict[str, Any]]] | None = None
) -> CompareResult:
    """Rebuild every ledger projection from the first event into a scratch database and compare, table by table."""
    from services.ledger.models import Base

    log = log if log is not None else await read_log(settings, kind)
    total = sum(len(v) for v in log.values())
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=total, unit="ev", desc="replay", dynamic_ncols=True)
    try:
        async with scratch_database(settings) as scratch:
            async with bulk_load(scratch, scratch=True):
                await replay_into(scratch, log, batch_size=settings.consumer_batch_size, progress=bar)
            live = create_engine(settings.database_url("ledger"))
            try:
                diffs = []
                for name in projection_tables(Base.metadata):
                    diffs.append(diff_tables(name, await snapshot(live, Base.metadata, name), await snapshot(scratch, Base.metadata, name)))
            finally:
                await live.dispose()
    finally:
        if bar is not None:
            bar.close()
    return CompareResult(total, diffs)
