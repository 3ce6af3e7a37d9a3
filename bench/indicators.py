"""The policy indicators at the size of a county, from the consumer's projections: p50 and p99 through the real app.

    .venv/bin/python bench/indicators.py --households 40000

1. generates a county (``bench/county.py``: 40,000 households, ~166,000 members, 134 villages, ~1.85
   million facts of a year) and loads it into a fresh PostgreSQL ledger through the replay's path
   (``bench/early_warning.py``'s ``load``: ``copy_batch``, which folds the indicator projections from
   the same rows as the consumer does), timed, with the indicator fold's own share of it;
2. reads, through the ledger app (ASGI, auth, a transaction per request), after 5 warm-up reads each:
   a village's indicators for the year (``/indicators/villages/{code}?year=``) and as of a day
   (``?as_of=``), ``--queries`` times each, and the township's, the county's and the city's
   (``/indicators/townships|counties|cities/…``), and the township's and the county's overviews (every village
   with its households, people, income by type and verdicts: ``/views/townships|counties/…/villages``),
   ``--place-queries`` times each; target p99 ≤ 200 ms;
3. as the baseline of the same run, ``--baseline-queries`` times a village's indicators judged from
   every fact of the village (``service.village_indicators_from_log``, the path every read took before
   the projections), and prints each read's p50 as a ratio of it;
4. prints the figures, the resident memory of the processes (``bench/procs.py``) and the load average, then drops the database (``shared.db.drop_database``)
   unless ``--keep``.

A small run (``--households 2000 --queries 20``) is a smoke check. No test asserts these times.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import procs  # noqa: E402
from bench.clock import StepClock  # noqa: E402
from bench.county import County, loaded_county_arguments, scratch_ledger  # noqa: E402
from bench.early_warning import TARGET_MS, load, percentiles, timed  # noqa: E402


def load_average() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


FOLD = "the indicator projections' fold"
# The indicator fold's share of the load: its ``apply`` around every batch and the derivations at the end.
FOLD_STEPS = (
    ("services.ledger.indicator_projection.fold", "apply", FOLD),
    ("services.ledger.indicator_projection.bulk", "derive_incomes", FOLD),
    ("services.ledger.indicator_projection.bulk", "derive_all", FOLD),
)


async def baseline(url: str, village: str, year: int, n: int) -> list[float]:
    """A village's indicators judged from every fact of the village, as before the projections (ms per read)."""
    from sqlalchemy.ext.asyncio import async_sessionmaker

    from policy.linkage import Span
    from services.ledger import service
    from shared.db import create_engine

    engine = create_engine(url)
    out = []
    try:
        for _ in range(n):
            async with async_sessionmaker(engine)() as session:
                t0 = time.perf_counter()
                await service.village_indicators_from_log(session=session, code=village, span=Span.year(year))
                out.append((time.perf_counter() - t0) * 1000)
    finally:
        await engine.dispose()
    return out


