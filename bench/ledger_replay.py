"""Ledger replay throughput against raw Kafka consumption, and the household income query's p99.

    .venv/bin/python bench/ledger_replay.py --events 1000000 --households 10000

1. generates N income events (six benefit types, four sources' worth of facts on the funds,
   market and households topics) across H households, as sealed, hash-chained CloudEvents, into
   Kafka topics with a fresh prefix (aiokafka, big batches; it stops by itself);
2. (a) the baseline: raw aiokafka consumption of those topics with decoding only, in events/s, once
   with each decoder (msgspec into the replay's typed structs, ``services.ledger.fastread``; orjson
   into dicts); the faster one is the baseline;
3. (b) the ledger's replay of the same topics into a fresh PostgreSQL database, in events/s: the
   same consumption loop, each fetch a batch (one transaction, the consumed event ids recorded with
   it) read by ``fastread`` into COPY rows while the batch before is written (``audit.Writer``), with
   where the one consumer's time went (``bench/clock.py``);
   with one consumer process, then with several sharing the partitions (balanced by size);
4. (c) b/a (target ≥ 0.7 with one consumer); (d) p99 of GET /ledger/v1/households/{id}/income
   over that data (target ≤ 20 ms), through the real app (ASGI, auth, transaction per request).

Each figure is printed as soon as it is measured and the summary before anything is cleaned up;
topics and databases are removed at the end unless ``--keep`` (what cannot be removed is said, not
raised). ``--topics PREFIX`` replays topics kept by an earlier run instead of producing new ones. A
small run (``--events 20000 --households 500``) is a smoke check.
"""

from __future__ import annotations

import argparse
import asyncio
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

from bench import procs  # noqa: E402
from bench.clock import StepClock  # noqa: E402
from bench.topics import BOOTSTRAP, drop_topics  # noqa: E402
from shared.db import create_database, drop_database  # noqa: E402
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


async def consume(
    bootstrap: str, prefix: str, on_batch: Any, batch: int, share: tuple[int, int] = (0, 1), sizes: dict[Any, int] | None = None
) -> tuple[int, float]:
    """Read the partitions (``share`` = (i, n): the i-th of n shares, balanced by size) from the beginning to the end offsets.

    ``on_batch`` gets the message values (bytes) of each fetch and decodes them; the loop does nothing else.
    """
    from aiokafka import AIOKafkaConsumer

    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False, fetch_max_bytes=64 * 1024 * 1024,
        max_partition_fetch_bytes=16 * 1024 * 1024, auto_offset_reset="earliest",
    )  # fmt: skip
    await consumer.start()
    try:
        ends = sizes if sizes is not None else await partition_sizes(consumer, prefix)
        tps = shares(ends, share[1])[share[0]]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        pending = {tp for tp in tps if ends[tp] > 0}
        count = 0
        started = time.perf_counter()
        while pending:
            records = await consumer.getmany(*pending, timeout_ms=500, max_records=batch)
            values: list[bytes] = []
            for tp, messages in records.items():
                values.extend([m.value for m in messages])
                if messages and messages[-1].offset + 1 >= ends[tp]:
                    pending.discard(tp)
            count += len(values)
            if values:
                await on_batch(values)
        return count, time.perf_counter() - started
    finally:
        await consumer.stop()


async def partition_sizes(consumer: Any, prefix: str) -> dict[Any, int]:
    """Every partition of the bench's topics and its end offset (the topics are never compacted: its size)."""
    from aiokafka import TopicPartition

    from services.ledger.audit import topic_partitions

    for _ in range(60):  # freshly created topics take a moment to appear in the metadata
        known = [await topic_partitions(consumer, f"{prefix}{s}") for s in SOURCES]
        if all(known):
            break
        await asyncio.sleep(0.5)
    tps = [TopicPartition(f"{prefix}{s}", p) for s, parts in zip(SOURCES, known, strict=True) for p in sorted(parts or [])]
    ends: dict[Any, int] = await consumer.end_offsets(tps)
    return ends


def shares(sizes: dict[Any, int], n: int) -> list[list[Any]]:
    """The partitions in n shares of about equal size (largest first, each to the smallest share so far)."""
    out: list[list[Any]] = [[] for _ in range(n)]
    load = [0] * n
    for tp in sorted(sizes, key=lambda tp: (-sizes[tp], tp.topic, tp.partition)):
        i = load.index(min(load))
        out[i].append(tp)
        load[i] += sizes[tp]
    return out


