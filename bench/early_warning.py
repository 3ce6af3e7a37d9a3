"""Early-warning reads at the size of a county: p50 and p99 through the real app, stored lists against the exact path.

    .venv/bin/python bench/early_warning.py --households 40000

1. generates a county (``bench/county.py``: 40,000 households, ~166,000 members, ~1.85 million facts
   of 2026, the last envelope times in December) and loads it into a fresh PostgreSQL ledger through
   the replay's path (``bulk_load`` + ``copy_batch``: the consumer's rows by COPY, the early warning's
   projections folded from the same rows, and every household's flags judged once at the end), timed;
2. times the consumer's two re-judgings directly: the month's turn (every household, ``rejudge_all``)
   and a batch's (``--touched`` households, ``rejudge``), each in a transaction rolled back;
3. reads, through the ledger app (ASGI, auth, a transaction per request), ``--queries`` times each
   (after a warm-up), on a day of the judged month (``--as-of``, default 31 December): the county's
   early-warning list (first page of 50, and a page 10,000 households down), a village's list and a
   household's file — target p99 ≤ 200 ms; and, as the baseline in the same run, ``--exact-queries``
   times the county's list on a day outside the judged month (30 November: the exact path, which
   judges every candidate of the county on the request, as every list did before the stored flags);
4. prints the figures, then drops the database (``shared.db.drop_database``) unless ``--keep``.

A small run (``--households 2000 --queries 20``) is a smoke check. No test asserts these times.
The indicators' reads have their own bench (``bench/indicators.py``).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import random
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.county import County  # noqa: E402
from shared.db import create_database, drop_database  # noqa: E402

TARGET_MS = 200.0


def percentiles(values: list[float]) -> tuple[float, float, float]:
    ordered = sorted(values)
    return statistics.median(ordered), ordered[max(0, int(len(ordered) * 0.99) - 1)], ordered[-1]


async def load(url: str, county: County, batch: int) -> tuple[int, float]:
    from sqlalchemy import text

    from services.ledger.app import SPEC
    from services.ledger.audit import bulk_load
    from services.ledger.audit.replay import copy_batch
    from shared import migrations
    from shared.db import create_engine

    engine = create_engine(url)
    try:
        await migrations.upgrade(engine, SPEC)
        started, applied = time.perf_counter(), 0
        async with bulk_load(engine):
            for _, envelopes in county.batches():
                for i in range(0, len(envelopes), batch):
                    applied += await copy_batch(engine, envelopes[i : i + batch])
        seconds = time.perf_counter() - started
        async with engine.begin() as conn:  # committed: statistics taken inside a rolled-back transaction are lost
            await conn.execute(text("ANALYZE"))
        return applied, seconds
    finally:
        await engine.dispose()


def load_average() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


async def rejudging(url: str, touched: int) -> list[tuple[str, str]]:
    """The month's turn and one batch's re-judging, each timed in a transaction that is rolled back."""
    from sqlalchemy import select

    from services.ledger.models import LedgerHousehold, col
    from services.ledger.monitoring import current
    from shared.db import create_engine

    engine = create_engine(url)
    out = []
    try:
        async with engine.connect() as conn:
            month = await current.judged_month(conn)
            assert month is not None, "the load judged no month"
            ids = list((await conn.execute(select(col(LedgerHousehold.household_id)).limit(touched))).scalars())
            await conn.rollback()  # the reads above autobegan a transaction
            for name, chosen in (
                (f"re-judging every household (the month's turn, {month:%Y-%m})", None),
                (f"re-judging {len(ids):,} touched households (a batch)", ids),
            ):
                trans = await conn.begin()
                t0 = time.perf_counter()
                rows = await current.rejudge(conn, month, chosen)
                seconds = time.perf_counter() - t0
                await trans.rollback()
                out.append((name, f"{seconds * 1000:,.0f} ms, {rows:,} rows written"))
    finally:
        await engine.dispose()
    return out


async def timed(client: Any, url: str, params: dict[str, Any], headers: dict[str, str]) -> float:
    t0 = time.perf_counter()
    r = await client.get(url, params=params, headers=headers)
    elapsed = (time.perf_counter() - t0) * 1000
    assert r.status_code == 200, (url, r.status_code, r.text[:300])
    return elapsed


async def main(args: argparse.Namespace) -> None:
    logging.getLogger("fupin").setLevel(logging.ERROR)
    import asyncpg
    import httpx

    from services.ledger.app import create_app
    from shared.paging import encode_cursor
    from shared.settings import FupinSettings
    from tests.helpers import bearer

    county = County(households=args.households, county=args.county, seed=args.seed)
    members = sum(len(h.members) for h in county.homes)
    db = f"bench_ew_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(args.pg_admin_dsn)
    await create_database(admin, db)
    await admin.close()
    url = args.pg_url.format(db=db)
    lines: list[tuple[str, str]] = []
    try:
        print(f"loading a county of {args.households:,} households ({members:,} members) into {db} …", file=sys.stderr)
        events, load_s = await load(url, county, args.batch)
        lines.append(("county", f"{args.households:,} households, {members:,} members, {len(county.villages):,} villages, {events:,} events"))
        lines.append(("load (replay path: COPY, fold, flags judged at the end)", f"{load_s:.1f} s, {events / load_s:,.0f} events/s"))
        print(f"  {lines[-1][0]}: {lines[-1][1]}", file=sys.stderr)
        lines.extend(await rejudging(url, args.touched))
        for k, v in lines[-2:]:
            print(f"  {k}: {v}", file=sys.stderr)
        # No checkpoint schedule: its first signing would start mid-run and hold the shutdown (it reads every source's log).
        settings = FupinSettings(env="test", mode="distributed", database_urls={"ledger": url}, run_consumers=False, checkpoint_interval_seconds=0)
        app = create_app(settings)
        rng = random.Random(5)
        stored = {"as_of": args.as_of or f"{county.year}-12-31"}
        exact = {"as_of": f"{county.year}-11-30"}
        county_url = f"/ledger/v1/monitoring/counties/{args.county}"
        async with app.router.lifespan_context(app):
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench", timeout=600) as client:
                headers = bearer(settings, "city_admin", subject="bench")
                for name, params in (("stored", stored), ("exact", exact)):
                    r = await client.get(county_url, params=params | {"limit": 1}, headers=headers)
                    flagged = r.json()
                    lines.append((f"flagged households (county, as of {params['as_of']}, {name})", f"{flagged['households']:,}: {flagged['counts']}"))
                deep = encode_cursor(10_000)
                reads = {
                    "county list, first page of 50 (stored)": (args.queries, lambda: (county_url, stored)),
                    "county list, page at 10,000 (stored)": (args.queries, lambda: (county_url, stored | {"cursor": deep})),
                    "village list (stored)": (args.queries, lambda: (f"/ledger/v1/monitoring/villages/{rng.choice(county.villages)}", stored)),
                    "household file": (args.queries, lambda: (f"/ledger/v1/monitoring/households/{rng.choice(county.homes).household_id}", stored)),
                    "county list, first page, 30 Nov (exact path: baseline)": (args.exact_queries, lambda: (county_url, exact)),
                }
                p50s: dict[str, float] = {}
                for name, (n, request) in reads.items():
                    warm = min(5, n) if "exact" not in name else 1
                    samples = []
                    for i in range(n + warm):
                        path, params = request()
                        ms = await timed(client, path, params, headers)
                        if i >= warm:
                            samples.append(ms)
                    p50, p99, worst = percentiles(samples)
                    p50s[name] = p50
                    verdict = "" if "exact" in name else (" OK" if p99 <= TARGET_MS else " ABOVE TARGET")
                    lines.append((f"{name} p99", f"{p99:.1f} ms (p50 {p50:.1f}, max {worst:.1f}, {n} reads){verdict}"))
                    print(f"  {lines[-1][0]}: {lines[-1][1]}", file=sys.stderr)
                base = p50s["county list, first page, 30 Nov (exact path: baseline)"]
                lines.append(("county list: exact p50 / stored p50", f"{base / p50s['county list, first page of 50 (stored)']:,.0f}×"))
    finally:
        # Print first: a cleanup that fails must not lose the figures.
        print(f"\ncounty early-warning bench ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores, load {load_average()})")
        for k, v in lines:
            print(f"{k:<62} {v}", flush=True)
        if not args.keep:
            admin = await asyncpg.connect(args.pg_admin_dsn)
            try:
                await drop_database(admin, db)
            finally:
                await admin.close()


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--households", type=int, default=40_000)
    p.add_argument("--county", default="440232")
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--batch", type=int, default=20_000, help="envelopes per load transaction")
    p.add_argument("--queries", type=int, default=200, help="reads of each stored kind (after 5 warm-up reads)")
    p.add_argument("--exact-queries", type=int, default=3, help="reads of the county list by the exact path (seconds each), the baseline")
    p.add_argument("--touched", type=int, default=1000, help="households a timed batch re-judges")
    p.add_argument("--as-of", help="the day of the stored reads (default 31 December of the county's year: in the judged month)")
    p.add_argument("--pg-admin-dsn", default=os.environ.get("FUPIN_TEST_PG_DSN", "postgresql://fupin:fupin@127.0.0.1:5432/postgres"))
    p.add_argument("--pg-url", default="postgresql+asyncpg://fupin:fupin@127.0.0.1:5432/{db}")
    p.add_argument("--keep", action="store_true", help="keep the database")
    asyncio.run(main(p.parse_args()))
