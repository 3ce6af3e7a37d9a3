"""Transactional outbox: a service writes its state change and the event in one database transaction.

Appends are serialized per source by locking the source's head row (``SELECT … FOR UPDATE``)
until the transaction commits, so sequence order is commit order and a relay reading
``sequence > published`` can never skip a row that commits late. On SQLite the service's single
writer lock gives the same guarantee.

Each source's events are also the leaves of a Merkle tree (``shared.merkle``), extended in the
same transaction: the head row keeps the tree's frontier, and ``merkle_node`` receives the
perfect subtrees each append completes — no extra round trip, no rebuild.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import BigInteger, Column, Integer, LargeBinary, MetaData, String, Table, Text, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from shared import merkle
from shared.driver import driver_of, value_rows
from shared.events.contracts import EventData
from shared.events.envelope import GENESIS_HASH, seal_canonical
from shared.identity import SYSTEM, Principal
from shared.ids import new_id
from shared.sqltypes import UTCDateTime, utcnow
from shared.tracing import current_traceparent

PENDING_KEY = "fupin_pending_events"
# Appends up to this many events go out as one multi-row statement; larger ones (imports) as executemany.
SMALL_APPEND = 200
PRINCIPAL_KEY = "fupin_principal"


def define_infrastructure_tables(metadata: MetaData) -> None:
    """Tables every service database has: outbox, its head and relay mark, idempotency, consumption."""
    Table(
        "outbox",
        metadata,
        Column("sequence", BigInteger, primary_key=True, autoincrement=False),
        Column("event_id", String(36), nullable=False, unique=True),
        Column("type", String(120), nullable=False),
        Column("subject", String(80)),
        Column("partition_key", String(80)),
        Column("time", UTCDateTime(), nullable=False),
        Column("hash", String(64), nullable=False),
        # The envelope exactly as hashed: canonical JSON, so an audit re-hashes the stored bytes.
        Column("payload", Text, nullable=False),
    )
    Table(
        "outbox_head",
        metadata,
        Column("source", String(40), primary_key=True),
        Column("last_sequence", BigInteger, nullable=False),
        Column("last_hash", String(64), nullable=False),
        # The Merkle tree's frontier at last_sequence leaves: concatenated 32-byte hashes (shared.merkle).
        Column("tree_frontier", LargeBinary),
    )
    Table(
        "merkle_node",
        metadata,
        # Every perfect subtree of the source's Merkle tree: level 0 are the leaves, index counts from 0.
        Column("level", Integer, primary_key=True, autoincrement=False),
        Column("idx", BigInteger, primary_key=True, autoincrement=False),
        Column("hash", LargeBinary, nullable=False),
    )
    Table(
        "outbox_relay",
        metadata,
        Column("source", String(40), primary_key=True),
        Column("published_sequence", BigInteger, nullable=False),
        Column("published_at", UTCDateTime()),
    )
    Table(
        "idempotency_record",
        metadata,
        Column("id", String(64), primary_key=True),
        Column("request_hash", String(64), nullable=False),
        Column("status_code", Integer, nullable=False),
        Column("content_type", String(80)),
        Column("location", String(300)),
        Column("body", LargeBinary, nullable=False),
        Column("created_at", UTCDateTime(), nullable=False),
    )
    Table(
        "consumed_event",
        metadata,
        Column("event_id", String(36), primary_key=True),
        Column("source", String(40), nullable=False),
        Column("sequence", BigInteger, nullable=False),
        Column("applied_at", UTCDateTime(), nullable=False),
    )
    Table(
        "consumer_position",
        metadata,
        Column("source", String(40), primary_key=True),
        Column("sequence", BigInteger, nullable=False),
    )


_OUTBOX_COLUMNS = ("sequence", "event_id", "type", "subject", "partition_key", "time", "hash", "payload")
_NODE_COLUMNS = ("level", "idx", "hash")


@lru_cache(maxsize=4 * SMALL_APPEND)
def _append_sql(n: int, nodes: int) -> str:
    """``WITH appended AS (INSERT … n rows), tree AS (INSERT … nodes) UPDATE outbox_head …``, built once per (n, nodes).

    Parameters: ``$1`` the source, ``$2`` its new last hash, then (with nodes) its new frontier, then
    each row's ``_OUTBOX_COLUMNS``, then each new node's ``_NODE_COLUMNS``.
    """
    head = "last_hash = $2, tree_frontier = $3" if nodes else "last_hash = $2"
    first = 4 if nodes else 3
    values = value_rows(first, n, [None] * len(_OUTBOX_COLUMNS))
    tree = ""
    if nodes:
        node_values = value_rows(first + n * len(_OUTBOX_COLUMNS), nodes, [None] * len(_NODE_COLUMNS))
        tree = f", tree AS (INSERT INTO merkle_node ({', '.join(_NODE_COLUMNS)}) VALUES {node_values})"
    return f"WITH appended AS (INSERT INTO outbox ({', '.join(_OUTBOX_COLUMNS)}) VALUES {values}){tree} UPDATE outbox_head SET {head} WHERE source = $1"


# Locks the head (until commit) and reserves $2 sequence numbers in one round trip; answers the previous head.
_RESERVE_SQL = "UPDATE outbox_head SET last_sequence = last_sequence + $2 WHERE source = $1 RETURNING last_sequence - $2, last_hash, tree_frontier"


@dataclass(frozen=True)
class PendingEvent:
    data: EventData
    actor: str
    actorrole: str
    traceparent: str | None = None


def bind_principal(session: AsyncSession, principal: Principal) -> None:
    session.info[PRINCIPAL_KEY] = principal


def emit(session: AsyncSession, data: EventData) -> None:
    """Record a fact; it is appended to the outbox in the same transaction, just before commit."""
    principal: Principal = session.info.get(PRINCIPAL_KEY, SYSTEM)
    session.info.setdefault(PENDING_KEY, []).append(PendingEvent(data, principal.subject, str(principal.role), current_traceparent()))


def pending_events(session: AsyncSession) -> list[PendingEvent]:
    pending: list[PendingEvent] = session.info.get(PENDING_KEY, [])
    return pending


async def ensure_head(conn: AsyncConnection, metadata: MetaData, source: str) -> None:
    """Create the source's head and relay rows once (at start-up), so appends only ever update them."""
    head = metadata.tables["outbox_head"]
    relay = metadata.tables["outbox_relay"]
    if (await conn.execute(select(head.c.source).where(head.c.source == source))).first() is None:
        await conn.execute(insert(head).values(source=source, last_sequence=0, last_hash=GENESIS_HASH))
    if (await conn.execute(select(relay.c.source).where(relay.c.source == source))).first() is None:
        await conn.execute(insert(relay).values(source=source, published_sequence=0))


