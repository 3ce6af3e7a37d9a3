"""Ledger replay throughput against raw Kafka consumption, and the household income query's p99.

    .venv/bin/python bench/ledger_replay.py --events 1000000 --households 10000

1. generates N income events (six benefit types, four sources' worth of facts on the funds,
   market and households topics) across H households, as sealed, hash-chained CloudEvents, into
   Kafka topics with a fresh prefix (aiokafka, big batches; it stops by itself);
2. (a) raw aiokafka consumption of those topics, JSON decode only, in events/s;
3. (b) ledger replay of the same topics into a fresh PostgreSQL database, in events/s: the
   consumer's path (batches, one transaction each, the consumed event ids recorded with them)
   with COPY for the bulk rows;
4. (c) b/a (target ≥ 0.5); (d) p99 of GET /ledger/v1/households/{id}/income over that data
   (target ≤ 20 ms), through the real app (ASGI, auth, transaction per request).

A small run (``--events 20000 --households 500``) is a smoke check. Topics and the database are
removed at the end unless ``--keep``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import time
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from shared.db import drop_database  # noqa: E402
from shared.events.envelope import GENESIS_HASH, canonical_json, seal  # noqa: E402
from shared.events.income import BENEFIT_TYPES  # noqa: E402
from shared.ids import new_id  # noqa: E402

SOURCE_OF = {
    "order_production": ("market", "fupin.market.delivery_settled.v1"),
    "wage_labor": ("households", "fupin.households.wage_paid.v1"),
    "lease_back": ("funds", "fupin.funds.lease_back_income_paid.v1"),
    "policy_support": ("funds", "fupin.funds.subsidy_paid.v1"),
    "asset_income": ("funds", "fupin.funds.land_rent_paid.v1"),
    "equity_dividend": ("funds", "fupin.funds.distribution_paid_to_household.v1"),
}
SOURCES = ("funds", "households", "market")


class Chain:
    """Seals envelopes per source with sequence and prevhash, as the outbox does."""

    def __init__(self) -> None:
        self.head = {s: (0, GENESIS_HASH) for s in SOURCES}

    def seal(self, source: str, type_: str, data: dict[str, Any], key: str, when: str) -> bytes:
        seq, prev = self.head[source]
        env = seal(
            event_id=new_id(), service=source, type_=type_, time=when, subject=key, data=data,
            sequence=seq + 1, prevhash=prev, actor="bench", actorrole="city_admin", partitionkey=key,
        )  # fmt: skip
        self.head[source] = (seq + 1, env["hash"])
        return canonical_json(env)


def villages(n: int) -> list[str]:
    counties = ["440203", "440204", "440205", "440222", "440224", "440229", "440232", "440233", "440281", "440282"]
    return [f"{counties[i % 10]}{101 + (i // 10) % 800:03d}{101 + i % 500:03d}" for i in range(n)]


async def produce(bootstrap: str, prefix: str, events: int, households: int, partitions: int) -> tuple[list[str], float]:
    from aiokafka import AIOKafkaProducer
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(f"{prefix}{s}", partitions, 1, topic_configs={"retention.ms": "-1"}) for s in SOURCES])
    finally:
        await admin.close()
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks=1, linger_ms=50, max_batch_size=1024 * 1024, max_request_size=8 * 1024 * 1024)
    await producer.start()
    rng = random.Random(8)
    chain = Chain()
    village_list = villages(max(1, households // 20))
    hids = [new_id() for _ in range(households)]
    home = {h: village_list[i % len(village_list)] for i, h in enumerate(hids)}
    stamp = "2026-11-28T00:00:00Z"
    started = time.perf_counter()
    futures: list[Any] = []

    async def send(source: str, value: bytes, key: str) -> None:
        futures.append(await producer.send(f"{prefix}{source}", value=value, key=key.encode()))
        if len(futures) >= 20000:
            await asyncio.gather(*futures)
            futures.clear()

    try:
        for i, h in enumerate(hids):
            data = {
                "household_id": h, "household_number": f"B{i:010d}", "village_code": home[h], "poverty_status": "registered_poor",
                "registered_on": "2026-01-01", "member_count": 1 + i % 6, "labour_count": i % 3,
            }  # fmt: skip
            await send("households", chain.seal("households", "fupin.households.household_registered.v1", data, h, stamp), h)
        start_day = date(2026, 1, 1)
        for n in range(events):
            h = hids[rng.randrange(households)]
            benefit = BENEFIT_TYPES[n % 6]
            source, type_ = SOURCE_OF[benefit]
            line = {
                "household_id": h, "village_code": home[h], "benefit_type": benefit, "amount_fen": rng.randrange(100, 500000),
                "occurred_on": (start_day + timedelta(days=rng.randrange(330))).isoformat(),
                "lineage": {"fund_id": f"F{n % 97}", "project_id": f"P{n % 1013}"}, "reverses_event_id": None,
            }  # fmt: skip
            await send(source, chain.seal(source, type_, {"line_id": f"L{n}", "income": line}, h, stamp), h)
        await asyncio.gather(*futures)
        await producer.flush()
    finally:
        await producer.stop()
    return hids, time.perf_counter() - started


async def consume(bootstrap: str, prefix: str, on_batch: Any, batch: int, share: tuple[int, int] = (0, 1)) -> tuple[int, float]:
    """Read the partitions (``share`` = (i, n): every n-th from the i-th) from the beginning to the end offsets.

    ``on_batch`` gets the decoded envelopes of each fetch.
    """
    from aiokafka import AIOKafkaConsumer, TopicPartition

    from services.ledger.audit import topic_partitions

    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False, fetch_max_bytes=64 * 1024 * 1024,
        max_partition_fetch_bytes=16 * 1024 * 1024, auto_offset_reset="earliest",
    )  # fmt: skip
    await consumer.start()
    try:
        for _ in range(60):  # freshly created topics take a moment to appear in the metadata
            known = [await topic_partitions(consumer, f"{prefix}{s}") for s in SOURCES]
            if all(known):
                break
            await asyncio.sleep(0.5)
        tps = [TopicPartition(f"{prefix}{s}", p) for s, parts in zip(SOURCES, known, strict=True) for p in sorted(parts or [])]
        tps = tps[share[0] :: share[1]]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        ends = await consumer.end_offsets(tps)
        pending = {tp for tp in tps if ends[tp] > 0}
        count = 0
        started = time.perf_counter()
        while pending:
            records = await consumer.getmany(*pending, timeout_ms=500, max_records=batch)
            envelopes = []
            for tp, messages in records.items():
                envelopes.extend(json.loads(m.value) for m in messages)
                if messages and messages[-1].offset + 1 >= ends[tp]:
                    pending.discard(tp)
            count += len(envelopes)
            if envelopes and on_batch is not None:
                await on_batch(envelopes)
        return count, time.perf_counter() - started
    finally:
        await consumer.stop()


async def replay_share(bootstrap: str, prefix: str, url: str, batch: int, inflight_max: int, share: tuple[int, int]) -> int:
    """One ledger consumer's replay of its share of the partitions: a batch per fetch, one transaction each."""
    from services.ledger.audit import copy_batch
    from shared.db import create_engine

    engine = create_engine(url)
    inflight: list[asyncio.Task[int]] = []

    async def apply(envelopes: list[dict[str, Any]]) -> None:
        # Decoding the next fetch overlaps the database's work on this one.
        envelopes.sort(key=lambda e: (e["source"], e["sequence"]))
        inflight.append(asyncio.create_task(copy_batch(engine, envelopes)))
        if len(inflight) >= inflight_max:
            await inflight.pop(0)

    try:
        count, _ = await consume(bootstrap, prefix, apply, batch, share)
        for task in inflight:
            await task
        return count
    finally:
        await engine.dispose()


