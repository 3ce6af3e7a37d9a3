"""How far a subscription's projections are behind the log, watched from the process that serves them."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import MetaData, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.broker import (
    _stop_quietly,
    group_offsets,
    kafka_reachable,
    reraise_cancellation,
)
from shared.bus import LogSource, Subscription
from shared.db import utcnow
from shared.metrics import (
    FRESHNESS_LAG,
    FRESHNESS_SINCE_PROGRESS,
    FRESHNESS_STALE,
)
from shared.settings import FupinSettings

log = logging.getLogger("fupin.bus")


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
                reraise_cancellation()
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
