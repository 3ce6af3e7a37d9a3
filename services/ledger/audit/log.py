"""The event log as an auditor reads it: from the outbox tables, the Kafka topics or an NDJSON export;
its hash chains and checkpoints verified; exported, filtered, as canonical NDJSON.

Nothing here knows the ledger's projections (``replay.py`` does): these tools work on any source's log.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, get_args

from sqlalchemy import text

from shared.db import create_engine
from shared.events.envelope import ChainBreak, canonical_json, event_hash, service_of, verify_chain
from shared.settings import FupinSettings

LogKind = Literal["auto", "outbox", "kafka"]
# The log's sources by name: a source names a database or a topic, so it is one of these and never a path.
# Oversight's log (village notices, objections: docs/oversight.md) is audited, checkpointed and exported like the others.
Source = Literal["funds", "households", "market", "training", "oversight"]
SOURCES: tuple[str, ...] = get_args(Source)
# The sources the ledger projects (its subscription, services/ledger/app.py): what a replay reads by default. The
# ledger books no oversight fact, so a replay that read oversight's log would find facts its live projection never saw.
PROJECTED: tuple[str, ...] = ("funds", "households", "market", "training")

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
    partitions: set[int] | None = cluster.partitions_for_topic(topic)
    return partitions


def _sequence(envelope: dict[str, Any]) -> int:
    """An envelope's place in its source's log; -1 for one without a sequence (it sorts first)."""
    value = envelope.get("sequence")
    return value if isinstance(value, int) else -1


def log_kind(settings: FupinSettings, kind: LogKind) -> Literal["outbox", "kafka"]:
    if kind != "auto":
        return kind
    return "kafka" if settings.mode == "distributed" else "outbox"


async def read_log(settings: FupinSettings, kind: LogKind = "auto", sources: Sequence[str] = PROJECTED) -> dict[str, list[dict[str, Any]]]:
    """The log, per source, in the order it was written: the ledger's sources unless ``sources`` names others (``SOURCES``: all)."""
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
        return ChainBreak(source, None, None, f"the first {checkpoint.size} events do not hash to the kept checkpoint's root: the history was rewritten")
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
