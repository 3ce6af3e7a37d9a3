"""Audit of the event log: verify the hash chains, export the log, replay it and compare projections.

The log is read where it lives: the services' ``outbox`` tables (embedded mode, or ``--log outbox``),
the Kafka topics (distributed mode: every partition from the beginning to the end offsets, sorted
per source by ``sequence``), or an NDJSON file of envelopes written by ``export``.
"""

from __future__ import annotations

import json
import tempfile
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal, get_args

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from shared.bus import Delivered, apply_batch
from shared.db import create_engine
from shared.events.envelope import ChainBreak, canonical_json, event_hash, service_of, verify_chain
from shared.settings import FupinSettings

LogKind = Literal["auto", "outbox", "kafka"]
# The log's sources by name: a source names a database or a topic, so it is one of these and never a path.
Source = Literal["funds", "households", "market", "training"]
SOURCES: tuple[str, ...] = get_args(Source)
# Bookkeeping that is not a projection of the log, or columns that record when rather than what.
NOT_PROJECTIONS = frozenset(
    {"outbox", "outbox_head", "outbox_relay", "merkle_node", "idempotency_record", "consumer_position", "checkpoint"}
)
IGNORED_COLUMNS = frozenset({"applied_at"})


# ---- reading the log ----------------------------------------------------------------------------


async def read_outbox(settings: FupinSettings, source: str) -> list[dict[str, Any]]:
    """A source's outbox rows in stored ``sequence`` order, each parsed from the bytes that were hashed."""
    engine = create_engine(settings.database_url(source))
    try:
        async with engine.connect() as conn:
            exists = await conn.run_sync(lambda c: c.dialect.has_table(c, "outbox"))
            if not exists:
                return []
            rows = (await conn.execute(text("SELECT payload FROM outbox ORDER BY sequence"))).scalars().all()
        return [json.loads(p) for p in rows]
    finally:
        await engine.dispose()


async def read_topic(settings: FupinSettings, source: str) -> list[dict[str, Any]]:
    """Every event of a source's topic, all partitions, beginning to end, sorted by ``sequence``.

    The relay may publish an event twice after a crash (at-least-once); an exact duplicate (same
    id and hash) is dropped here, a different event under a known sequence is kept for verify to see.
    """
    from aiokafka import AIOKafkaConsumer, TopicPartition

    topic = settings.topic(source)
    consumer = AIOKafkaConsumer(bootstrap_servers=settings.kafka_bootstrap, enable_auto_commit=False, group_id=None, fetch_max_bytes=64 * 1024 * 1024)
    await consumer.start()
    try:
        partitions = await topic_partitions(consumer, topic)
        if not partitions:
            return []
        tps = [TopicPartition(topic, p) for p in sorted(partitions)]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        ends = await consumer.end_offsets(tps)
        pending = {tp for tp in tps if ends[tp] > 0}
        out: list[dict[str, Any]] = []
        while pending:
            records = await consumer.getmany(*pending, timeout_ms=1000, max_records=10000)
            for tp, messages in records.items():
                for m in messages:
                    if m.offset < ends[tp]:
                        out.append(json.loads(m.value))
                if messages and messages[-1].offset + 1 >= ends[tp]:
                    pending.discard(tp)
            for tp in list(pending):
                if await consumer.position(tp) >= ends[tp]:
                    pending.discard(tp)
    finally:
        await consumer.stop()
    seen: set[tuple[Any, Any]] = set()
    unique = []
    for env in out:
        key = (env.get("id"), env.get("hash"))
        if key not in seen:
            seen.add(key)
            unique.append(env)
    unique.sort(key=_sequence)
    return unique


async def topic_partitions(consumer: Any, topic: str) -> set[int] | None:
    """A topic's partitions from fresh cluster metadata (``partitions_for_topic`` only knows subscribed topics)."""
    cluster = await consumer._client.fetch_all_metadata()
    return cluster.partitions_for_topic(topic)



