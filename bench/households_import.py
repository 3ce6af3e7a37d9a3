"""Bulk import throughput: 10,000 households with ~4 members each, through the real HTTP route.

    .venv/bin/python bench/households_import.py [--households 10000] [--no-pg]
    .venv/bin/python bench/households_import.py --county        # 40,000 households in 4 files, as a county office sends them

Generates the CSV (Chinese headers, one row per member, 乐昌市 villages), then for each target —
the embedded app (SQLite) and, when reachable, PostgreSQL — starts a fresh app, runs the dry run
and the real import through ``POST /households/v1/imports`` (ASGI transport, auth, one
transaction per file), and prints seconds and rows/s. Consumers are off so the figure is the import
itself (the check, the bulk inserts, and the ~50,000 facts per 10,000 households sealed into the
outbox). One file may hold at most 10 MiB and 50,000 rows (``services/households/imports/sheet.py``),
so a county of 40,000 households (~160,000 members) is imported as ``--files 4`` files of ~10,000
households each, one after the other into the same registry; the figure is their sum. The peak
resident memory of the process (the app and this driver together) is printed at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import resource
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.topics import BOOTSTRAP, drop_topics  # noqa: E402
from services.households.imports.columns import HEADERS  # noqa: E402
from shared.db import create_database, drop_database  # noqa: E402
from shared.pii import make_citizen_id  # noqa: E402
from shared.settings import SERVICES, FupinSettings  # noqa: E402

COUNTY = "440281"
PG_ADMIN = "postgresql://fupin:fupin@127.0.0.1:5432/postgres"
PG_URL = "postgresql+asyncpg://fupin:fupin@127.0.0.1:5432/{db}"


def generate(households: int, members_per: int, first: int = 0) -> tuple[bytes, int]:
    """A CSV of ``households`` households numbered from ``first``; member counts cycle 2..(2*members_per-2) around the mean.

    Households ``first .. first + households - 1`` get the same rows whichever file they are cut into
    (ids stay unique across the files of one county)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    rows = 0
    relations = ["配偶", "子女", "子女", "父母", "父母", "孙子女"]
    labour = ["全劳动力", "半劳动力", "无劳动力"]
    # Serials before ``first``: the same cycle of sizes, summed (so a split county numbers its people as one file would).
    cycle = [2 + (h % (2 * members_per - 3)) if members_per > 1 else 1 for h in range(max(1, 2 * members_per - 3))]
    serial = sum(cycle) * (first // len(cycle)) + sum(cycle[: first % len(cycle)])
    for h in range(first, first + households):
        village = f"{COUNTY}{100 + h // 50_000 % 900:03d}{100 + (h // 25) % 900:03d}"
        number = f"B{uuid.uuid4().hex[:12]}{h:06d}"
        size = 2 + (h % (2 * members_per - 3)) if members_per > 1 else 1
        head = f"户主{h}"
        for m in range(size):
            serial += 1
            # (birth date, serial % 1000) is unique per person for up to 22 million people.
            birth = date(1950, 1, 1) + timedelta(days=(serial // 1000) * 97 % 22000 + serial % 7)
            id_number = make_citizen_id(COUNTY, birth, serial)
            writer.writerow(
                [
                    "乐昌市", "坪石镇", village, f"村{village[-6:]}", number, head, head if m == 0 else f"成员{h}-{m}",
                    id_number, "户主" if m == 0 else relations[m % len(relations)], "男" if m % 2 == 0 else "女",
                    birth.isoformat(), labour[(h + m) % 3], "是" if m == 1 else "否", "否", "否",
                    "在册贫困户", "", "2026-02-01", f"{h % 9 + 1}组{h % 97}号",
                ]
            )  # fmt: skip
            rows += 1
    return ("\ufeff" + out.getvalue()).encode(), rows


async def pg_databases(run_id: str) -> dict[str, str] | None:
    try:
        import asyncpg

        conn = await asyncio.wait_for(asyncpg.connect(PG_ADMIN), 3)
    except Exception:
        return None
    try:
        urls = {}
        for service in SERVICES:
            await create_database(conn, f"b_{run_id}_{service}")
            urls[service] = PG_URL.format(db=f"b_{run_id}_{service}")
        return urls
    finally:
        await conn.close()


async def drop_pg(run_id: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(PG_ADMIN)
    try:
        for service in SERVICES:
            await drop_database(conn, f"b_{run_id}_{service}")
    finally:
        await conn.close()


File = tuple[bytes, int, int]  # (CSV, member rows, households)


async def run(label: str, settings: FupinSettings, files: list[File]) -> None:
    import httpx

    from fupin.embedded import create_app
    from tests.helpers import bearer

    households = sum(f[2] for f in files)
    rows = sum(f[1] for f in files)
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench", timeout=600) as client:
            headers = bearer(settings, "city_admin", subject="bench")
            for dry in (True, False):
                seconds = 0.0
                for content, file_rows, file_households in files:
                    started = time.perf_counter()
                    r = await client.post(
                        "/households/v1/imports", params={"dry_run": str(dry).lower()}, files={"file": ("bench.csv", content)}, headers=headers
                    )
                    seconds += time.perf_counter() - started
                    body = r.json()
                    assert r.status_code in (200, 201), r.text[:2000]
                    assert body["households"] == file_households and body["members"] == file_rows and not body["errors"], r.text[:2000]
                what = "dry run" if dry else "import "
                print(
                    f"{label:10s} {what}: {households} households, {rows} members in {len(files)} file(s), {seconds:6.1f} s = {rows / seconds:8.0f} rows/s",
                    flush=True,
                )
            stats = await client.get("/households/v1/stats", headers=headers)
            assert stats.json()["households"] == households, stats.text


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--households", type=int, default=10_000)
    parser.add_argument("--members", type=int, default=4, help="mean members per household")
    parser.add_argument("--files", type=int, default=1, help="cut the households into this many files, imported one after the other")
    parser.add_argument("--county", action="store_true", help="a county: --households 40000 --files 4")
    parser.add_argument("--no-pg", action="store_true")
    args = parser.parse_args()
    if args.county:
        args.households, args.files = 40_000, 4
    files: list[File] = []
    per = -(-args.households // args.files)
    for first in range(0, args.households, per):
        count = min(per, args.households - first)
        content, rows = generate(count, args.members, first)
        files.append((content, rows, count))
    size = sum(len(f[0]) for f in files)
    print(f"generated {args.households} households, {sum(f[1] for f in files)} member rows, {size / 1e6:.1f} MB CSV in {len(files)} file(s)", flush=True)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            settings = FupinSettings(env="test", mode="embedded", data_dir=Path(tmp), run_consumers=False)
            await run("sqlite", settings, files)
        if not args.no_pg:
            await run_pg(files)
    finally:
        print(f"peak resident memory of this process (app + driver): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB", flush=True)


async def run_pg(files: list[File]) -> None:
    run_id = uuid.uuid4().hex[:10]
    urls = await pg_databases(run_id)
    if urls is None:
        print("postgresql not reachable: skipped")
        return
    try:
        settings = FupinSettings(
            env="test", mode="distributed", database_urls=urls, run_consumers=False, topic_prefix=f"b{run_id}.", consumer_group_prefix=f"b{run_id}."
        )
        await run("postgresql", settings, files)
    finally:
        await drop_pg(run_id)
        for problem in await drop_topics(BOOTSTRAP, f"b{run_id}."):
            print(f"note: {problem}", flush=True)


if __name__ == "__main__":
    asyncio.run(main())
