"""Replaying the log into a scratch ledger database and comparing its projections with the live ones.

The ledger's own audit: the same rows as the consumer (``projector.Rows``), through the consumer's
``apply_batch`` or PostgreSQL's COPY (``bulk_load``, ``copy_batch``), compared table by table.
"""

from __future__ import annotations

import asyncio
import functools
import json
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterable, Iterator
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from services.ledger.audit.log import LogKind, read_log
from shared.bus import Delivered, apply_batch
from shared.db import create_database, create_engine, drop_database, utcnow
from shared.events.envelope import service_of
from shared.settings import FupinSettings

# Bookkeeping that is not a projection of the log, or columns that record when rather than what.
# The ledger's own decisions (monitoring cases, production costs) are recorded through its API, not derived.
NOT_PROJECTIONS = frozenset(
    {"outbox", "outbox_head", "outbox_relay", "merkle_node", "idempotency_record", "consumer_position", "checkpoint", "monitoring_case", "production_cost"}
    # The stored flags' counts: a sum of monitoring_flags (compared) that also counts by the cases' removals.
    | {"monitoring_flag_counts"}
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
    writer = Writer(engine) if engine.dialect.name == "postgresql" else None
    try:
        for source in sorted(log):
            events = log[source]
            for start in range(0, len(events), batch_size):
                chunk = events[start : start + batch_size]
                if writer is not None:
                    await writer.put(batch_of(chunk))
                else:
                    applied += await apply_batch(sessionmaker, Base.metadata, project, [Delivered(env, None) for env in chunk])
                if progress is not None:
                    progress.update(len(chunk))
        if writer is not None:
            applied += await writer.close()
    except BaseException:
        if writer is not None:
            writer.cancel()
        raise
    return applied


BULK_TABLES = ("income_entry", "consumed_event")


# In a bulk load the batches leave out what is derived once at its end (``bulk_load``, ``deferred``): besides the
# judging and the indicators' subjects, the projections of the income rows (``_copy``), each from every entry at once.
INCOMES_AT_END: ContextVar[bool] = ContextVar("fupin_replay_incomes_at_end", default=False)


@contextmanager
def deferred() -> Iterator[None]:
    """Batches as a bulk load folds them: the early warning unjudged, the indicators' subjects and the income rows'
    projections left for its end. ``bulk_load`` sets it; so does each consumer process of a load it spans."""
    from services.ledger.indicator_projection import fold as indicator_fold
    from services.ledger.monitoring import current

    tokens = [(var, var.set(True)) for var in (current.DEFERRED, indicator_fold.DEFERRED, INCOMES_AT_END)]
    try:
        yield
    finally:
        for var, token in reversed(tokens):
            var.reset(token)


@asynccontextmanager
async def bulk_load(engine: AsyncEngine, *, scratch: bool = False) -> AsyncIterator[None]:
    """For a rebuild into an empty PostgreSQL ledger: indexes are built once at the end, not row by row, and what
    the batches leave out (``deferred``) is derived once, from everything loaded.

    A ``scratch`` database (replay --compare, dropped afterwards) keeps its big tables out of the
    write-ahead log altogether; a real rebuild keeps them logged (SET LOGGED afterwards would cost
    more than it saves, measured).
    """
    from services.ledger.models import IncomeEntry, table_of
    from services.ledger.monitoring import current

    postgres = engine.dialect.name == "postgresql"
    indexes = list(table_of(IncomeEntry).indexes) if postgres else []
    pk = table_of(IncomeEntry).primary_key
    # The early warning's stored flags are judged once at the end, not batch by batch (current.DEFERRED).
    async with engine.begin() as conn:
        await current.invalidate(conn)
    if indexes:
        async with engine.begin() as conn:
            # Entries are unique by construction here: each event is applied once (consumed_event keeps its key).
            await conn.exec_driver_sql(f"ALTER TABLE income_entry DROP CONSTRAINT {pk.name}")
            if scratch:
                for table in BULK_TABLES:
                    await conn.exec_driver_sql(f"ALTER TABLE {table} SET UNLOGGED")
            for ix in indexes:
                await conn.run_sync(ix.drop, checkfirst=True)
    loaded = False
    try:
        with deferred():
            yield
        loaded = True
    finally:
        await _finish(engine, pk, indexes, judge=loaded)


async def _finish(engine: AsyncEngine, pk: Any, indexes: list[Any], *, judge: bool) -> None:
    """A bulk load's end, each step as soon as what it reads is there, on connections of its own side by side
    (PostgreSQL; SQLite one after the other):

    - the income entries' key and indexes (PostgreSQL);
    - the early warning's months and asset payments from the entries (PostgreSQL), then its flags judged;
    - the indicators' incomes from the entries (PostgreSQL), then the subjects derived (the few that read the
      entries by household, a year with a reversal, wait for the indexes).

    The income rows' projections follow the entries committed even when the load failed (the next batch folds
    onto them); a failed load is not judged (``judge``): the lists answer by the exact path until the next load
    or batch.
    """
    from services.ledger.indicator_projection import bulk as indicator_bulk
    from services.ledger.monitoring import current
    from services.ledger.monitoring import projection as monitoring_projection

    postgres = engine.dialect.name == "postgresql"
    built: asyncio.Task[None] | None = None  # the indexes' build (PostgreSQL)

    async def step(work: Any, *, room: bool = False) -> None:
        async with engine.begin() as conn:
            if room and postgres:
                await conn.exec_driver_sql("SET LOCAL work_mem = '256MB'")
            await work(conn)

    async def early_warning() -> None:
        if postgres:
            await step(monitoring_projection.derive_incomes, room=True)
        if judge:
            await step(current.rejudge_all)

    async def indicators() -> None:
        if postgres:
            await step(indicator_bulk.derive_incomes, room=True)
        if judge:
            ready = asyncio.shield(built) if built is not None else None
            await step(functools.partial(indicator_bulk.derive_all, entries_ready=ready))

    if not postgres:  # SQLite has one writer (and no indexes to build): one step after the other
        await early_warning()
        await indicators()
        return
    try:
        async with asyncio.TaskGroup() as steps:  # a step that fails cancels the others
            built = steps.create_task(_build_indexes(engine, pk, indexes))
            steps.create_task(early_warning())
            steps.create_task(indicators())
    except BaseExceptionGroup as failed:  # the first failure, as the caller would have seen it from the step itself
        raise failed.exceptions[0] from failed


async def _build_indexes(engine: AsyncEngine, pk: Any, indexes: list[Any]) -> None:
    """The income entries' key and indexes, built side by side (one connection each: CREATE INDEX lets others build
    on the same table), with room to sort in memory; the key then takes its index as it is."""
    from sqlalchemy.schema import CreateIndex

    columns = ", ".join(c.name for c in pk.columns)
    ddl = [f"CREATE UNIQUE INDEX {pk.name} ON income_entry ({columns})"]
    ddl += [str(CreateIndex(ix).compile(dialect=engine.dialect)) for ix in indexes]

    async def build(statement: str) -> None:
        async with engine.begin() as conn:
            await conn.exec_driver_sql("SET LOCAL maintenance_work_mem = '256MB'")
            await conn.exec_driver_sql(statement)

    await asyncio.gather(*[build(statement) for statement in ddl])
    async with engine.begin() as conn:
        await conn.exec_driver_sql(f"ALTER TABLE income_entry ADD CONSTRAINT {pk.name} PRIMARY KEY USING INDEX {pk.name}")
        await conn.exec_driver_sql("ANALYZE income_entry")


@dataclass
class Batch:
    """One transaction's worth of the log, read: its income facts as COPY rows (``fastread``), the rest as envelopes.

    ``consumed`` are the ``consumed_event`` rows of ``incomes``, one each, in the same order; ``others``
    are in log order (source, sequence), as ``projector.Rows.add`` takes them.
    """

    incomes: list[tuple[Any, ...]]
    consumed: list[tuple[Any, ...]]
    others: list[dict[str, Any]]

    def __len__(self) -> int:
        return len(self.consumed) + len(self.others)


def read_batch(payloads: Iterable[bytes | str]) -> Batch:
    """A batch straight from the log's bytes (a fetch's messages, in any order across partitions)."""
    from services.ledger import fastread

    incomes, consumed, others = fastread.read(payloads, utcnow(), set())
    # Each partition is in order already; only the order of the facts that are not income lines matters to the rows.
    others.sort(key=_log_order)
    return Batch(incomes, consumed, others)


def batch_of(envelopes: list[dict[str, Any]]) -> Batch:
    """A batch of envelopes already decoded (``read_log``), the first of each event id, all read by ``Rows.add``."""
    unique: dict[str, dict[str, Any]] = {}
    for env in envelopes:
        unique.setdefault(str(env["id"]), env)
    return Batch([], [], list(unique.values()))


def _log_order(envelope: dict[str, Any]) -> tuple[Any, Any]:
    return (envelope["source"], envelope["sequence"])


async def copy_batch(engine: AsyncEngine, batch: Batch | list[dict[str, Any]]) -> int:
    """Apply a batch to a PostgreSQL ledger being rebuilt, in one transaction, with COPY.

    The same rows as the consumer's ``project`` (the same ``Rows``), plus the consumed event ids,
    so the result compares equal table by table. Optimistic: the batch is copied as it is, and
    ``consumed_event``'s key refuses an event applied before (a relay may publish one twice); then
    the batch is redone without the events already applied, as ``apply_batch`` does.
    """
    import asyncpg  # type: ignore[import-untyped]  # asyncpg ships no type information

    if isinstance(batch, list):
        batch = batch_of(batch)
    try:
        return await _copy(engine, batch, check=False)
    except asyncpg.exceptions.UniqueViolationError:
        return await _copy(engine, batch, check=True)


async def _copy(engine: AsyncEngine, batch: Batch, *, check: bool) -> int:
    from services.ledger.indicator_projection import fold as indicator_fold
    from services.ledger.monitoring import projection as monitoring_projection
    from services.ledger.projector import rows_of

    incomes, consumed, others = batch.incomes, batch.consumed, batch.others
    async with engine.begin() as conn:
        raw = (await conn.get_raw_connection()).driver_connection
        assert raw is not None, "a connection without its driver connection"
        # A rebuild that crashes is simply run again: its commits need not wait for the WAL fsync.
        await raw.execute("SET LOCAL synchronous_commit TO OFF")
        if check:
            ids = [c[0] for c in consumed] + [e["id"] for e in others]
            seen = {r[0] for r in await raw.fetch("SELECT event_id FROM consumed_event WHERE event_id = ANY($1::text[])", ids)}
            incomes = [r for r in incomes if r[0] not in seen]
            consumed = [c for c in consumed if c[0] not in seen]
            others = [e for e in others if e["id"] not in seen]
        if not consumed and not others:
            return 0
        now = utcnow()
        records = consumed + [(e["id"], service_of(str(e["source"])), int(e["sequence"]), now) for e in others]
        await raw.copy_records_to_table("consumed_event", records=records, columns=["event_id", "source", "sequence", "applied_at"])
        rows = rows_of(others)
        rows.incomes = incomes + rows.incomes
        await rows.copy(raw)
        if INCOMES_AT_END.get():
            rows.incomes = []  # their projections are derived from every entry when the load ends (``bulk_load``)
        await monitoring_projection.apply(conn, rows)
        await indicator_fold.apply(conn, rows)
    return len(records)


class Writer:
    """Writes batches one transaction at a time, in order, while the caller reads and decodes the next one.

    ``put`` waits for the batch before to commit, then starts this one's transaction and returns: the
    caller's decoding overlaps PostgreSQL's work, and no two transactions of a rebuild are ever open at
    once (two would take the monitoring upserts' row locks in opposite orders and deadlock, and would
    fold the log out of order).
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.applied = 0
        self._pending: asyncio.Task[int] | None = None

    async def put(self, batch: Batch) -> None:
        await self._settle()
        if len(batch):
            self._pending = asyncio.create_task(copy_batch(self.engine, batch))

    async def close(self) -> int:
        """Waits for the last batch; returns how many events were applied in all."""
        await self._settle()
        return self.applied

    async def _settle(self) -> None:
        if self._pending is not None:
            pending, self._pending = self._pending, None
            self.applied += await pending

    def cancel(self) -> None:
        if self._pending is not None:
            self._pending.cancel()


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
        await create_database(conn, name)
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
                if bar is not None:  # about a third of a rebuild comes after its last batch (bulk_load's end)
                    bar.set_postfix_str("every batch in; building keys and indexes, deriving the projections …")
                    bar.refresh()
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