async def append_pending(session: AsyncSession, metadata: MetaData, source: str, *, tree: bool = True) -> list[dict[str, Any]]:
    """Seal the session's pending events into the outbox, chained to the source's last event.

    The events extend the source's Merkle tree in the same statements (``tree=False`` exists only
    for the benchmark's baseline, bench/merkle.py).
    """
    pending = session.info.pop(PENDING_KEY, [])
    if not pending:
        return []
    head = metadata.tables["outbox_head"]
    outbox = metadata.tables["outbox"]
    await session.flush()
    # Everything that does not depend on the chain is prepared before the head row is locked,
    # so the lock (held until commit) covers as little work as possible.
    now = utcnow()
    stamp = now.isoformat().replace("+00:00", "Z")
    prepared = [(new_id(), item, item.data.subject(), item.data.partition_key(), item.data.model_dump(mode="json")) for item in pending]
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        # Straight to the driver, in the session's transaction: through SQLAlchemy's execute path the
        # two statements cost the process several times the driver's work (shared.driver, issue 19).
        driver = await driver_of(session)
        row = await driver.fetchrow(_RESERVE_SQL, source, len(prepared))
    else:
        row = (
            await session.execute(select(head.c.last_sequence, head.c.last_hash, head.c.tree_frontier).where(head.c.source == source).with_for_update())
        ).one()
    sequence, prevhash = int(row[0]), str(row[1])
    size, frontier = sequence, merkle.unpack(row[2])
    rows = []
    envelopes = []
    leaves: list[bytes] = []
    for event_id, item, subject, partitionkey, data in prepared:
        sequence += 1
        envelope, canonical = seal_canonical(
            event_id=event_id,
            service=source,
            type_=item.data.event_type,
            time=stamp,
            subject=subject,
            data=data,
            sequence=sequence,
            prevhash=prevhash,
            actor=item.actor,
            actorrole=item.actorrole,
            partitionkey=partitionkey,
            traceparent=item.traceparent,
        )
        prevhash = envelope["hash"]
        envelopes.append(envelope)
        rows.append(
            {
                "sequence": sequence,
                "event_id": event_id,
                "type": envelope["type"],
                "subject": subject,
                "partition_key": partitionkey,
                "time": now,
                "hash": envelope["hash"],
                "payload": canonical.decode(),
            }
        )
        if tree:
            leaves.append(merkle.leaf_hash(canonical))
    nodes: list[tuple[int, int, bytes]] = []
    if tree:
        _, nodes = merkle.append_leaves(size, frontier, leaves)
    if postgres and len(rows) <= SMALL_APPEND:
        # The rows, the tree's new nodes and the head's new hash and frontier in one statement (a
        # data-modifying CTE): the lock taken above is held for two round trips and the commit.
        args: list[Any] = [source, prevhash, merkle.pack(frontier)] if nodes else [source, prevhash]
        for r in rows:
            args.extend(r[c] for c in _OUTBOX_COLUMNS)
        for node in nodes:
            args.extend(node)
        await driver.execute(_append_sql(len(rows), len(nodes)), *args)
    else:
        await session.execute(insert(outbox), rows)
        values: dict[str, Any] = {"last_sequence": sequence, "last_hash": prevhash}
        if nodes:
            await session.execute(insert(metadata.tables["merkle_node"]), [{"level": lv, "idx": ix, "hash": h} for lv, ix, h in nodes])
            values["tree_frontier"] = merkle.pack(frontier)
        await session.execute(update(head).where(head.c.source == source).values(**values))
    return envelopes