def _sequence(envelope: dict[str, Any]) -> int:
    """An envelope's place in its source's log; -1 for one without a sequence (it sorts first)."""
    value = envelope.get("sequence")
    return value if isinstance(value, int) else -1

def log_kind(settings: FupinSettings, kind: LogKind) -> Literal["outbox", "kafka"]:
    if kind != "auto":
        return kind
    return "kafka" if settings.mode == "distributed" else "outbox"


async def read_log(settings: FupinSettings, kind: LogKind = "auto", sources: Sequence[str] = SOURCES) -> dict[str, list[dict[str, Any]]]:
    """The whole log, per source, in the order it was written."""
    unknown = [s for s in sources if s not in SOURCES]
    if unknown:
        raise ValueError(f"unknown log source {unknown[0]!r}: one of {', '.join(SOURCES)}")
    read = read_topic if log_kind(settings, kind) == "kafka" else read_outbox
    return {s: await read(settings, s) for s in sources}


def read_ndjson(lines: Iterable[str | bytes]) -> list[dict[str, Any]]:
    return [json.loads(line) for line in lines if line.strip()]


# ---- verify ---------------------------------------------------------------------------------------


@dataclass
class VerifyResult:
    counts: dict[str, int]
    breaks: list[ChainBreak] = field(default_factory=list)
    filtered: bool = False

    @property
    def ok(self) -> bool:
        return not self.breaks

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "filtered": self.filtered,
            "counts": self.counts,
            "breaks": [{"source": b.source, "sequence": b.sequence, "event_id": b.event_id, "reason": b.reason} for b in self.breaks],
        }

    def report(self) -> str:
        lines = [f"{src}: {n} events" for src, n in sorted(self.counts.items())]
        if self.filtered:
            lines.append("filtered export: each event's own hash checked; gaps in sequence are expected and not reported")
        if self.ok:
            lines.append("OK: no break in any chain")
        else:
            first = self.breaks[0]
            lines.append(f"BREAK (first found): {first}")
            for b in self.breaks[1:]:
                lines.append(f"BREAK: {b}")
        return "\n".join(lines)


def verify_envelopes(envelopes: Iterable[dict[str, Any]], *, filtered: bool = False) -> VerifyResult:
    """Each source's chain separately (its first break reported); ``filtered`` checks only each event's own hash."""
    per_source: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for env in envelopes:
        per_source[str(env.get("source"))].append(env)
    result = VerifyResult(counts={}, filtered=filtered)
    for source, items in sorted(per_source.items()):
        if filtered:
            result.counts[source] = len(items)
            for env in items:
                if event_hash(env) != env.get("hash"):
                    result.breaks.append(ChainBreak(source, env.get("sequence"), env.get("id"), "hash does not match the content: the event was altered"))
                    break
            continue
        broken, counts = verify_chain(items)
        result.counts[source] = len(items)
        if broken is not None:
            result.breaks.append(broken)
    return result


def check_checkpoint(envelopes: Iterable[dict[str, Any]], checkpoint: Any) -> ChainBreak | None:
    """The first ``checkpoint.size`` events of its source must hash to its Merkle root (docs/audit.md §7).

    This is what a re-hashed chain cannot pass: the root was kept elsewhere before the rewrite.
    """
    from shared import merkle

    source = "/fupin/" + checkpoint.origin.rstrip("/").rsplit("/", 1)[-1]
    mine = sorted((e for e in envelopes if e.get("source") == source), key=_sequence)
    if len(mine) < checkpoint.size:
        return ChainBreak(source, None, None, f"the log holds {len(mine)} events, the kept checkpoint {checkpoint.size}: events are missing")
    frontier: list[bytes] = []
    merkle.append_leaves(0, frontier, (merkle.leaf_hash(canonical_json(e)) for e in mine[: checkpoint.size]))
    if merkle.root_of_frontier(frontier) != checkpoint.root:
        return ChainBreak(
            source, None, None, f"the first {checkpoint.size} events do not hash to the kept checkpoint's root: the history was rewritten"
        )
    return None


