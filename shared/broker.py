"""The Kafka broker as the bus sees it: topics made with unlimited retention, reachability, outages waited out
with backoff, and clients stopped without blocking when the broker is gone."""

from __future__ import annotations

import asyncio
import logging
import os
import random
import time
from collections.abc import Awaitable, Sequence
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from shared.db import database_unavailable
from shared.metrics import (
    BROKER_REACHABLE,
)
from shared.settings import FupinSettings

log = logging.getLogger("fupin.bus")


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


def reraise_cancellation() -> None:
    """Re-raise a cancellation of this task that a library turned into another exception.

    Seen at shutdown: the relay was cancelled inside a query; the ``async with`` that held its
    connection then failed to roll back on the broken connection, and that error replaced the
    ``CancelledError``. It looked like a database outage, so the loop retried forever, and the
    application's shutdown (which waits for its tasks) never ended. Every retry loop calls this
    first in its error handler: a task asked to stop stops, whatever error the request became.
    """
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError


async def stop_tasks(tasks: Sequence[asyncio.Future[Any]], *, patience: float = 10.0) -> None:
    """Cancel ``tasks`` until they are done, for at most ``patience`` seconds; then log those that will not stop.

    One ``cancel()`` is not enough: a library may swallow it (or turn it into another error that a
    retry loop takes for an outage), and a shutdown that then waits for the task never ends. The
    cancellation is delivered again every half second. Their results and errors are retrieved, so
    asyncio logs nothing about them; a task still running after ``patience`` is named in the log
    and left behind rather than holding the process.
    """
    pending = {t for t in tasks if not t.done()}
    deadline = time.monotonic() + patience
    while pending and time.monotonic() < deadline:
        for task in pending:
            task.cancel()
        _, pending = await asyncio.wait(pending, timeout=min(0.5, max(0.0, deadline - time.monotonic())))
    for task in tasks:
        if task.done() and not task.cancelled():
            task.exception()
    if pending:
        names = sorted(t.get_name() if isinstance(t, asyncio.Task) else repr(t) for t in pending)
        log.error("tasks did not stop within %.0f s of being cancelled; left behind", patience, extra={"tasks": names})


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
        await stop_tasks([task])


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