def _replay_process(*args: Any) -> int:
    return asyncio.run(replay_share(*args))


async def replay(args: argparse.Namespace, prefix: str, workers: int, total_events: int) -> tuple[str, str, float, int]:
    """Replay every topic into a fresh database with ``workers`` consumer processes (a consumer group's members)."""
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    import asyncpg
    from sqlalchemy import text

    from services.ledger.app import SPEC
    from services.ledger.audit import bulk_load
    from shared import migrations
    from shared.db import create_engine

    db = f"bench_ledger_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(args.pg_admin_dsn)
    await admin.execute(f'CREATE DATABASE "{db}"')
    await admin.close()
    url = args.pg_url.format(db=db)
    engine = create_engine(url)
    try:
        await migrations.upgrade(engine, SPEC)
        if workers > 1:
            pool = ProcessPoolExecutor(workers, mp_context=get_context("spawn"))
            # Warm the processes (imports) before the clock starts.
            await asyncio.gather(*[asyncio.get_running_loop().run_in_executor(pool, _warm) for _ in range(workers)])
        started = time.perf_counter()
        async with bulk_load(engine):  # the indexes built at the end are part of the replay
            if workers == 1:
                count = await replay_share(args.bootstrap, prefix, url, args.batch, args.inflight, (0, 1))
            else:
                loop = asyncio.get_running_loop()
                counts = await asyncio.gather(
                    *[loop.run_in_executor(pool, _replay_process, args.bootstrap, prefix, url, args.batch, args.inflight, (i, workers)) for i in range(workers)]
                )
                count = sum(counts)
        seconds = time.perf_counter() - started
        if workers > 1:
            pool.shutdown()
        async with engine.connect() as conn:
            await conn.execute(text("ANALYZE"))
            applied = (await conn.execute(text("SELECT count(*) FROM consumed_event"))).scalar_one()
        assert applied == total_events == count, f"replay applied {applied} of {total_events}"
        return db, url, seconds, count
    finally:
        await engine.dispose()


def _warm() -> None:
    import services.ledger.audit  # noqa: F401


