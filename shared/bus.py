"""The event bus: the outbox relay to Kafka, and subscribers that apply facts exactly once.

Embedded mode: the services' outbox tables are the log; a subscriber reads them by sequence and
keeps its position in its own database, in the same transaction as the effects.

Distributed mode: a relay per service publishes its outbox to the topic ``<prefix><service>``
(idempotent producer, ``acks=all``, key = household id where there is one, unlimited
retention). A subscriber is a consumer group (``auto_offset_reset=earliest``, no auto-commit)
that applies a batch in one transaction, records each event id with it, and commits offsets only
after that transaction commits; a redelivered event changes nothing.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import MetaData, insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from shared.db import utcnow
from shared.events.contracts import EventData, parse_data
from shared.events.envelope import service_of
from shared.outbox import append_pending
from shared.settings import FupinSettings

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


def decode(payload: bytes | str) -> Delivered:
    envelope = json.loads(payload)
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
            await session.execute(
                insert(consumed), [{"event_id": d.id, "source": d.source, "sequence": d.sequence, "applied_at": now} for d in fresh]
            )
            # Handlers may emit facts of their own; they join the same transaction.
            await append_pending(session, metadata, metadata.info["service"])
        if fresh:
            log.info(
                "events applied",
                extra={
                    "consumer": metadata.info["service"],
                    "event_ids": [d.id for d in fresh[:50]],
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
                if result.rowcount == 0:
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
        rows = (
            await conn.execute(
                select(outbox.c.sequence, outbox.c.payload).where(outbox.c.sequence > after).order_by(outbox.c.sequence).limit(limit)
            )
        ).all()
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
            self.applied += await apply_batch(
                self.sessionmaker, self.metadata, self.subscription.handler, batch, {name: rows[-1][0]}, self.write_lock
            )
            progressed = True
        return progressed


# ---- distributed: Kafka ----------------------------------------------------------------------


async def ensure_topics(settings: FupinSettings, sources: Sequence[str]) -> None:
    """Create the sources' topics with unlimited retention: they are the audit log."""
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic
    from aiokafka.errors import TopicAlreadyExistsError

    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap, request_timeout_ms=10000)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        wanted = [
            NewTopic(
                name=settings.topic(s),
                num_partitions=settings.topic_partitions,
                replication_factor=1,
                topic_configs={"retention.ms": "-1", "retention.bytes": "-1", "cleanup.policy": "delete"},
            )
            for s in sources
            if settings.topic(s) not in existing
        ]
        if wanted:
            try:
                await admin.create_topics(wanted)
            except TopicAlreadyExistsError:
                pass
            else:
                log.info("topics created", extra={"topics": [t.name for t in wanted]})
    finally:
        await admin.close()


@dataclass
class KafkaRelay:
    """Publishes a service's outbox to its topic in sequence order, then moves the published mark."""

    service: str
    engine: AsyncEngine
    metadata: MetaData
    settings: FupinSettings
    signal: Signal
    healthy: bool = False
    published: int = 0
    _producer: Any = field(default=None, init=False)

    async def run(self) -> None:
        wake = self.signal.listen()
        backoff = 0.5
        while True:
            try:
                if self._producer is None:
                    await ensure_topics(self.settings, [self.service])
                    self._producer = await self._start_producer()
                sent = await self.publish_pending()
                self.healthy = True
                backoff = 0.5
                if sent < self.settings.relay_batch_size:
                    await wait_for(wake, self.settings.poll_interval_seconds)
                    # Let commits that arrive together go out together: one read, one send, one mark.
                    await asyncio.sleep(self.settings.relay_linger_seconds)
            except asyncio.CancelledError:
                await self._close()
                raise
            except Exception as exc:
                self.healthy = False
                log.warning("relay cannot publish; will retry", extra={"service": self.service, "error": repr(exc), "retry_in_s": backoff})
                await self._close()
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 5.0)

    async def _start_producer(self) -> Any:
        from aiokafka import AIOKafkaProducer

        producer = AIOKafkaProducer(
            bootstrap_servers=self.settings.kafka_bootstrap,
            enable_idempotence=True,
            acks="all",
            linger_ms=5,
            max_batch_size=1024 * 1024,
            request_timeout_ms=15000,
        )
        await producer.start()
        return producer

    async def _close(self) -> None:
        if self._producer is not None:
            producer, self._producer = self._producer, None
            await _stop_quietly(producer)

    async def publish_pending(self) -> int:
        outbox = self.metadata.tables["outbox"]
        relay = self.metadata.tables["outbox_relay"]
        async with self.engine.connect() as conn:
            mark = (await conn.execute(select(relay.c.published_sequence).where(relay.c.source == self.service))).scalar_one()
            rows = (
                await conn.execute(
                    select(outbox.c.sequence, outbox.c.event_id, outbox.c.partition_key, outbox.c.payload)
                    .where(outbox.c.sequence > mark)
                    .order_by(outbox.c.sequence)
                    .limit(self.settings.relay_batch_size)
                )
            ).all()
        if not rows:
            return 0
        topic = self.settings.topic(self.service)
        futures = []
        for row in rows:
            futures.append(
                await self._producer.send(
                    topic,
                    value=row.payload.encode(),
                    key=(row.partition_key or row.event_id).encode(),
                    headers=[("content-type", b"application/cloudevents+json")],
                )
            )
        await asyncio.gather(*futures)
        last = int(rows[-1].sequence)
        async with self.engine.begin() as conn:
            await conn.execute(update(relay).where(relay.c.source == self.service).values(published_sequence=last, published_at=utcnow()))
        self.published += len(rows)
        log.info(
            "events published",
            extra={"service": self.service, "topic": topic, "count": len(rows), "event_ids": [r.event_id for r in rows[:50]], "through_sequence": last},
        )
        return len(rows)