async def baseline(bootstrap: str, prefix: str, batch: int, decoder: str) -> tuple[int, float]:
    """Consumption with decoding only: every message into the replay's typed structs (msgspec), or into dicts (orjson)."""
    if decoder == "msgspec":
        from services.ledger.fastread import decode_all

        async def on_batch(values: list[bytes]) -> None:
            decode_all(values)
    else:
        import orjson

        loads = orjson.loads

        async def on_batch(values: list[bytes]) -> None:
            [loads(v) for v in values]

    return await consume(bootstrap, prefix, on_batch, batch)


async def replay_share(bootstrap: str, prefix: str, url: str, batch: int, share: tuple[int, int], sizes: dict[Any, int] | None = None) -> int:
    """One ledger consumer's replay of its share of the partitions: a batch per fetch, one transaction each.

    Each fetch is read into rows while the transaction of the one before is still being written.
    """
    from services.ledger.audit import Writer, read_batch
    from shared.db import create_engine

    engine = create_engine(url)
    writer = Writer(engine)

    async def apply(values: list[bytes]) -> None:
        await writer.put(read_batch(values))

    try:
        count, _ = await consume(bootstrap, prefix, apply, batch, share, sizes)
        applied = await writer.close()
        assert applied == count, f"applied {applied} of the {count} events read"
        return count
    except BaseException:
        writer.cancel()
        raise
    finally:
        await engine.dispose()


# Where a one-consumer replay's time goes: each step of ``copy_batch``, summed over the batches. The
# steps include the moments the event loop spent reading the next fetch while a step waited on
# PostgreSQL (the writer overlaps them on purpose), so they are shares of the wall time, not CPU;
# the transaction's own remainder (BEGIN, the ``consumed_event`` COPY, COMMIT) is the batch total less
# the steps. In-process only (one consumer).
BATCHES = "batches (whole transactions)"
REPLAY_STEPS = (
    ("services.ledger.audit.replay", "copy_batch", BATCHES),
    ("services.ledger.projector", "Rows.copy", "  COPY of the rows (entries, households, facts …)"),
    ("services.ledger.monitoring.projection", "apply", "  early-warning projections (months, sizes, links)"),
    ("services.ledger.indicator_projection.fold", "apply", "  indicator projections"),
    ("services.ledger.audit.replay", "_build_indexes", "the load's end: keys and indexes"),
    ("services.ledger.monitoring.current", "rejudge_all", "the load's end: the early warning's flags"),
    ("services.ledger.monitoring.projection", "derive_incomes", "the load's end: the early warning's income projections"),
    ("services.ledger.indicator_projection.bulk", "derive_incomes", "the load's end: the indicators' income projections"),
    ("services.ledger.indicator_projection.bulk", "derive_all", "the load's end: the indicators' subjects"),
)


def _replay_process(*args: Any) -> int:
    from services.ledger.audit import deferred

    with deferred():  # as inside the parent's bulk_load, which derives what the batches leave out at its end
        return asyncio.run(replay_share(*args))


