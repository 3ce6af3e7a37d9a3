"""Benchmark: signed, durable partner-order webhooks against a bare endpoint of the same app.

Starts the market service alone (one uvicorn process) on 127.0.0.1 in distributed mode on a fresh
PostgreSQL database (the relay publishes to Kafka when it answers, and retries otherwise), and
drives it with vegeta — a compiled open-loop load generator (``bench/tools.sh`` builds it once from
the Go module proxy) — so the figures are the server's, not a Python client's. Each pass offers a
fixed rate for a bounded time, whatever the answers (no coordinated omission):

- ``POST /market/v1/webhooks/_echo`` — the bare endpoint: same app, router, transactional route
  and body reading, no signature, no database (served only with ``MARKET_BENCH_ECHO=1``);
- ``POST /market/v1/webhooks/{partner}`` — a distinct, validly signed order each time, verified,
  parsed and committed (order, lines, outbox event, webhook-id record) before the 200;
- the signed path again, offered ``--overload`` times the capacity its measured CPU cost implies,
  to show what happens past saturation (admission control answers 503 with Retry-After).

It prints, per pass, the generator's latency percentiles and statuses and the server process's CPU
time per request (from /proc), then the signed/bare CPU ratio. It is a measurement, not a test:
nothing asserts on timings. Run:

    .venv/bin/python bench/webhooks.py --rate 200 --seconds 20
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import csv
import io
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import procs  # noqa: E402
from bench.topics import BOOTSTRAP, drop_topics  # noqa: E402
from shared.db import create_database, drop_database  # noqa: E402

PG_ADMIN = os.environ.get("FUPIN_TEST_PG_DSN", "postgresql://fupin:fupin@127.0.0.1:5432/postgres")
PG_URL = os.environ.get("BENCH_PG_URL", "postgresql+asyncpg://fupin:fupin@127.0.0.1:5432/{db}")
VILLAGE = "440232100201"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def create_db(name: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(PG_ADMIN)
    try:
        await create_database(conn, name)
    finally:
        await conn.close()


async def drop_db(name: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(PG_ADMIN)
    try:
        await drop_database(conn, name)
    finally:
        await conn.close()


async def seed_known_village(url: str) -> None:
    """The bench bypasses the households service: market learns of one village directly."""
    from sqlalchemy.ext.asyncio import create_async_engine

    from services.market.models import KnownVillage

    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(KnownVillage.__table__.insert().values(code=VILLAGE, name="必背村", categories=["province_poor"], paired_unit=None))
    finally:
        await engine.dispose()


def payload(n: int, run: str) -> bytes:
    return json.dumps(
        {
            "type": "order.created",
            "timestamp": datetime.now(UTC).isoformat(),
            "data": {
                "partner_order_id": f"BENCH-{run}-{n:07d}",
                "placed_at": "2026-03-01T07:59:12Z",
                "buyer": {"kind": "enterprise", "name": "东莞某食品有限公司"},
                "supply": {"village_code": VILLAGE},
                "lines": [
                    {"line_no": 1, "product": "tea", "product_name": "必背红茶 250g", "quantity": "12.5", "unit": "kg", "unit_price_fen": 16000},
                    {"line_no": 2, "product": "fruit", "quantity": "3", "unit": "box", "unit_price_fen": 8800},
                ],
            },
        },
        ensure_ascii=False,
    ).encode()


VEGETA = ROOT / "bench" / ".bin" / "vegeta"


def vegeta() -> Path:
    """The compiled open-loop generator (bench/tools.sh builds it once from the Go module proxy)."""
    out = subprocess.run(["bash", str(ROOT / "bench" / "tools.sh")], check=True, capture_output=True, text=True)
    return Path(out.stdout.strip().splitlines()[-1])


def targets_file(path: Path, base: str, requests: list[tuple[str, bytes, dict[str, str]]]) -> Path:
    """vegeta's JSON target format: one request per line, each with its own body and headers (so each is signed in advance)."""
    with path.open("w") as out:
        for url, body, headers in requests:
            line = {"method": "POST", "url": base + url, "body": base64.b64encode(body).decode(), "header": {k: [v] for k, v in headers.items()}}
            out.write(json.dumps(line) + "\n")
    return path