@dataclass
class KafkaSubscriber:
    subscription: Subscription
    sessionmaker: async_sessionmaker[AsyncSession]
    metadata: MetaData
    settings: FupinSettings
    applied: int = 0
    healthy: bool = False

    async def run(self) -> None:
        from aiokafka import AIOKafkaConsumer

        backoff = 0.5
        while True:
            consumer = None
            try:
                await ensure_topics(self.settings, self.subscription.sources)
                consumer = AIOKafkaConsumer(
                    *[self.settings.topic(s) for s in self.subscription.sources],
                    bootstrap_servers=self.settings.kafka_bootstrap,
                    group_id=self.settings.consumer_group(self.subscription.consumer),
                    enable_auto_commit=False,
                    auto_offset_reset="earliest",
                    max_poll_records=self.settings.consumer_batch_size,
                    fetch_max_bytes=64 * 1024 * 1024,
                    max_partition_fetch_bytes=16 * 1024 * 1024,
                    session_timeout_ms=self.settings.consumer_session_timeout_ms,
                    heartbeat_interval_ms=max(1000, self.settings.consumer_session_timeout_ms // 3),
                )
                await consumer.start()
                self.healthy = True
                backoff = 0.5
                while True:
                    records = await consumer.getmany(timeout_ms=500, max_records=self.settings.consumer_batch_size)
                    if not records:
                        continue
                    batch: list[Delivered] = []
                    offsets = {}
                    for tp, messages in records.items():
                        for message in messages:
                            batch.append(decode(message.value))
                        offsets[tp] = messages[-1].offset + 1
                    batch.sort(key=lambda d: (d.source, d.sequence))
                    self.applied += await apply_batch(self.sessionmaker, self.metadata, self.subscription.handler, batch)
                    # Only after our own transaction has committed.
                    await consumer.commit(offsets)
            except asyncio.CancelledError:
                await _stop_quietly(consumer)
                raise
            except Exception as exc:
                self.healthy = False
                log.warning(
                    "subscriber lost the broker or failed a batch; will retry",
                    extra={"consumer": self.subscription.consumer, "error": repr(exc), "retry_in_s": backoff},
                )
                await _stop_quietly(consumer)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 5.0)


async def _stop_quietly(client: Any) -> None:
    """Stop a Kafka client that may already be broken; a lost broker must not block shutdown or retry."""
    if client is None:
        return
    try:
        await asyncio.wait_for(client.stop(), 5)
    except Exception:
        pass


async def kafka_reachable(settings: FupinSettings, timeout: float = 1.0) -> bool:
    host, _, port = settings.kafka_bootstrap.split(",")[0].rpartition(":")
    try:
        _, writer = await asyncio.wait_for(asyncio.open_connection(host or "127.0.0.1", int(port)), timeout)
    except (OSError, TimeoutError):
        return False
    writer.close()
    return True
