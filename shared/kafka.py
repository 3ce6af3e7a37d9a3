"""Distributed mode: the relay that publishes a service's outbox to its topic, and the subscriber (a consumer
group) that applies a batch in one transaction and commits offsets only after it (see ``shared.bus``)."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import MetaData
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from shared.broker import (
    DB_ERRORS,
    Backoff,
    BrokerLost,
    DatabaseUnavailable,
    Outage,
    _process_age,
    _stop_quietly,
    _unavailable_or_raise,
    ensure_topics,
    guarded,
    reraise_cancellation,
    wait_for_broker,
)
from shared.bus import Delivered, Signal, Subscription, apply_batch, decode, wait_for
from shared.db import database_unavailable, utcnow
from shared.driver import driver_of
from shared.metrics import (
    CONSUMER_APPLIED,
    CONSUMER_APPLY_SECONDS,
    CONSUMER_BATCH,
    CONSUMER_FAILURES,
    CONSUMER_LAG,
    CONSUMER_PARTITIONS,
    CONSUMER_REDELIVERED,
    OUTBOX_BACKLOG,
    OUTBOX_HEAD,
    OUTBOX_PUBLISHED,
    RELAY_DUPLICATED,
    RELAY_FAILURES,
    RELAY_PUBLISHED,
)
from shared.settings import FupinSettings

log = logging.getLogger("fupin.bus")


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
                reraise_cancellation()
                self.healthy = False
                RELAY_FAILURES.labels(self.service, "broker").inc()
                broker.failed("relay cannot publish: Kafka broker unreachable; will retry", exc)
                await self._close()
            except Exception as exc:  # a broker that answers TCP but fails requests, or a client error
                reraise_cancellation()
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
                reraise_cancellation()
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
        """Publish the next batch past the published mark; how many events were sent.

        Two autocommitted statements straight to the driver (shared.driver): one reads the mark, the
        head and the batch, one moves the mark. Through SQLAlchemy the same work took two
        transactions, six statements and their BEGINs and COMMITs, and at 100 webhooks/s (a batch
        or two each) it cost a fifth of a signed webhook's CPU (issue 19).
        """
        try:
            async with self.engine.connect() as conn:
                driver = await driver_of(conn, begin=False)
                rows = await driver.fetch(_PENDING_SQL, self.service, self.settings.relay_batch_size)
        except DB_ERRORS as exc:
            raise _unavailable_or_raise(self.service, exc) from exc
        if not rows:
            raise RuntimeError(f"no outbox head or relay row for {self.service}: ensure_head runs at start-up")
        mark, last = int(rows[0]["published_sequence"]), int(rows[0]["last_sequence"])
        OUTBOX_HEAD.labels(self.service).set(last)
        OUTBOX_PUBLISHED.labels(self.service).set(mark)
        OUTBOX_BACKLOG.labels(self.service).set(max(0, last - mark))
        if rows[0]["sequence"] is None:  # nothing past the mark
            return 0
        topic = self.settings.topic(self.service)
        futures = []
        for row in rows:
            payload: str = row["payload"]
            headers = [("content-type", b"application/cloudevents+json")]
            traceparent = traceparent_of(payload)
            if traceparent:
                headers.append(("traceparent", traceparent.encode()))
            key: str = row["partition_key"] or row["event_id"]
            futures.append(await self._producer.send(topic, value=payload.encode(), key=key.encode(), headers=headers))
        await asyncio.gather(*futures)
        first, last = int(rows[0]["sequence"]), int(rows[-1]["sequence"])
        try:
            async with self.engine.connect() as conn:
                driver = await driver_of(conn, begin=False)
                # Another relay of the same service may have got further: the mark never moves back.
                current = int((await driver.fetchrow(_MARK_SQL, self.service, last, utcnow()))[0])
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
            extra={"service": self.service, "topic": topic, "count": len(rows), "event_ids": [r["event_id"] for r in rows[:50]], "through_sequence": last},
        )
        return len(rows)


# The relay's published mark, the head, and up to $2 events past the mark in sequence order, in one
# statement (one snapshot): one row with null event columns when there are none.
_PENDING_SQL = (
    "SELECT m.published_sequence, m.last_sequence, o.sequence, o.event_id, o.partition_key, o.payload"
    " FROM (SELECT r.published_sequence, h.last_sequence FROM outbox_relay r JOIN outbox_head h ON h.source = r.source WHERE r.source = $1) AS m"
    " LEFT JOIN LATERAL (SELECT sequence, event_id, partition_key, payload FROM outbox WHERE sequence > m.published_sequence"
    " ORDER BY sequence LIMIT $2) AS o ON true ORDER BY o.sequence"
)
# Moves the mark to $2 unless it is already further, and answers where it was: the subquery locks the
# row and reads its latest committed value, so two relays racing each count what the other had sent.
_MARK_SQL = (
    "UPDATE outbox_relay AS r SET published_sequence = GREATEST(r.published_sequence, $2),"
    " published_at = CASE WHEN r.published_sequence < $2 THEN $3 ELSE r.published_at END"
    " FROM (SELECT source, published_sequence FROM outbox_relay WHERE source = $1 FOR UPDATE) AS before"
    " WHERE r.source = before.source RETURNING before.published_sequence"
)


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
                reraise_cancellation()
                self._lost()
                CONSUMER_FAILURES.labels(self.consumer, "broker").inc()
                broker.failed("subscriber lost the Kafka broker; will retry", exc)
                await _stop_quietly(consumer)
            except Exception as exc:
                reraise_cancellation()
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