async def replay(args: argparse.Namespace, prefix: str, workers: int, sizes: dict[Any, int], databases: list[str]) -> tuple[str, float, int]:
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
    await create_database(admin, db)
    await admin.close()
    databases.append(db)
    url = args.pg_url.format(db=db)
    engine = create_engine(url)
    pool = ProcessPoolExecutor(workers, mp_context=get_context("spawn")) if workers > 1 else None
    try:
        await migrations.upgrade(engine, SPEC)
        loop = asyncio.get_running_loop()
        if pool is not None:  # warm the processes (imports) before the clock starts
            await asyncio.gather(*[loop.run_in_executor(pool, _warm) for _ in range(workers)])
        clock = StepClock(REPLAY_STEPS if pool is None else ())
        children = list(getattr(pool, "_processes", {}) or {})  # the consumer processes, warmed: alive until shutdown
        cpu = (procs.cpu_seconds([os.getpid(), *children]), procs.postgres_cpu_seconds())
        started = time.perf_counter()
        with clock:
            async with bulk_load(engine):  # the indexes built at the end are part of the replay
                if pool is None:
                    count = await replay_share(args.bootstrap, prefix, url, args.batch, (0, 1), sizes)
                else:
                    jobs = [loop.run_in_executor(pool, _replay_process, args.bootstrap, prefix, url, args.batch, (i, workers), sizes) for i in range(workers)]
                    count = sum(await asyncio.gather(*jobs))
                streamed = time.perf_counter()
        seconds = time.perf_counter() - started
        used = (procs.cpu_seconds([os.getpid(), *children]) - cpu[0], procs.postgres_cpu_seconds() - cpu[1])
        if pool is None:
            for label, spent in clock.seconds.items():
                say(f"    {label}: {spent:.1f} s ({spent / seconds:.0%} of the replay)")
            idle = (streamed - started) - clock.seconds[BATCHES]
            say(f"    no transaction open (fetching and reading the first fetch, waits between): {idle:.1f} s ({idle / seconds:.0%})")
        end = seconds - (streamed - started)
        say(f"    the bulk load's end in all: {end:.1f} s ({end / seconds:.0%})")
        cores = seconds * (os.cpu_count() or 1)
        say(f"    CPU: the consumer process{'es' if children else ''} {used[0]:.1f} s, PostgreSQL {used[1]:.1f} s, of {cores:.1f} core-seconds")
        async with engine.connect() as conn:
            await conn.execute(text("ANALYZE"))
            applied = (await conn.execute(text("SELECT count(*) FROM consumed_event"))).scalar_one()
        total = sum(sizes.values())
        assert applied == total == count, f"replay applied {applied} of {total} (read {count})"
        return url, seconds, count
    finally:
        if pool is not None:
            pool.shutdown()
        await engine.dispose()


def _warm() -> None:
    import services.ledger.audit  # noqa: F401
    import services.ledger.fastread  # noqa: F401


def say(line: str) -> None:
    """A figure, printed the moment it is measured: a run that fails later still leaves it."""
    print(line, flush=True)


async def main(args: argparse.Namespace) -> int:
    import logging

    logging.getLogger("fupin").setLevel(logging.ERROR)  # the query phase's app starts a relay nobody needs here
    from aiokafka import AIOKafkaConsumer

    say(f"command: {' '.join([os.path.relpath(sys.executable), *sys.argv])}")
    say(f"machine: {os.cpu_count()} cores; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} at the start; batch {args.batch}")
    prefix = args.topics or f"bench{uuid.uuid4().hex[:8]}."
    rows: list[tuple[str, str]] = []
    databases: list[str] = []
    try:
        if not args.topics:
            print(f"producing {args.events:,} income events across {args.households:,} households to {prefix}* …", file=sys.stderr)
            _, produce_s = await produce(args.bootstrap, prefix, args.events, args.households, args.partitions)
            print(f"produced {args.events + args.households:,} events in {produce_s:.1f}s", file=sys.stderr)
        probe = AIOKafkaConsumer(bootstrap_servers=args.bootstrap)
        await probe.start()
        try:
            sizes = await partition_sizes(probe, prefix)
        finally:
            await probe.stop()
        total_events = sum(sizes.values())
        rows.append(("events in the log", f"{total_events:,} on {len(sizes)} partitions ({prefix}*)"))
        say(f"{rows[-1][0]}: {rows[-1][1]}")

        raw: dict[str, float] = {}
        for decoder in ("msgspec", "orjson"):
            raw_count, raw_s = await baseline(args.bootstrap, prefix, args.batch, decoder)
            assert raw_count == total_events, f"read {raw_count} of {total_events}"
            raw[decoder] = raw_count / raw_s
            what = "typed structs (services.ledger.fastread)" if decoder == "msgspec" else "dicts"
            rows.append((f"(a) consume + decode, {decoder} into {what}", f"{raw[decoder]:,.0f} events/s ({raw_count:,} in {raw_s:.1f}s, one consumer)"))
            say(f"{rows[-1][0]}: {rows[-1][1]}")
        fastest = max(raw, key=lambda d: raw[d])
        raw_rate = raw[fastest]
        rows.append(("(a) the baseline: the faster of the two", f"{raw_rate:,.0f} events/s ({fastest})"))

        url = ""
        single: float | None = None
        for workers in args.workers:
            url, seconds, count = await replay(args, prefix, workers, sizes, databases)
            rate = count / seconds
            ratio = rate / raw_rate
            who = "one consumer" if workers == 1 else f"{workers} consumer processes, partitions shared"
            rows.append((f"(b) ledger replay into PostgreSQL [{who}]", f"{rate:,.0f} events/s ({count:,} in {seconds:.1f}s, indexes included)"))
            say(f"{rows[-1][0]}: {rows[-1][1]}")
            load = f"(load average {os.getloadavg()[0]:.2f} at its end)"
            if workers == 1:
                single = rate
                rows.append((f"(c) b/a [{who}] (target ≥ 0.7)", f"{ratio:.2f} {'OK' if ratio >= 0.7 else 'BELOW TARGET'} {load}"))
            else:
                scaling = f"; {rate / single:.2f}× one consumer, linear would be {workers}×" if single else ""
                rows.append((f"(c) b/a [{who}]", f"{ratio:.2f}{scaling} {load}"))
            say(f"{rows[-1][0]}: {rows[-1][1]}")

        if url and args.queries:
            p99, p50, n = await income_query_p99(args, url, prefix)
            rows.append(
                ("(d) household income query p99 (target ≤ 20 ms)", f"{p99:.2f} ms (p50 {p50:.2f} ms, {n} queries) {'OK' if p99 <= 20 else 'ABOVE TARGET'}")
            )
            say(f"{rows[-1][0]}: {rows[-1][1]}")
    finally:
        width = max((len(k) for k, _ in rows), default=0)
        print("\nsummary:")
        for k, v in rows:
            print(f"{k:<{width}}  {v}")
        sys.stdout.flush()
        problems = await clean_up(args, prefix, databases)
        for problem in problems:
            print(f"clean-up: {problem}", file=sys.stderr)
    return 0


