"""The event bus: what a subscriber is and how it applies facts exactly once, and the embedded log.

Embedded mode: the services' outbox tables are the log; a subscriber reads them by sequence and
keeps its position in its own database, in the same transaction as the effects.

Distributed mode: a relay per service publishes its outbox to the topic ``<prefix><service>``
(idempotent producer, ``acks=all``, key = household id where there is one, unlimited
retention). A subscriber is a consumer group (``auto_offset_reset=earliest``, no auto-commit)
that applies a batch in one transaction, records each event id with it, and commits offsets only
after that transaction commits; a redelivered event changes nothing. The relay and the subscriber
are in ``shared.kafka``, the broker's reachability and outages in ``shared.broker``, and how far the
projections lag in ``shared.freshness``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, cast

import msgspec
from sqlalchemy import CursorResult, MetaData, insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from shared.broker import reraise_cancellation
from shared.db import utcnow
from shared.events.contracts import EventData, parse_data
from shared.events.envelope import service_of
from shared.outbox import append_pending
from shared.settings import FupinSettings
from shared.tracing import trace_id_of

log = logging.getLogger("fupin.bus")


@dataclass(frozen=True)
class Delivered:
    """One event as a subscriber receives it: the envelope and, when the type is known, its typed data."""

    envelope: dict[str, Any]
    data: EventData | None

    @property
    def id(self) -> str:
        return str(self.envelope["id"])

    @property
    def source(self) -> str:
        return service_of(str(self.envelope["source"]))

    @property
    def sequence(self) -> int:
        return int(self.envelope["sequence"])

    @property
    def type(self) -> str:
        return str(self.envelope["type"])


Handler = Callable[[AsyncSession, list[Delivered]], Awaitable[None]]


@dataclass
class Subscription:
    """A service's interest in other sources' facts; ``handler`` applies a batch inside a transaction."""

    consumer: str
    sources: Sequence[str]
    handler: Handler


# Every subscriber reads each event through this: strict JSON (RFC 8259) to plain dicts and lists, in C (msgspec),
# about twice as fast as ``json.loads``.
decode_json: Callable[[bytes | str], Any] = msgspec.json.Decoder().decode


def decode(payload: bytes | str) -> Delivered:
    envelope = decode_json(payload)
    try:
        data = parse_data(envelope["type"], envelope.get("data") or {})
    except Exception:  # a fact this version cannot read is still recorded as consumed, and logged
        log.exception("undecodable event data", extra={"event_id": envelope.get("id"), "event_type": envelope.get("type")})
        data = None
    return Delivered(envelope, data)


class Signal:
    """Wakes relays and subscribers as soon as a transaction that wrote events commits."""

    def __init__(self) -> None:
        self._waiters: list[asyncio.Event] = []

    def listen(self) -> asyncio.Event:
        ev = asyncio.Event()
        self._waiters.append(ev)
        return ev

    def notify(self) -> None:
        for ev in self._waiters:
            ev.set()


async def wait_for(ev: asyncio.Event, timeout: float) -> None:
    try:
        await asyncio.wait_for(ev.wait(), timeout)
    except TimeoutError:
        pass
    ev.clear()


async def apply_batch(
    sessionmaker: async_sessionmaker[AsyncSession],
    metadata: MetaData,
    handler: Handler,
    batch: list[Delivered],
    positions: dict[str, int] | None = None,
    lock: asyncio.Lock | None = None,
) -> int:
    """Apply a batch in one transaction; events already applied are skipped. Returns how many were new."""
    consumed = metadata.tables["consumed_event"]
    async with maybe_locked(lock), sessionmaker() as session, session.begin():
        ids = [d.id for d in batch]
        seen: set[str] = set()
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            seen.update(r[0] for r in (await session.execute(select(consumed.c.event_id).where(consumed.c.event_id.in_(chunk)))).all())
        fresh: list[Delivered] = []
        for d in batch:
            if d.id not in seen:
                seen.add(d.id)
                fresh.append(d)
        if fresh:
            await handler(session, fresh)
            now = utcnow()
            await session.execute(insert(consumed), [{"event_id": d.id, "source": d.source, "sequence": d.sequence, "applied_at": now} for d in fresh])
            # Handlers may emit facts of their own; they join the same transaction.
            await append_pending(session, metadata, metadata.info["service"])
        if fresh:
            log.info(
                "events applied",
                extra={
                    "consumer": metadata.info["service"],
                    "event_ids": [d.id for d in fresh[:50]],
                    # Follow one payout from its HTTP request to here: the trace ids of what was applied.
                    "trace_ids": sorted({t for t in (trace_id_of(d.envelope.get("traceparent")) for d in fresh[:50]) if t}),
                    "count": len(fresh),
                    "skipped_as_already_applied": len(batch) - len(fresh),
                },
            )
        elif batch:
            log.info("redelivered events skipped", extra={"consumer": metadata.info["service"], "count": len(batch), "first_event_id": batch[0].id})
        if positions:
            position = metadata.tables["consumer_position"]
            for source, seq in positions.items():
                result = await session.execute(update(position).where(position.c.source == source).values(sequence=seq))
                if cast("CursorResult[Any]", result).rowcount == 0:
                    await session.execute(insert(position).values(source=source, sequence=seq))
    return len(fresh)


@asynccontextmanager
async def maybe_locked(lock: asyncio.Lock | asyncio.Semaphore | None) -> AsyncIterator[None]:
    """Hold ``lock`` (a writer lock or an admission gate) when there is one."""
    if lock is None:
        yield
    else:
        async with lock:
            yield


# ---- embedded: the outboxes are the log -------------------------------------------------------


@dataclass
class LogSource:
    """Where a source's log can be read in embedded mode: its engine and tables."""

    name: str
    engine: AsyncEngine
    metadata: MetaData
    signal: Signal