async def main(args: argparse.Namespace) -> None:
    logging.getLogger("fupin").setLevel(logging.ERROR)
    import httpx

    from services.ledger.app import create_app
    from shared.settings import FupinSettings
    from tests.helpers import bearer

    county = County(households=args.households, county=args.county, seed=args.seed)
    members = sum(len(h.members) for h in county.homes)
    lines: list[tuple[str, str]] = [("load average at the start (1, 5, 15 min)", load_average())]
    async with scratch_ledger(args, "bench_ind", "indicators bench", lines) as url:
        print(f"loading a county of {args.households:,} households ({members:,} members) …", file=sys.stderr)
        with StepClock(FOLD_STEPS) as clock:
            events, load_s = await load(url, county, args.batch)
        lines.append(("county", f"{args.households:,} households, {members:,} members, {len(county.villages):,} villages, {events:,} events"))
        lines.append(("load (replay path: COPY + every projection's fold)", f"{load_s:.1f} s, {events / load_s:,.0f} events/s"))
        lines.append(("  of which the indicator projections' fold", f"{clock.seconds[FOLD]:.1f} s ({clock.seconds[FOLD] / load_s:.0%})"))
        # The reads are a server's: the generated county (165,000 members, held as Python objects) is
        # dropped first, or every full collection during the reads would walk it and the p99 would be
        # the bench's garbage collector, not the service's.
        villages, year_of = list(county.villages), county.year
        del county
        gc.collect()
        rng = random.Random(7)
        base = await baseline(url, rng.choice(villages), year_of, args.baseline_queries) if args.baseline_queries else []
        base_p50 = percentiles(base)[0] if base else None
        if base:
            p50, p99, worst = percentiles(base)
            lines.append(("baseline: village judged from its facts (load_place)", f"p50 {p50:,.1f} ms, max {worst:,.1f} ({len(base)} reads)"))
        settings = FupinSettings(env="test", mode="distributed", database_urls={"ledger": url}, run_consumers=False)
        app = create_app(settings)
        year = {"year": year_of}
        as_of = {"as_of": f"{year_of}-06-30"}
        township = villages[0][:9]
        async with app.router.lifespan_context(app):
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench", timeout=600) as client:
                headers = bearer(settings, "city_admin", subject="bench")
                r = await client.get(f"/ledger/v1/indicators/counties/{args.county}", params=year, headers=headers)
                statuses = {i["rule"]: i["status"] for i in r.json()["indicators"]}
                lines.append(("county's indicators (year)", " ".join(f"{k}={v}" for k, v in statuses.items())))
                reads: dict[str, tuple[Any, int]] = {
                    "indicators, village (year)": (lambda: (f"/ledger/v1/indicators/villages/{rng.choice(villages)}", year), args.queries),
                    "indicators, village (as_of 30 June)": (lambda: (f"/ledger/v1/indicators/villages/{rng.choice(villages)}", as_of), args.queries),
                    "indicators, township (year)": (lambda: (f"/ledger/v1/indicators/townships/{township}", year), args.place_queries),
                    "indicators, county (year)": (lambda: (f"/ledger/v1/indicators/counties/{args.county}", year), args.place_queries),
                    "indicators, county (as_of 30 June)": (lambda: (f"/ledger/v1/indicators/counties/{args.county}", as_of), args.place_queries),
                    "indicators, city (year)": (lambda: ("/ledger/v1/indicators/cities/4402", year), args.place_queries),
                    "overview, township (year)": (lambda: (f"/ledger/v1/views/townships/{township}/villages", year), args.place_queries),
                    "overview, county (year)": (lambda: (f"/ledger/v1/views/counties/{args.county}/villages", year), args.place_queries),
                }
                full_before = gc.get_stats()[2]["collections"]
                for name, (request, n) in reads.items():
                    samples = []
                    for i in range(n + 5):
                        path, params = request()
                        ms = await timed(client, path, params, headers)
                        if i >= 5:
                            samples.append(ms)
                    p50, p99, worst = percentiles(samples)
                    verdict = "OK" if p99 <= TARGET_MS else "ABOVE TARGET"
                    # The baseline is a village's indicators from the log: a ratio for the indicator reads, not the overviews.
                    ratio = f", p50 {base_p50 / p50:,.0f}× faster than the baseline" if base_p50 and name.startswith("indicators") else ""
                    lines.append((f"{name} p99 (target ≤ {TARGET_MS:.0f} ms)", f"{p99:.1f} ms (p50 {p50:.1f}, max {worst:.1f}, {n} reads) {verdict}{ratio}"))
                    print(f"  {lines[-1][0]}: {lines[-1][1]}", file=sys.stderr)
                lines.append(("full (generation 2) collections during the reads", f"{gc.get_stats()[2]['collections'] - full_before}"))
        lines.extend(procs.lines(own="bench process: the ledger app in-process, and the load before it"))
        lines.append(("load average at the end (1, 5, 15 min)", load_average()))


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    loaded_county_arguments(p)
    p.add_argument("--queries", type=int, default=100, help="reads of a village's indicators, each kind (after 5 warm-up reads)")
    p.add_argument("--place-queries", type=int, default=50, help="reads of the township's, county's and city's, each")
    p.add_argument("--baseline-queries", type=int, default=2, help="village reads judged from the log (the baseline; ~20 s each at county size)")
    asyncio.run(main(p.parse_args()))