async def income_query_p99(args: argparse.Namespace, url: str, prefix: str) -> tuple[float, float, int]:
    """p99 and p50 of the household income query over the replayed ledger, through the real app."""
    import httpx
    from sqlalchemy import text

    from services.ledger.app import create_app
    from shared.db import create_engine
    from shared.settings import FupinSettings
    from tests.helpers import bearer

    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            hids = list((await conn.execute(text("SELECT household_id FROM ledger_household ORDER BY household_id"))).scalars())
    finally:
        await engine.dispose()
    settings = FupinSettings(
        env="test", mode="distributed", database_urls={"ledger": url}, run_consumers=False, kafka_bootstrap=args.bootstrap, topic_prefix=prefix
    )
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
    return latencies[max(0, int(len(latencies) * 0.99) - 1)], statistics.median(latencies), len(latencies)


async def clean_up(args: argparse.Namespace, prefix: str, databases: list[str]) -> list[str]:
    """Drop the databases and the topics the run made; what cannot be dropped is reported, never raised."""
    import asyncpg

    problems: list[str] = []
    if args.keep:
        return [f"kept databases {databases} and topics {prefix}*"] if databases or not args.topics else []
    if databases:
        try:
            admin = await asyncpg.connect(args.pg_admin_dsn)
            try:
                for db in databases:
                    try:
                        await drop_database(admin, db)
                    except Exception as exc:
                        problems.append(f"database {db} left behind: {exc}")
            finally:
                await admin.close()
        except Exception as exc:
            problems.append(f"databases {databases} left behind: {exc}")
    if not args.topics:  # topics of an earlier run (--topics) are that run's to remove
        problems += await drop_topics(args.bootstrap, prefix)
    return problems


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--events", type=int, default=1_000_000)
    p.add_argument("--households", type=int, default=10_000)
    p.add_argument("--partitions", type=int, default=3)
    p.add_argument(
        "--batch", type=int, default=60000, help="events per fetch and replay batch (one transaction each; fewer months upserted per event than 20,000)"
    )
    p.add_argument("--queries", type=int, default=2000)
    p.add_argument(
        "--workers", type=lambda v: [int(x) for x in v.split(",")], default=[1, 2], help="consumer processes for the replay, e.g. 1,2 (each a fresh database)"
    )
    p.add_argument("--topics", help="replay the topics of this prefix (kept by an earlier --keep run) instead of producing new ones")
    p.add_argument("--bootstrap", default=BOOTSTRAP)
    p.add_argument("--pg-admin-dsn", default=os.environ.get("FUPIN_TEST_PG_DSN", "postgresql://fupin:fupin@127.0.0.1:5432/postgres"))
    p.add_argument("--pg-url", default="postgresql+asyncpg://fupin:fupin@127.0.0.1:5432/{db}")
    p.add_argument("--keep", action="store_true", help="keep the topics and the databases")
    sys.exit(asyncio.run(main(p.parse_args())))