@dataclass
class Pass:
    name: str
    rate: float
    seconds: float
    report: dict
    server_cpu: float
    wall: float
    idle_cpu_rate: float  # CPU-seconds per second the server spends with no request (relay, freshness watch, Kafka clients)
    latencies_by_status: dict[str, list[float]]  # ms, from vegeta's per-request results

    def status_ms(self, status: str, quantile: float) -> float:
        """A latency quantile of the answers with this status (nearest rank), or NaN when there are none."""
        values = sorted(self.latencies_by_status.get(status, []))
        if not values:
            return float("nan")
        return values[min(len(values) - 1, int(quantile * len(values)))]

    @property
    def requests(self) -> int:
        return int(self.report["requests"])

    @property
    def accepted(self) -> int:
        return int(self.report.get("status_codes", {}).get("200", 0))

    def ms(self, quantile: str) -> float:
        return self.report["latencies"][quantile] / 1e6

    @property
    def request_cpu(self) -> float:
        """The server's CPU for the requests of this pass: all it used, less what it uses idle over as long."""
        return max(self.server_cpu - self.idle_cpu_rate * self.wall, 0.0)

    @property
    def cpu_per_request_ms(self) -> float:
        """Per request answered 200 (the 503s of a saturated pass cost little and are not what is measured).

        Never below 0.01 ms: a pass of a few requests can use less than the idle rate predicts (``/proc``
        counts in clock ticks), and the ratio and the saturation rate divide by this.
        """
        return max(self.request_cpu / max(self.accepted, 1) * 1000, 0.01)

    @property
    def fully_served(self) -> bool:
        return self.accepted == self.requests

    def line(self) -> str:
        codes = dict(sorted(self.report.get("status_codes", {}).items()))
        return (
            f"{self.name:<34} offered {self.rate:5.0f}/s for {self.seconds:.0f} s   served {self.report['throughput']:6.1f}/s   "
            f"p50 {self.ms('50th'):7.1f} ms   p99 {self.ms('99th'):7.1f} ms   max {self.ms('max'):7.1f} ms   "
            f"server CPU {self.cpu_per_request_ms:5.2f} ms per 200 (raw {self.server_cpu / max(self.requests, 1) * 1000:5.2f} ms/req)   "
            f"statuses {codes}"
        )


def attack(tool: Path, name: str, server_pid: int, base: str, requests: list[tuple[str, bytes, dict[str, str]]], rate: float, work: Path, idle: float) -> Pass:
    """Offer ``rate`` req/s open loop (vegeta keeps the schedule whatever the answers: no coordinated omission)."""
    seconds = len(requests) / rate
    targets = targets_file(work / f"{name.split()[0]}.targets", base, requests)
    started = time.monotonic()
    before = cpu_seconds(server_pid)
    attack_out = subprocess.run(
        [str(tool), "attack", "-format=json", f"-targets={targets}", f"-rate={rate:.0f}/s", f"-duration={seconds:.3f}s", "-timeout=30s", "-max-workers=512"],
        check=True,
        capture_output=True,
    ).stdout
    cpu = cpu_seconds(server_pid) - before
    wall = time.monotonic() - started
    report = json.loads(subprocess.run([str(tool), "report", "-type=json"], input=attack_out, check=True, capture_output=True).stdout)
    rows = subprocess.run([str(tool), "encode", "-to", "csv"], input=attack_out, check=True, capture_output=True).stdout.decode()
    by_status: dict[str, list[float]] = {}
    for row in csv.reader(io.StringIO(rows)):
        by_status.setdefault(row[1], []).append(int(row[2]) / 1e6)
    return Pass(name, rate, seconds, report, cpu, wall, idle, by_status)


