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
import os
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, MetaData, insert, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from shared.db import database_unavailable, utcnow
from shared.events.contracts import EventData, parse_data
from shared.events.envelope import service_of
from shared.metrics import (
    BROKER_REACHABLE,
    CONSUMER_APPLIED,
    CONSUMER_APPLY_SECONDS,
    CONSUMER_BATCH,
    CONSUMER_FAILURES,
    CONSUMER_LAG,
    CONSUMER_PARTITIONS,
    CONSUMER_REDELIVERED,
    FRESHNESS_LAG,
    FRESHNESS_SINCE_PROGRESS,
    FRESHNESS_STALE,
    OUTBOX_BACKLOG,
    OUTBOX_HEAD,
    OUTBOX_PUBLISHED,
    RELAY_DUPLICATED,
    RELAY_FAILURES,
    RELAY_PUBLISHED,
)
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


def _process_age() -> float | None:
    """Seconds since this process started (Linux), to measure a restart from its very beginning."""
    try:
        with open("/proc/self/stat") as fh:
            started_ticks = int(fh.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/uptime") as fh:
            uptime = float(fh.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return round(uptime - started_ticks / os.sysconf("SC_CLK_TCK"), 3)


class BrokerLost(Exception):
    """The bootstrap broker stopped answering: tear the Kafka client down and wait for it calmly."""


class DatabaseUnavailable(Exception):
    """The service's own database did not answer; the broker may be fine."""


DB_ERRORS: tuple[type[BaseException], ...] = (SQLAlchemyError, OSError, TimeoutError)


def _unavailable_or_raise(service: str, exc: BaseException) -> DatabaseUnavailable:
    if database_unavailable(exc):
        return DatabaseUnavailable(service)
    raise exc


class Backoff:
    """Exponential backoff with jitter: initial, 2×, 4× … capped, each delay drawn from its upper half."""

    def __init__(self, initial: float, maximum: float) -> None:
        self.initial, self.maximum, self.attempt = initial, maximum, 0

    def next(self) -> float:
        ceiling = min(self.maximum, self.initial * (2**self.attempt))
        self.attempt = min(self.attempt + 1, 30)
        return random.uniform(ceiling / 2, ceiling)

    def reset(self) -> None:
        self.attempt = 0


class Outage:
    """One line when a dependency is lost, at most one per interval while it stays lost, one when it is back."""

    def __init__(self, what: str, interval: float, **labels: Any) -> None:
        self.what, self.interval, self.labels = what, interval, labels
        self.since: float | None = None
        self.attempts = 0
        self._logged_at = 0.0

    @property
    def ongoing(self) -> bool:
        return self.since is not None

    def failed(self, message: str, error: BaseException | None = None, **extra: Any) -> None:
        now = time.monotonic()
        self.attempts += 1
        if self.since is None:
            self.since, self._logged_at = now, now
        elif now - self._logged_at < self.interval:
            return
        else:
            self._logged_at = now
        log.warning(
            message,
            extra=self.labels
            | extra
            | {"dependency": self.what, "error": repr(error) if error else None, "down_for_s": round(now - self.since, 1), "attempts": self.attempts},
        )

    def recovered(self, message: str) -> None:
        if self.since is not None:
            log.info(message, extra=self.labels | {"dependency": self.what, "down_for_s": round(time.monotonic() - self.since, 1), "attempts": self.attempts})
        self.since, self.attempts = None, 0


async def wait_for_broker(settings: FupinSettings, outage: Outage, backoff: Backoff, client: str) -> None:
    """Probe the bootstrap with a plain TCP connect, backing off with jitter, until it answers."""
    while not await kafka_reachable(settings):
        BROKER_REACHABLE.labels(client).set(0)
        outage.failed("Kafka broker unreachable; waiting for it", retry_in_s=round(backoff.maximum, 1), bootstrap=settings.kafka_bootstrap)
        await asyncio.sleep(backoff.next())
    BROKER_REACHABLE.labels(client).set(1)


async def guarded(settings: FupinSettings, work: Awaitable[None], client: str) -> None:
    """Run ``work`` while the broker answers; when a probe fails, cancel it and raise ``BrokerLost``.

    aiokafka's clients retry a lost broker on their own, without backoff; stopping them at the
    first failed probe bounds that storm to one probe interval.
    """
    task = asyncio.ensure_future(work)
    try:
        while True:
            done, _ = await asyncio.wait({task}, timeout=settings.broker_probe_seconds)
            if done:
                return task.result()
            if not await kafka_reachable(settings):
                BROKER_REACHABLE.labels(client).set(0)
                raise BrokerLost(settings.kafka_bootstrap)
    finally:
        if not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)


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
        s = self.settings
        backoff = Backoff(s.kafka_backoff_initial_seconds, s.kafka_backoff_max_seconds)
        broker = Outage("kafka", s.outage_log_interval_seconds, service=self.service)
        database = Outage("database", s.outage_log_interval_seconds, service=self.service)
        client = f"relay:{self.service}"
        while True:
            try:
                await wait_for_broker(s, broker, backoff, client)
                await ensure_topics(s, [self.service])
                self._producer = await self._start_producer()
                self.healthy = True
                broker.recovered("Kafka broker reachable again; relay publishing")
                backoff.reset()
                await guarded(s, self._publish_forever(wake, database), client)
            except asyncio.CancelledError:
                await self._close()
                raise
            except BrokerLost as exc:
                self.healthy = False
                RELAY_FAILURES.labels(self.service, "broker").inc()
                broker.failed("relay cannot publish: Kafka broker unreachable; will retry", exc)
                await self._close()
            except Exception as exc:  # a broker that answers TCP but fails requests, or a client error
                self.healthy = False
                RELAY_FAILURES.labels(self.service, "broker").inc()
                broker.failed("relay cannot publish: Kafka request failed; will retry", exc)
                await self._close()
                await asyncio.sleep(backoff.next())

    async def _publish_forever(self, wake: asyncio.Event, database: Outage) -> None:
        s = self.settings
        db_backoff = Backoff(s.kafka_backoff_initial_seconds, s.kafka_backoff_max_seconds)
        while True:
            try:
                sent = await self.publish_pending()
            except DatabaseUnavailable as exc:
                RELAY_FAILURES.labels(self.service, "database").inc()
                database.failed("relay cannot read or mark the outbox: database unreachable; will retry", exc.__cause__)
                await asyncio.sleep(db_backoff.next())
                continue
            database.recovered("outbox database reachable again; relay publishing")
            db_backoff.reset()
            if sent < s.relay_batch_size:
                await wait_for(wake, s.poll_interval_seconds)
                # Let commits that arrive together go out together: one read, one send, one mark.
                await asyncio.sleep(s.relay_linger_seconds)

    async def _start_producer(self) -> Any:
        from aiokafka import AIOKafkaProducer

        producer = AIOKafkaProducer(
            bootstrap_servers=self.settings.kafka_bootstrap,
            enable_idempotence=True,
            acks="all",
            linger_ms=5,
            max_batch_size=1024 * 1024,
            request_timeout_ms=15000,
            retry_backoff_ms=200,
        )
        try:
            await producer.start()
        except BaseException:
            await _stop_quietly(producer)
            raise
        return producer

    async def _close(self) -> None:
        if self._producer is not None:
            producer, self._producer = self._producer, None
            await _stop_quietly(producer)

    async def publish_pending(self) -> int:
        outbox = self.metadata.tables["outbox"]
        relay = self.metadata.tables["outbox_relay"]
        head = self.metadata.tables["outbox_head"]
        try:
            async with self.engine.connect() as conn:
                mark, last = (
                    await conn.execute(
                        select(relay.c.published_sequence, head.c.last_sequence)
                        .select_from(relay.join(head, head.c.source == relay.c.source))
                        .where(relay.c.source == self.service)
                    )
                ).one()
                OUTBOX_HEAD.labels(self.service).set(last)
                OUTBOX_PUBLISHED.labels(self.service).set(mark)
                OUTBOX_BACKLOG.labels(self.service).set(max(0, last - mark))
                if last <= mark:
                    return 0
                rows = (
                    await conn.execute(
                        select(outbox.c.sequence, outbox.c.event_id, outbox.c.partition_key, outbox.c.payload)
                        .where(outbox.c.sequence > mark)
                        .order_by(outbox.c.sequence)
                        .limit(self.settings.relay_batch_size)
                    )
                ).all()
        except DB_ERRORS as exc:
            raise _unavailable_or_raise(self.service, exc) from exc
        if not rows:
            return 0
        topic = self.settings.topic(self.service)
        futures = []
        for row in rows:
            headers = [("content-type", b"application/cloudevents+json")]
            traceparent = traceparent_of(row.payload)
            if traceparent:
                headers.append(("traceparent", traceparent.encode()))
            futures.append(await self._producer.send(topic, value=row.payload.encode(), key=(row.partition_key or row.event_id).encode(), headers=headers))
        await asyncio.gather(*futures)
        first, last = int(rows[0].sequence), int(rows[-1].sequence)
        try:
            async with self.engine.begin() as conn:
                # Another relay of the same service may have got further: never move the mark back.
                current = (await conn.execute(select(relay.c.published_sequence).where(relay.c.source == self.service).with_for_update())).scalar_one()
                if last > current:
                    await conn.execute(update(relay).where(relay.c.source == self.service).values(published_sequence=last, published_at=utcnow()))
        except DB_ERRORS as exc:
            raise _unavailable_or_raise(self.service, exc) from exc
        duplicated = max(0, min(current, last) - first + 1)
        if duplicated:
            RELAY_DUPLICATED.labels(self.service).inc(duplicated)
        RELAY_PUBLISHED.labels(self.service).inc(len(rows) - duplicated)
        OUTBOX_PUBLISHED.labels(self.service).set(max(last, current))
        self.published += len(rows)
        log.info(
            "events published",
            extra={"service": self.service, "topic": topic, "count": len(rows), "event_ids": [r.event_id for r in rows[:50]], "through_sequence": last},
        )
        return len(rows)


def traceparent_of(payload: str) -> str | None:
    """The envelope's W3C ``traceparent`` extension, without parsing the whole envelope."""
    at = payload.find('"traceparent":"')
    if at < 0:
        return None
    start = at + len('"traceparent":"')
    end = payload.find('"', start)
    return payload[start:end] if 0 < end - start <= 64 else None


@dataclass
class KafkaSubscriber:
    subscription: Subscription
    sessionmaker: async_sessionmaker[AsyncSession]
    metadata: MetaData
    settings: FupinSettings
    applied: int = 0
    healthy: bool = False
    # What the consumer's health endpoint reports.
    assigned: frozenset[tuple[str, int]] = frozenset()
    lag: dict[tuple[str, int], int] = field(default_factory=dict)
    batches: int = 0
    started_at: float = field(default_factory=time.monotonic)
    first_batch_at: float | None = None

    @property
    def consumer(self) -> str:
        return self.subscription.consumer

    async def run(self) -> None:
        s = self.settings
        backoff = Backoff(s.kafka_backoff_initial_seconds, s.kafka_backoff_max_seconds)
        broker = Outage("kafka", s.outage_log_interval_seconds, consumer=self.consumer)
        client = f"consumer:{self.consumer}"
        while True:
            consumer = None
            try:
                await wait_for_broker(s, broker, backoff, client)
                await ensure_topics(s, self.subscription.sources)
                consumer = self._make_consumer()
                await consumer.start()
                self.healthy = True
                broker.recovered("Kafka broker reachable again; consumer resuming")
                backoff.reset()
                await guarded(s, self._consume_forever(consumer), client)
            except asyncio.CancelledError:
                await _stop_quietly(consumer)
                raise
            except BrokerLost as exc:
                self._lost()
                CONSUMER_FAILURES.labels(self.consumer, "broker").inc()
                broker.failed("subscriber lost the Kafka broker; will retry", exc)
                await _stop_quietly(consumer)
            except Exception as exc:
                self._lost()
                cause = "database" if isinstance(exc, DatabaseUnavailable) else "other"
                CONSUMER_FAILURES.labels(self.consumer, cause).inc()
                broker.failed("subscriber failed a batch or a Kafka request; will retry", exc, cause=cause)
                await _stop_quietly(consumer)
                await asyncio.sleep(backoff.next())

    def _lost(self) -> None:
        self.healthy = False
        self.assigned = frozenset()
        CONSUMER_PARTITIONS.labels(self.consumer).set(0)

    def _make_consumer(self) -> Any:
        from aiokafka import AIOKafkaConsumer

        s = self.settings
        return AIOKafkaConsumer(
            *[s.topic(src) for src in self.subscription.sources],
            bootstrap_servers=s.kafka_bootstrap,
            group_id=s.consumer_group(self.consumer),
            group_instance_id=s.consumer_instance_id or None,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            max_poll_records=s.consumer_batch_size,
            fetch_max_bytes=64 * 1024 * 1024,
            max_partition_fetch_bytes=16 * 1024 * 1024,
            session_timeout_ms=s.consumer_session_timeout_ms,
            heartbeat_interval_ms=max(1000, s.consumer_session_timeout_ms // 3),
            retry_backoff_ms=200,
        )

    async def _consume_forever(self, consumer: Any) -> None:
        s = self.settings
        database = Outage("database", s.outage_log_interval_seconds, consumer=self.consumer)
        while True:
            records = await consumer.getmany(timeout_ms=500, max_records=s.consumer_batch_size)
            await self._observe(consumer)
            if not records:
                continue
            batch: list[Delivered] = []
            offsets = {}
            for tp, messages in records.items():
                for message in messages:
                    batch.append(decode(message.value))
                offsets[tp] = messages[-1].offset + 1
            batch.sort(key=lambda d: (d.source, d.sequence))
            db_backoff = Backoff(s.kafka_backoff_initial_seconds, s.kafka_backoff_max_seconds)
            started = time.perf_counter()
            while True:
                try:
                    fresh = await apply_batch(self.sessionmaker, self.metadata, self.subscription.handler, batch)
                    break
                except DB_ERRORS as exc:
                    if not database_unavailable(exc):
                        raise
                    # Retry the same batch: offsets are committed only after it applies.
                    CONSUMER_FAILURES.labels(self.consumer, "database").inc()
                    database.failed("subscriber cannot apply a batch: database unreachable; will retry", exc)
                    await asyncio.sleep(db_backoff.next())
            database.recovered("subscriber database reachable again")
            self.applied += fresh
            self._applied(len(batch), fresh, time.perf_counter() - started)
            # Only after our own transaction has committed.
            await consumer.commit(offsets)
            for tp, offset in offsets.items():
                highwater = consumer.highwater(tp)
                if highwater is not None:
                    self._set_lag(tp.topic, tp.partition, highwater - offset)

    def _applied(self, delivered: int, fresh: int, seconds: float) -> None:
        self.batches += 1
        if self.first_batch_at is None:
            self.first_batch_at = time.monotonic()
            log.info(
                "first batch applied",
                extra={
                    "consumer": self.consumer,
                    "seconds_since_start": round(self.first_batch_at - self.started_at, 3),
                    "seconds_since_process_start": _process_age(),
                    # CPU the process used to get here: what the restart costs on an idle machine.
                    "cpu_seconds_since_process_start": round(time.process_time(), 3),
                },
            )
        CONSUMER_BATCH.labels(self.consumer).observe(delivered)
        CONSUMER_APPLY_SECONDS.labels(self.consumer).observe(seconds)
        CONSUMER_APPLIED.labels(self.consumer).inc(fresh)
        if delivered > fresh:
            CONSUMER_REDELIVERED.labels(self.consumer).inc(delivered - fresh)

    def _set_lag(self, topic: str, partition: int, lag: int) -> None:
        self.lag[(topic, partition)] = max(0, lag)
        CONSUMER_LAG.labels(self.consumer, topic, str(partition)).set(max(0, lag))

    async def _observe(self, consumer: Any) -> None:
        assigned = frozenset((tp.topic, tp.partition) for tp in consumer.assignment())
        if assigned != self.assigned:
            log.info("partitions assigned", extra={"consumer": self.consumer, "partitions": sorted(f"{t}:{p}" for t, p in assigned)})
            for gone in self.assigned - assigned:
                self.lag.pop(gone, None)
            self.assigned = assigned
            CONSUMER_PARTITIONS.labels(self.consumer).set(len(assigned))
        for tp in consumer.assignment():
            highwater = consumer.highwater(tp)
            if highwater is None:
                continue
            try:
                position = await asyncio.wait_for(consumer.position(tp), 1)
            except Exception:
                continue
            self._set_lag(tp.topic, tp.partition, highwater - position)


@dataclass
class Freshness:
    """How far a subscription's projections are behind the log, watched from the process that serves them.

    ``lag`` is the number of events in the log not yet applied: in Kafka, the topics' end offsets
    minus the consumer group's committed offsets; embedded, each source's outbox head minus the
    subscriber's position. ``stale`` is true when events wait and the applied position has not
    moved for ``settings.ledger_stale_seconds`` (a dead or crash-looping consumer); ``None`` when
    it cannot be told (the broker is unreachable).
    """

    subscription: Subscription
    settings: FupinSettings
    sessionmaker: async_sessionmaker[AsyncSession]
    metadata: MetaData
    sources: dict[str, LogSource] = field(default_factory=dict)
    lag: int | None = None
    applied: dict[str, int] = field(default_factory=dict)
    observed_at: datetime | None = None
    _committed: int | None = None
    _progress_at: float = field(default_factory=time.monotonic)
    _clients: tuple[Any, Any] | None = None

    @property
    def consumer(self) -> str:
        return self.subscription.consumer

    @property
    def seconds_since_progress(self) -> float:
        return 0.0 if self.lag == 0 else time.monotonic() - self._progress_at

    @property
    def stale(self) -> bool | None:
        if self.lag is None:
            return None
        return self.lag > 0 and self.seconds_since_progress > self.settings.ledger_stale_seconds

    def as_dict(self) -> dict[str, Any]:
        return {
            "lag_events": self.lag,
            "stale": self.stale,
            "stale_after_seconds": self.settings.ledger_stale_seconds,
            "seconds_since_progress": round(self.seconds_since_progress, 1),
            "applied": self.applied,
            "observed_at": self.observed_at.isoformat() if self.observed_at else None,
        }

    def record(self, committed: int, end: int, applied: dict[str, int]) -> None:
        """One observation: the position applied (total and per source or partition) and the log's end."""
        if self._committed is None or committed != self._committed or end <= committed:
            self._progress_at = time.monotonic()
        self._committed, self.lag, self.applied = committed, max(0, end - committed), applied
        self.observed_at = utcnow()
        self._publish()

    def unknown(self) -> None:
        self.lag = None
        self._publish()

    def _publish(self) -> None:
        FRESHNESS_LAG.labels(self.consumer).set(self.lag if self.lag is not None else float("nan"))
        FRESHNESS_STALE.labels(self.consumer).set(float("nan") if self.stale is None else float(self.stale))
        FRESHNESS_SINCE_PROGRESS.labels(self.consumer).set(self.seconds_since_progress)

    async def run(self) -> None:
        interval = self.settings.freshness_interval_seconds
        while True:
            try:
                if self.settings.mode == "embedded":
                    await self._observe_outboxes()
                elif await kafka_reachable(self.settings):
                    await self._observe_kafka()
                else:
                    await self._close()
                    self.unknown()
            except asyncio.CancelledError:
                await self._close()
                raise
            except Exception as exc:
                log.debug("freshness not observed", extra={"consumer": self.consumer, "error": repr(exc)})
                await self._close()
                self.unknown()
            await asyncio.sleep(interval)

    async def _observe_outboxes(self) -> None:
        position = self.metadata.tables["consumer_position"]
        async with self.sessionmaker() as session:
            applied = {str(k): int(v) for k, v in (await session.execute(select(position.c.source, position.c.sequence))).all()}
        end = 0
        for name in self.subscription.sources:
            source = self.sources.get(name)
            if source is None:
                continue
            head = source.metadata.tables["outbox_head"]
            async with source.engine.connect() as conn:
                end += int((await conn.execute(select(head.c.last_sequence).where(head.c.source == name))).scalar() or 0)
        self.record(sum(applied.get(n, 0) for n in self.subscription.sources), end, applied)

    async def _observe_kafka(self) -> None:
        from aiokafka import AIOKafkaConsumer
        from aiokafka.admin import AIOKafkaAdminClient

        if self._clients is None:
            admin = AIOKafkaAdminClient(bootstrap_servers=self.settings.kafka_bootstrap, request_timeout_ms=5000)
            reader = AIOKafkaConsumer(bootstrap_servers=self.settings.kafka_bootstrap, enable_auto_commit=False, request_timeout_ms=5000)
            try:
                await admin.start()
                await reader.start()
            except BaseException:
                await _stop_quietly(reader)
                await _stop_quietly(admin)
                raise
            self._clients = (admin, reader)
        admin, reader = self._clients
        committed, end = await group_offsets(
            admin, reader, self.settings.consumer_group(self.consumer), [self.settings.topic(s) for s in self.subscription.sources]
        )
        self.record(sum(committed.values()), sum(end.values()), {f"{t}:{p}": o for (t, p), o in sorted(committed.items())})

    async def _close(self) -> None:
        if self._clients is not None:
            clients, self._clients = self._clients, None
            for client in clients:
                await _stop_quietly(client)


async def group_offsets(admin: Any, reader: Any, group: str, topics: Sequence[str]) -> tuple[dict[tuple[str, int], int], dict[tuple[str, int], int]]:
    """A consumer group's committed offset and the end offset of each partition of ``topics``."""
    from aiokafka import TopicPartition

    partitions = [TopicPartition(t, p) for t, p in await topic_partitions(admin, topics)]
    ends = await reader.end_offsets(partitions) if partitions else {}
    raw = await admin.list_consumer_group_offsets(group)
    committed = {(tp.topic, tp.partition): int(raw[tp].offset) if tp in raw and raw[tp].offset >= 0 else 0 for tp in partitions}
    return committed, {(tp.topic, tp.partition): int(o) for tp, o in ends.items()}


async def topic_partitions(admin: Any, topics: Sequence[str]) -> list[tuple[str, int]]:
    """The partitions of each topic that exists, in order."""
    if not topics:
        return []
    described = await admin.describe_topics(list(topics))
    return sorted((d["topic"], p["partition"]) for d in described if d.get("error_code") == 0 for p in d["partitions"])


async def _stop_quietly(client: Any) -> None:
    """Stop a Kafka client that may already be broken; a lost broker must not block shutdown or retry.

    aiokafka's ``stop()`` cancels its own fetch tasks and can let their ``CancelledError`` out;
    that one is swallowed, a cancellation of the caller is not. A producer's ``stop()`` first
    waits for its unsent batches, which never go while the broker is away; cut short, it would
    leave its sender retrying forever, so its sender and connections are then closed directly.
    """
    if client is None:
        return
    try:
        await asyncio.wait_for(client.stop(), 5)
        return
    except asyncio.CancelledError:
        task = asyncio.current_task()
        if task is not None and task.cancelling():
            await _force_close(client)
            raise
    except Exception:
        pass
    await _force_close(client)


async def _force_close(client: Any) -> None:
    # aiokafka has no public abort: these are the parts its stop() would close after flushing.
    for part in (getattr(client, "_sender", None), getattr(client, "client", None), getattr(client, "_client", None)):
        if part is None or not hasattr(part, "close"):
            continue
        try:
            await asyncio.wait_for(part.close(), 2)
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if task is not None and task.cancelling():
                raise
        except Exception:
            pass


async def kafka_reachable(settings: FupinSettings, timeout: float = 1.0) -> bool:
    """Whether any bootstrap broker accepts a TCP connection (cheap enough to ask every second)."""
    for address in settings.kafka_bootstrap.split(","):
        host, _, port = address.strip().rpartition(":")
        try:
            _, writer = await asyncio.wait_for(asyncio.open_connection(host or "127.0.0.1", int(port)), timeout)
        except (OSError, TimeoutError, ValueError):
            continue
        writer.close()
        return True
    return False
