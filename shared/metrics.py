"""Prometheus metrics of every process: HTTP, outbox and relay, consumers, ledger freshness, pools.

One registry per process (``prometheus_client``'s default). The embedded mode serves every
service from one process, so each series names its ``service`` (or ``source``/``consumer``).
``docs/runbooks.md`` says what each series means to the operator on call; the alert rules in
``deploy/prometheus/alerts.yml`` and the dashboard in ``deploy/grafana/fupin.json`` read them.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

HTTP_REQUESTS = Counter("fupin_http_requests", "HTTP requests answered, by route template and status", ["service", "method", "route", "status"])
HTTP_LATENCY = Histogram(
    "fupin_http_request_duration_seconds",
    "HTTP request latency by route template",
    ["service", "method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
DB_UNAVAILABLE = Counter("fupin_db_unavailable_responses", "requests answered 503 because the database was unreachable", ["service"])
HTTP_SHED = Counter(
    "fupin_http_shed_requests",
    "requests answered 503 at once: the process had FUPIN_MAX_IN_FLIGHT in progress, or FUPIN_MAX_QUEUED_WRITES writes waiting",
    ["service"],
)

OUTBOX_HEAD = Gauge("fupin_outbox_head_sequence", "last sequence appended to the source's outbox", ["source"])
OUTBOX_PUBLISHED = Gauge("fupin_outbox_published_sequence", "last sequence the relay has published to Kafka", ["source"])
OUTBOX_BACKLOG = Gauge("fupin_outbox_backlog_events", "events in the outbox not yet published (head - published)", ["source"])
RELAY_PUBLISHED = Counter("fupin_relay_published_events", "events the relay published and marked", ["source"])
RELAY_DUPLICATED = Counter(
    "fupin_relay_duplicated_events", "events published again although the mark already covered them (another relay, or a retry)", ["source"]
)
RELAY_FAILURES = Counter("fupin_relay_failures", "relay attempts that failed, by cause (broker or database)", ["source", "cause"])
BROKER_REACHABLE = Gauge("fupin_broker_reachable", "1 while the Kafka bootstrap answers a TCP connect, as this client sees it", ["client"])

CONSUMER_APPLIED = Counter("fupin_consumer_applied_events", "events applied (new to this consumer)", ["consumer"])
CONSUMER_REDELIVERED = Counter("fupin_consumer_redelivered_events", "events delivered again and skipped as already applied", ["consumer"])
CONSUMER_BATCH = Histogram("fupin_consumer_batch_events", "events per applied batch", ["consumer"], buckets=(1, 10, 50, 100, 250, 500, 1000, 2000, 5000))
CONSUMER_APPLY_SECONDS = Histogram(
    "fupin_consumer_apply_seconds", "time to apply one batch and commit it", ["consumer"], buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5)
)
CONSUMER_LAG = Gauge("fupin_consumer_lag_events", "events in the partition not yet consumed (high water - position)", ["consumer", "topic", "partition"])
CONSUMER_PARTITIONS = Gauge("fupin_consumer_partitions_assigned", "partitions assigned to this consumer process", ["consumer"])
CONSUMER_FAILURES = Counter("fupin_consumer_failures", "consumer attempts that failed, by cause (broker, database or other)", ["consumer", "cause"])

# Freshness of a service's projections (the ledger's above all), as its API process sees it.
FRESHNESS_LAG = Gauge("fupin_freshness_lag_events", "events in the log the consumer group has not applied yet", ["consumer"])
FRESHNESS_STALE = Gauge("fupin_freshness_stale", "1 when events wait and the applied position has not moved for FUPIN_LEDGER_STALE_SECONDS", ["consumer"])
FRESHNESS_SINCE_PROGRESS = Gauge(
    "fupin_freshness_seconds_since_progress", "seconds since the applied position last moved (0 while nothing waits)", ["consumer"]
)


class _PoolCollector(Collector):
    """Connections of each live engine's pool, read at scrape time."""

    def __init__(self) -> None:
        self._engines: weakref.WeakValueDictionary[str, Any] = weakref.WeakValueDictionary()

    def track(self, service: str, engine: Any) -> None:
        self._engines[service] = engine

    def collect(self) -> Iterator[GaugeMetricFamily]:
        checked_out = GaugeMetricFamily("fupin_db_pool_checked_out", "database connections in use", labels=["service"])
        size = GaugeMetricFamily("fupin_db_pool_size", "database connections the pool keeps open (in use or idle)", labels=["service"])
        for service, engine in list(self._engines.items()):
            pool = engine.sync_engine.pool
            if hasattr(pool, "checkedout"):
                checked_out.add_metric([service], float(pool.checkedout()))
                size.add_metric([service], float(pool.checkedout() + pool.checkedin()))
        yield checked_out
        yield size


POOLS = _PoolCollector()
REGISTRY.register(POOLS)


def exposition() -> tuple[bytes, str]:
    """The process's metrics in Prometheus' text format, and its content type."""
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