async def main(args: argparse.Namespace) -> None:
    import logging

    logging.getLogger("fupin").setLevel(logging.ERROR)  # the query phase's app starts a relay nobody needs here
    import asyncpg
    import httpx

    from shared.settings import FupinSettings
    from tests.helpers import bearer

    prefix = f"bench{uuid.uuid4().hex[:8]}."
    print(f"producing {args.events:,} income events across {args.households:,} households to {prefix}* …", file=sys.stderr)
    hids, produce_s = await produce(args.bootstrap, prefix, args.events, args.households, args.partitions)
    total_events = args.events + args.households
    print(f"produced {total_events:,} events in {produce_s:.1f}s", file=sys.stderr)

    raw_count, raw_s = await consume(args.bootstrap, prefix, None, args.batch)
    raw_rate = raw_count / raw_s

    replays: list[tuple[int, float, int]] = []
    databases: list[str] = []
    try:
        for workers in args.workers:
            db, url, seconds, count = await replay(args, prefix, workers, total_events)
            databases.append(db)
            replays.append((workers, seconds, count))
            print(f"replay with {workers} consumer process(es): {count:,} events in {seconds:.1f}s", file=sys.stderr)

        settings = FupinSettings(
            env="test", mode="distributed", database_urls={"ledger": url}, run_consumers=False, kafka_bootstrap=args.bootstrap, topic_prefix=prefix
        )
        from services.ledger.app import create_app

        app = create_app(settings)
        latencies: list[float] = []
        rng = random.Random(3)
        async with app.router.lifespan_context(app):
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
                headers = bearer(settings, "city_admin", subject="bench")
                for i in range(args.queries + 50):
                    hid = hids[rng.randrange(len(hids))]
                    t0 = time.perf_counter()
                    r = await client.get(f"/ledger/v1/households/{hid}/income", params={"year": 2026}, headers=headers)
                    elapsed = (time.perf_counter() - t0) * 1000
                    assert r.status_code == 200, r.text
                    if i >= 50:  # warm-up
                        latencies.append(elapsed)
        latencies.sort()
        p99 = latencies[max(0, int(len(latencies) * 0.99) - 1)]
        p50 = statistics.median(latencies)
    finally:
        if not args.keep:
            admin = await asyncpg.connect(args.pg_admin_dsn)
            for db in databases:
                await drop_database(admin, db)
            await admin.close()
            from aiokafka.admin import AIOKafkaAdminClient

            ka = AIOKafkaAdminClient(bootstrap_servers=args.bootstrap)
            await ka.start()
            try:
                await ka.delete_topics([f"{prefix}{s}" for s in SOURCES])
            finally:
                await ka.close()

    rows = [
        ("events in the log", f"{total_events:,} ({args.events:,} income, {args.households:,} households)"),
        ("(a) raw aiokafka consume + JSON decode", f"{raw_rate:,.0f} events/s ({raw_count:,} in {raw_s:.1f}s, one consumer)"),
    ]
    for workers, seconds, count in replays:
        rate = count / seconds
        ratio = rate / raw_rate
        who = "one consumer" if workers == 1 else f"{workers} consumer processes, partitions shared"
        rows.append((f"(b) ledger replay into PostgreSQL [{who}]", f"{rate:,.0f} events/s ({count:,} in {seconds:.1f}s, indexes included)"))
        rows.append((f"(c) b/a [{who}] (target ≥ 0.5)", f"{ratio:.2f} {'OK' if ratio >= 0.5 else 'BELOW TARGET'}"))
    rows.append(
        (
            "(d) household income query p99 (target ≤ 20 ms)",
            f"{p99:.2f} ms (p50 {p50:.2f} ms, {len(latencies)} queries) {'OK' if p99 <= 20 else 'ABOVE TARGET'}",
        )
    )
    width = max(len(k) for k, _ in rows)
    print(f"command: {' '.join([os.path.relpath(sys.executable), *sys.argv])}")
    print(f"machine: {os.cpu_count()} cores; batch {args.batch}; partitions {args.partitions}")
    for k, v in rows:
        print(f"{k:<{width}}  {v}")


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--events", type=int, default=1_000_000)
    p.add_argument("--households", type=int, default=10_000)
    p.add_argument("--partitions", type=int, default=3)
    p.add_argument("--batch", type=int, default=20000, help="events per replay batch (one transaction each)")
    p.add_argument("--queries", type=int, default=2000)
    p.add_argument("--inflight", type=int, default=2, help="batches whose transactions may be open at once, per consumer")
    p.add_argument(
        "--workers", type=lambda v: [int(x) for x in v.split(",")], default=[1, 2], help="consumer processes for the replay, e.g. 1,2 (each a fresh database)"
    )
    p.add_argument("--bootstrap", default=os.environ.get("FUPIN_KAFKA_BOOTSTRAP", "127.0.0.1:9092"))
    p.add_argument("--pg-admin-dsn", default=os.environ.get("FUPIN_TEST_PG_DSN", "postgresql://fupin:fupin@127.0.0.1:5432/postgres"))
    p.add_argument("--pg-url", default="postgresql+asyncpg://fupin:fupin@127.0.0.1:5432/{db}")
    p.add_argument("--keep", action="store_true", help="keep the topics and the database")
    asyncio.run(main(p.parse_args()))