async def verify_log(settings: FupinSettings, kind: LogKind = "auto", sources: Sequence[str] = SOURCES) -> VerifyResult:
    log = await read_log(settings, kind, sources)
    result = verify_envelopes(env for s in sources for env in log[s])
    for s in sources:  # an empty source is reported as such, not silently left out
        result.counts.setdefault(f"/fupin/{s}", 0)
    return result


# ---- export ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportFilter:
    sources: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    since: datetime | None = None
    until: datetime | None = None
    household: str | None = None

    @property
    def complete(self) -> bool:
        """An unfiltered export is the complete chain; a filtered one has expected gaps."""
        return not (self.types or self.since or self.until or self.household)

    def keeps(self, env: dict[str, Any]) -> bool:
        if self.sources and service_of(str(env.get("source"))) not in self.sources:
            return False
        if self.types and env.get("type") not in self.types and not any(str(env.get("type", "")).startswith(t) for t in self.types):
            return False
        if self.since or self.until:
            when = datetime.fromisoformat(str(env.get("time")).replace("Z", "+00:00"))
            if (self.since and when < self.since) or (self.until and when >= self.until):
                return False
        if self.household:
            data = env.get("data") or {}
            income = data["income"] if isinstance(data.get("income"), dict) else {}
            if self.household not in (env.get("partitionkey"), data.get("household_id"), income.get("household_id")):
                return False
        return True


def export_lines(log: dict[str, list[dict[str, Any]]], flt: ExportFilter) -> Iterator[bytes]:
    """NDJSON lines of CloudEvents envelopes, exactly as hashed, source after source in sequence order."""
    for source in sorted(log):
        for env in log[source]:
            if flt.keeps(env):
                yield canonical_json(env) + b"\n"


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
        hidden = len(self.missing_in_live) + len(self.extra_in_live) + len(self.changed) - min(limit, len(self.missing_in_live)) - min(limit, len(self.extra_in_live)) - min(limit, len(self.changed))
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


async def replay_into(
    engine: AsyncEngine, log: dict[str, list[dict[str, Any]]], *, batch_size: int = 2000, progress: Any = None
) -> int:
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

    indexes = list(table_of(IncomeEntry).indexes) if engine.dialect.name == "postgresql" else []
    pk = table_of(IncomeEntry).primary_key
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
    finally:
        if indexes:
            async with engine.begin() as conn:
                columns = ", ".join(c.name for c in pk.columns)
                await conn.exec_driver_sql(f"ALTER TABLE income_entry ADD CONSTRAINT {pk.name} PRIMARY KEY ({columns})")
                for ix in indexes:
                    await conn.run_sync(ix.create, checkfirst=True)
                await conn.exec_driver_sql("ANALYZE income_entry")


async def copy_batch(engine: AsyncEngine, envelopes: list[dict[str, Any]]) -> int:
    """Apply a batch to a PostgreSQL ledger being rebuilt, in one transaction, with COPY.

    The same rows as the consumer's ``project`` (the same ``Rows``), plus the consumed event ids,
    so the result compares equal table by table. Optimistic: the batch is copied as it is, and
    ``consumed_event``'s key refuses an event applied before (a relay may publish one twice); then
    the batch is redone without the events already applied, as ``apply_batch`` does.
    """
    import asyncpg

    unique: dict[str, dict[str, Any]] = {}
    for env in envelopes:
        unique.setdefault(str(env["id"]), env)
    fresh = list(unique.values())
    try:
        return await _copy(engine, fresh, check=False)
    except asyncpg.exceptions.UniqueViolationError:
        return await _copy(engine, fresh, check=True)


async def _copy(engine: AsyncEngine, envelopes: list[dict[str, Any]], *, check: bool) -> int:
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
        await rows_of(envelopes).copy(raw)
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
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
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
