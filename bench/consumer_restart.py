"""Seconds from a ledger consumer's restart to its first applied batch, static vs dynamic group membership.

    .venv/bin/python bench/consumer_restart.py --restarts 5

Against the running PostgreSQL and Kafka (``make infra``), on fresh databases and topics:
wage facts are appended to the households outbox at a steady rate and published by a relay
(in this process) while a ``fupin consume ledger`` process is SIGKILLed and started again,
``--restarts`` times for each kind of membership. For each restart it reports the time from
spawning the new process to the moment its log says ``first batch applied`` (Python start-up,
imports, joining the group and the first transaction all included), and the part of it after
the consumer was built (``seconds_since_start`` in that line). Static membership
(``--instance-id``, KIP-345) gets the partitions back at once; dynamic membership waits for the
broker to expire the killed member's session. Everything it made is dropped at the end; it
stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy.ext.asyncio import async_sessionmaker  # noqa: E402

from bench.topics import BOOTSTRAP, drop_topics  # noqa: E402
from services.households.models import Base as HouseholdsBase  # noqa: E402
from shared.bus import Signal  # noqa: E402
from shared.db import create_database, create_engine, drop_database  # noqa: E402
from shared.events.households import WagePaid  # noqa: E402
from shared.events.income import IncomeLine, Lineage  # noqa: E402
from shared.ids import new_id  # noqa: E402
from shared.kafka import KafkaRelay  # noqa: E402
from shared.outbox import append_pending, emit, ensure_head  # noqa: E402
from shared.settings import SERVICES, FupinSettings  # noqa: E402

PG_ADMIN = os.environ.get("FUPIN_TEST_PG_DSN", "postgresql://fupin:fupin@127.0.0.1:5432/postgres")
PG_URL = os.environ.get("FUPIN_TEST_PG_URL", "postgresql+asyncpg://fupin:fupin@127.0.0.1:5432/{db}")
KAFKA = BOOTSTRAP


async def produce(url: str, stop: asyncio.Event, signal_: Signal, rate: float) -> int:
    """Wage facts into the households outbox, ``rate`` transactions of 5 per second, until stopped."""
    engine = create_engine(url)
    sessions = async_sessionmaker(engine)
    n = 0
    try:
        while not stop.is_set():
            async with sessions() as s:
                for _ in range(5):
                    emit(
                        s,
                        WagePaid(
                            payment_id=new_id(), employment_id="bench", member_id="bench", entity_id="bench",
                            period_start=date(2026, 5, 1), period_end=date(2026, 5, 31),
                            income=IncomeLine(household_id="bench-household", village_code="440203100201", benefit_type="wage_labor",
                                              amount_fen=100, occurred_on=date(2026, 5, 31), lineage=Lineage(entity_id="bench")),
                        ),
                    )  # fmt: skip
                    n += 1
                await append_pending(s, HouseholdsBase.metadata, "households")
                await s.commit()
            signal_.notify()
            await asyncio.sleep(1 / rate)
    finally:
        await engine.dispose()
    return n


def first_batch(log: Path, offset: int) -> dict | None:
    with log.open("rb") as fh:
        fh.seek(offset)
        for line in fh:
            if b'"first batch applied"' in line:
                return json.loads(line)
    return None


async def restarts(env: dict[str, str], logdir: Path, label: str, instance: str | None, count: int) -> list[tuple[float, float, float]]:
    log = logdir / f"consumer-{label}.log"
    args = [sys.executable, "-m", "fupin.cli", "consume", "ledger"] + (["--instance-id", instance] if instance else [])

    def spawn() -> subprocess.Popen[bytes]:
        out = log.open("ab")
        return subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)

    results = []
    proc = spawn()
    offset = 0
    for attempt in range(count + 1):
        started = time.monotonic()
        line = None
        while line is None and time.monotonic() - started < 120:
            await asyncio.sleep(0.02)
            line = first_batch(log, offset)
        if line is None:
            raise SystemExit(f"{label}: no batch applied within 120 s; see {log}")
        seen = time.monotonic() - started
        if attempt:  # the first start is the group's creation, not a restart
            results.append(
                (
                    float(line.get("cpu_seconds_since_process_start") or 0),
                    float(line["seconds_since_start"]),
                    float(line.get("seconds_since_process_start") or seen),
                )
            )
            print(
                f"  {label} restart {attempt}: {line.get('seconds_since_process_start')} s from the process's start to its first applied batch"
                f" ({line['seconds_since_start']:.2f} s after the consumer was built;"
                f" {line.get('cpu_seconds_since_process_start')} s of CPU; {seen:.2f} s as this script saw it)",
                flush=True,
            )
        await asyncio.sleep(1.5)  # consuming steadily, mid-stream
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        offset = log.stat().st_size
        if attempt < count:
            proc = spawn()
    return results


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--restarts", type=int, default=5)
    parser.add_argument("--rate", type=float, default=20.0, help="outbox transactions per second (5 facts each)")
    parser.add_argument("--membership", choices=("static", "dynamic", "both"), default="both")
    parser.add_argument("--session-timeout-ms", type=int, default=10000, help="the consumers' session timeout (default as deployed)")
    args = parser.parse_args()

    import asyncpg

    run_id = uuid.uuid4().hex[:10]
    admin = await asyncpg.connect(PG_ADMIN)
    urls = {}
    for service in SERVICES:
        await create_database(admin, f"b_{run_id}_{service}")
        urls[service] = PG_URL.format(db=f"b_{run_id}_{service}")
    logdir = Path(tempfile.mkdtemp(prefix="consumer-restart-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("FUPIN_")} | {
        "FUPIN_ENV": "test", "FUPIN_MODE": "distributed", "FUPIN_DATABASE_URLS": json.dumps(urls), "FUPIN_KAFKA_BOOTSTRAP": KAFKA,
        "FUPIN_TOPIC_PREFIX": f"b{run_id}.", "FUPIN_CONSUMER_GROUP_PREFIX": f"b{run_id}.", "FUPIN_POLL_INTERVAL_SECONDS": "0.05",
        "FUPIN_MIGRATE_ON_START": "false", "FUPIN_CONSUMER_SESSION_TIMEOUT_MS": str(args.session_timeout_ms),
    }  # fmt: skip
    subprocess.run([sys.executable, "-m", "fupin.cli", "migrate", "households", "ledger"], cwd=ROOT, env=env, check=True)
    settings = FupinSettings(
        env="test",
        mode="distributed",
        database_urls=urls,
        kafka_bootstrap=KAFKA,
        topic_prefix=f"b{run_id}.",
        consumer_group_prefix=f"b{run_id}.",
        poll_interval_seconds=0.05,
    )
    engine = create_engine(urls["households"])
    async with engine.begin() as conn:
        await ensure_head(conn, HouseholdsBase.metadata, "households")
    wake = Signal()
    relay = asyncio.create_task(KafkaRelay("households", engine, HouseholdsBase.metadata, settings, wake).run())
    stop = asyncio.Event()
    producer = asyncio.create_task(produce(urls["households"], stop, wake, args.rate))
    figures: dict[str, list[tuple[float, float, float]]] = {}
    try:
        kinds = ("static", "dynamic") if args.membership == "both" else (args.membership,)
        for kind in kinds:
            # Each kind has its own consumer group, so one cannot inherit the other's members.
            env_kind = env | {"FUPIN_CONSUMER_GROUP_PREFIX": f"b{run_id}.{kind}."}
            figures[kind] = await restarts(env_kind, logdir, kind, f"bench-{run_id}" if kind == "static" else None, args.restarts)
    finally:
        stop.set()
        produced = await producer
        relay.cancel()
        await asyncio.gather(relay, return_exceptions=True)
        await engine.dispose()
        for service in SERVICES:
            await drop_database(admin, f"b_{run_id}_{service}")
        await admin.close()
        for problem in await drop_topics(KAFKA, f"b{run_id}."):
            print(f"note: {problem}", flush=True)
    print(f"\n{produced} facts produced; consumer session timeout {args.session_timeout_ms} ms; logs in {logdir}")
    load = os.getloadavg()
    print(f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on {os.cpu_count()} cores")
    print("| membership | restarts | process start → first applied batch: median | max | after the consumer was built (median) | CPU used by then (median) |")
    print("|---|---|---|---|---|---|")
    for kind, rows in figures.items():
        whole = [r[2] for r in rows]
        inner = [r[1] for r in rows]
        cpu = [r[0] for r in rows]
        print(
            f"| {kind} | {len(rows)} | {statistics.median(whole):.2f} s | {max(whole):.2f} s"
            f" | {statistics.median(inner):.2f} s | {statistics.median(cpu):.2f} s |"
        )


if __name__ == "__main__":
    asyncio.run(main())