async def read_outbox(source: LogSource, after: int, limit: int) -> list[tuple[int, str]]:
    outbox = source.metadata.tables["outbox"]
    async with source.engine.connect() as conn:
        rows = (await conn.execute(select(outbox.c.sequence, outbox.c.payload).where(outbox.c.sequence > after).order_by(outbox.c.sequence).limit(limit))).all()
    return [(int(r[0]), str(r[1])) for r in rows]


@dataclass
class OutboxSubscriber:
    subscription: Subscription
    sessionmaker: async_sessionmaker[AsyncSession]
    metadata: MetaData
    sources: dict[str, LogSource]
    settings: FupinSettings
    write_lock: asyncio.Lock | None = None
    applied: int = 0
    _stop: bool = field(default=False, init=False)

    async def run(self) -> None:
        wake = asyncio.Event()
        for name in self.subscription.sources:
            src = self.sources[name]
            src.signal._waiters.append(wake)
        while not self._stop:
            try:
                progressed = await self.step()
            except asyncio.CancelledError:
                raise
            except Exception:
                reraise_cancellation()
                log.exception("subscriber step failed", extra={"consumer": self.subscription.consumer})
                progressed = False
                await asyncio.sleep(1)
            if not progressed:
                await wait_for(wake, self.settings.poll_interval_seconds * 4)

    async def step(self) -> bool:
        position = self.metadata.tables["consumer_position"]
        async with self.sessionmaker() as session:
            known = dict((await session.execute(select(position.c.source, position.c.sequence))).all())
        progressed = False
        for name in self.subscription.sources:
            after = int(known.get(name, 0))
            rows = await read_outbox(self.sources[name], after, self.settings.consumer_batch_size)
            if not rows:
                continue
            batch = [decode(payload) for _, payload in rows]
            self.applied += await apply_batch(self.sessionmaker, self.metadata, self.subscription.handler, batch, {name: rows[-1][0]}, self.write_lock)
            progressed = True
        return progressed