def idle_cpu_rate(server_pid: int, seconds: float) -> float:
    """CPU-seconds per second the server uses while nobody calls it (its relay, freshness watch and Kafka clients)."""
    before, started = cpu_seconds(server_pid), time.monotonic()
    time.sleep(seconds)
    return (cpu_seconds(server_pid) - before) / (time.monotonic() - started)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux), to compare cost per request independently of machine load."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=float, default=200.0, help="offered requests per second in the measured passes")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each measured pass (bounded; the run stops by itself)")
    parser.add_argument("--warmup-seconds", type=float, default=5.0)
    parser.add_argument(
        "--overload", type=float, default=2.5, help="the saturation pass offers this multiple of the capacity the signed pass's CPU cost implies"
    )
    parser.add_argument("--overload-seconds", type=float, default=10.0)
    parser.add_argument("--idle-seconds", type=float, default=5.0, help="how long the server's idle CPU is measured before the passes")
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--profile", type=Path, help="run the server under cProfile and write its profile here (read it with `python -m pstats`)")
    args = parser.parse_args()

    from standardwebhooks.webhooks import Webhook

    from shared.auth import mint_token
    from shared.settings import FupinSettings

    tool = vegeta()
    run = uuid.uuid4().hex[:8]
    db = f"bench_market_{run}"
    url = PG_URL.format(db=db)
    await create_db(db)
    port = free_port()
    env = {
        **os.environ,
        "FUPIN_MODE": "distributed",
        "FUPIN_ENV": "development",
        "FUPIN_DATABASE_URLS": json.dumps({"market": url}),
        "FUPIN_TOPIC_PREFIX": f"bench{run}.",
        "FUPIN_CONSUMER_GROUP_PREFIX": f"bench{run}.",
        "FUPIN_RUN_CONSUMERS": "false",
        "FUPIN_LOG_LEVEL": "WARNING",
        "MARKET_BENCH_ECHO": "1",
    }
    profiler = ["-m", "cProfile", "-o", str(args.profile)] if args.profile else []
    server = subprocess.Popen(
        [
            sys.executable,
            *profiler,
            "-m",
            "uvicorn",
            "services.market.app:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-access-log",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    passes: list[Pass] = []
    try:
        async with httpx.AsyncClient(base_url=base, timeout=5) as client:
            for _ in range(300):
                try:
                    if (await client.get("/healthz")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)
            else:
                raise SystemExit("market service did not start")
            await seed_known_village(url)
            admin = {"Authorization": f"Bearer {mint_token(FupinSettings(), role='city_admin', subject='bench')}"}
            r = await client.post("/market/v1/partners/jd/secrets", headers=admin)
            r.raise_for_status()
            secret = r.json()["secret"]

        hook = Webhook(secret)
        counter = iter(range(10**9))

        def signed(count: int) -> list[tuple[str, bytes, dict[str, str]]]:
            """``count`` distinct orders, each signed now (the window is ±5 minutes; a pass lasts seconds)."""
            out = []
            for _ in range(count):
                n = next(counter)
                body = payload(n, run)
                msg_id = f"msg_{run}_{n}"
                now = datetime.now(UTC)
                headers = {
                    "content-type": "application/json",
                    "webhook-id": msg_id,
                    "webhook-timestamp": str(int(now.timestamp())),
                    "webhook-signature": hook.sign(msg_id, now, body.decode()),
                }
                out.append(("/market/v1/webhooks/jd", body, headers))
            return out

        def bare(count: int) -> list[tuple[str, bytes, dict[str, str]]]:
            return [("/market/v1/webhooks/_echo", payload(next(counter), run), {"content-type": "application/json"}) for _ in range(count)]

        measured = int(args.rate * args.seconds)
        warm = int(args.rate / 2 * args.warmup_seconds)
        print(
            f"market service on {base} (one uvicorn process), PostgreSQL database {db}, vegeta {tool}, "
            f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs",
            flush=True,
        )
        with tempfile.TemporaryDirectory(prefix="fupin-vegeta-") as tmp:
            work = Path(tmp)
            attack(tool, "warm-up bare", server.pid, base, bare(warm), args.rate / 2, work, 0.0)
            attack(tool, "warm-up signed", server.pid, base, signed(warm), args.rate / 2, work, 0.0)
            time.sleep(1.0)  # the relay publishes the warm-up's events
            idle = idle_cpu_rate(server.pid, args.idle_seconds)
            print(f"server idle (relay, freshness watch, Kafka clients): {idle * 100:.1f}% of a core, subtracted from each pass", flush=True)
            for name, make in (("bare POST …/webhooks/_echo", bare), ("signed durable webhook", signed)):
                passes.append(attack(tool, name, server.pid, base, make(measured), args.rate, work, idle))
                print(passes[-1].line(), flush=True)
            bare_pass, signed_pass = passes
            served = "" if bare_pass.fully_served and signed_pass.fully_served else " — NOT every request was served 200 at this rate: not a result"
            print(
                f"server CPU per request, signed/bare: {signed_pass.cpu_per_request_ms / bare_pass.cpu_per_request_ms:.2f} (target ≤ 3){served}",
                flush=True,
            )
            print(f"p99 of the signed durable path offered {args.rate:.0f} req/s: {signed_pass.ms('99th'):.1f} ms (target < 50 ms){served}", flush=True)
            capacity = 1000 / signed_pass.cpu_per_request_ms  # requests per CPU-second of the one server process
            rate = args.overload * capacity
            over = attack(tool, f"signed past saturation ×{args.overload:g}", server.pid, base, signed(int(rate * args.overload_seconds)), rate, work, idle)
            passes.append(over)
            print(over.line(), flush=True)
            codes = over.report.get("status_codes", {})
            shed = int(codes.get("503", 0))
            print(
                f"past saturation (offered {rate:.0f}/s, ~{args.overload:g}× the {capacity:.0f}/s one core serves): "
                f"{int(codes.get('200', 0))} accepted (p50 {over.status_ms('200', 0.5):.1f} ms, p99 {over.status_ms('200', 0.99):.1f} ms), "
                f"{shed} answered 503 with Retry-After ({shed / max(over.requests, 1):.0%}; p50 {over.status_ms('503', 0.5):.1f} ms, "
                f"p99 {over.status_ms('503', 0.99):.1f} ms), p99 of all answers {over.ms('99th'):.1f} ms",
                flush=True,
            )
            for name, value in procs.lines({"market server (uvicorn)": server.pid}, own="bench process (drives vegeta)"):
                print(f"{name}: {value}", flush=True)
    finally:
        server.send_signal(signal.SIGINT)  # uvicorn's graceful stop; cProfile writes its file on the way out
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
        if not args.keep_db:
            try:
                await drop_db(db)
            except Exception as exc:  # the figures are printed already; a database left behind is only untidy
                print(f"note: could not drop {db}: {exc!r}", flush=True)
            # the server's relay made its topic under the run's prefix
            for problem in await drop_topics(BOOTSTRAP, f"bench{run}."):
                print(f"note: {problem}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
