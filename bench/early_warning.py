"""Indicators and early-warning reads at the size of a county: p50 and p99 through the real app.

    .venv/bin/python bench/early_warning.py --households 40000

1. generates a county (``bench/county.py``: 40,000 households, ~166,000 members, ~1.85 million facts
   of a year) and loads it into a fresh PostgreSQL ledger through the replay's path (``copy_batch``:
   the consumer's rows, COPY, and the early warning's projections folded from the same rows), timed;
2. reads, through the ledger app (ASGI, auth, a transaction per request), ``--queries`` times each
   (after a warm-up): the county's early-warning list (``/monitoring/counties/{code}``, first page),
   a village's (``/monitoring/villages/{code}``), a household's file (``/monitoring/households/{id}``),
   a village's indicators (``/indicators/villages/{code}``), and ``--county-queries`` times the
   county's indicators (``/indicators/counties/{code}``); target p99 ≤ 200 ms for each;
3. prints the figures, then drops the database (``shared.db.drop_database``) unless ``--keep``.

A small run (``--households 2000 --queries 20``) is a smoke check. No test asserts these times.
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
from shared.db import drop_database  # noqa: E402

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
    from shared.settings import FupinSettings
    from tests.helpers import bearer

    county = County(households=args.households, county=args.county, seed=args.seed)
    members = sum(len(h.members) for h in county.homes)
    db = f"bench_ew_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(args.pg_admin_dsn)
    await admin.execute(f'CREATE DATABASE "{db}"')
    await admin.close()
    url = args.pg_url.format(db=db)
    lines: list[tuple[str, str]] = []
    try:
        print(f"loading a county of {args.households:,} households ({members:,} members) into {db} …", file=sys.stderr)
        events, load_s = await load(url, county, args.batch)
        lines.append(("county", f"{args.households:,} households, {members:,} members, {len(county.villages):,} villages, {events:,} events"))
        lines.append(("load (replay path, COPY + early-warning fold)", f"{load_s:.1f} s, {events / load_s:,.0f} events/s"))
        settings = FupinSettings(env="test", mode="distributed", database_urls={"ledger": url}, run_consumers=False)
        app = create_app(settings)
        rng = random.Random(5)
        as_of = {"as_of": f"{county.year}-11-30"}
        year = {"year": county.year}
        async with app.router.lifespan_context(app):
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench", timeout=600) as client:
                headers = bearer(settings, "city_admin", subject="bench")
                r = await client.get(f"/ledger/v1/monitoring/counties/{args.county}", params=as_of | {"limit": 1}, headers=headers)
                flagged = r.json()
                lines.append(("flagged households (county, as of 30 Nov)", f"{flagged['households']:,}: {flagged['counts']}"))
                reads = {
                    "early warning, county list (first page of 50)": lambda: (f"/ledger/v1/monitoring/counties/{args.county}", as_of),
                    "early warning, village list": lambda: (f"/ledger/v1/monitoring/villages/{rng.choice(county.villages)}", as_of),
                    "early warning, household file": lambda: (f"/ledger/v1/monitoring/households/{rng.choice(county.homes).household_id}", as_of),
                    "indicators, village": lambda: (f"/ledger/v1/indicators/villages/{rng.choice(county.villages)}", year),
                    "indicators, county": lambda: (f"/ledger/v1/indicators/counties/{args.county}", year),
                }
                for name, request in reads.items():
                    n = {"indicators, county": args.county_queries, "indicators, village": args.indicator_queries}.get(name, args.queries)
                    warm = min(5, n)
                    samples = []
                    for i in range(n + warm):
                        path, params = request()
                        ms = await timed(client, path, params, headers)
                        if i >= warm:
                            samples.append(ms)
                    p50, p99, worst = percentiles(samples)
                    verdict = "OK" if p99 <= TARGET_MS else "ABOVE TARGET"
                    lines.append((f"{name} p99 (target ≤ {TARGET_MS:.0f} ms)", f"{p99:.1f} ms (p50 {p50:.1f}, max {worst:.1f}, {n} reads) {verdict}"))
                    print(f"  {lines[-1][0]}: {lines[-1][1]}", file=sys.stderr)
    finally:
        # Print first: a cleanup that fails must not lose the figures.
        print(f"\ncounty bench ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores)")
        for k, v in lines:
            print(f"{k:<62} {v}")
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
    p.add_argument("--queries", type=int, default=200, help="reads of each kind (after 5 warm-up reads)")
    p.add_argument("--indicator-queries", type=int, default=50, help="reads of a village's indicators")
    p.add_argument("--county-queries", type=int, default=20, help="reads of the county's indicators (they judge every fact of the county)")
    p.add_argument("--pg-admin-dsn", default=os.environ.get("FUPIN_TEST_PG_DSN", "postgresql://fupin:fupin@127.0.0.1:5432/postgres"))
    p.add_argument("--pg-url", default="postgresql+asyncpg://fupin:fupin@127.0.0.1:5432/{db}")
    p.add_argument("--keep", action="store_true", help="keep the database")
    asyncio.run(main(p.parse_args()))
