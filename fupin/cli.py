"""``fupin``: the command line of the platform (run, serve, consume, migrate, token, seed, audit …)."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import os
import signal
import sys
from typing import Any

from shared.settings import SERVICE_PORTS, SERVICES, get_settings


def _spec(name: str) -> Any:
    from fupin.embedded import service_spec

    if name not in SERVICES:
        raise SystemExit(f"unknown service {name!r}; one of {', '.join(SERVICES)}")
    return service_spec(name)


def cmd_token(args: argparse.Namespace) -> int:
    from shared.auth import mint_token

    try:
        print(mint_token(get_settings(), role=args.role, scope=args.scope, subject=args.subject, ttl_seconds=args.ttl))
    except ValueError as exc:
        print(f"fupin token: {exc}", file=sys.stderr)
        return 2
    return 0


def _serve(app_path: str, port: int, host: str) -> int:
    import uvicorn

    from shared.logging import configure_logging

    settings = get_settings()
    configure_logging(settings.log_level)
    uvicorn.run(app_path, factory=True, host=host, port=port, log_config=None, access_log=False)
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    port = args.port or int(os.environ.get("PORT", "8000"))
    print(f"Fupin (embedded) on http://{args.host}:{port} — data in {get_settings().data_dir}/", file=sys.stderr)
    return _serve("fupin.embedded:create_app", port, args.host)


def cmd_serve_service(args: argparse.Namespace) -> int:
    _spec(args.name)
    return _serve(f"services.{args.name}.app:create_app", args.port or SERVICE_PORTS[args.name], args.host)


def consumer_health_app(app: Any) -> Any:
    """``/healthz`` (alive), ``/readyz`` (partitions assigned, lag) and ``/metrics`` of a consumer process."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route

    from shared.metrics import exposition

    def state() -> dict[str, Any]:
        out = {}
        for sub in getattr(app.state, "subscribers", []):
            assigned = sorted(f"{t}:{p}" for t, p in getattr(sub, "assigned", ()))
            out[sub.subscription.consumer] = {
                "connected": sub.healthy,
                "partitions": assigned,
                "lag": {f"{t}:{p}": n for (t, p), n in sorted(getattr(sub, "lag", {}).items())},
                "lag_events": sum(getattr(sub, "lag", {}).values()),
                "applied_events": sub.applied,
                "batches": getattr(sub, "batches", 0),
            }
        return out

    async def healthz(request: Request) -> JSONResponse:
        return JSONResponse({"status": "alive"})

    async def readyz(request: Request) -> JSONResponse:
        consumers = state()
        ready = bool(consumers) and all(c["connected"] and c["partitions"] for c in consumers.values())
        return JSONResponse({"status": "ready" if ready else "not_ready", "consumers": consumers}, status_code=200 if ready else 503)

    async def metrics(request: Request) -> Response:
        body, content_type = exposition()
        return Response(body, media_type=content_type)

    return Starlette(routes=[Route("/healthz", healthz), Route("/readyz", readyz), Route("/metrics", metrics)])


def cmd_consume(args: argparse.Namespace) -> int:
    """Run a service's subscribers (e.g. the ledger consumer) without HTTP; scale by partitions."""
    from shared.logging import configure_logging
    from shared.service import build_app

    updates: dict[str, Any] = {"run_consumers": True, "serves_http": False}
    if args.health_port is not None:
        updates["consumer_health_port"] = args.health_port
    if args.instance_id:
        updates["consumer_instance_id"] = args.instance_id
    settings = get_settings().model_copy(update=updates)
    configure_logging(settings.log_level)
    app = build_app([_spec(args.name)], settings)

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        async with app.router.lifespan_context(app):
            health = None
            if settings.consumer_health_port:
                import uvicorn

                config = uvicorn.Config(
                    consumer_health_app(app), host=args.host, port=settings.consumer_health_port, log_config=None, access_log=False, lifespan="off"
                )
                # uvicorn captures SIGINT/SIGTERM while it serves and raises them again once stopped,
                # so the handlers above still end the process.
                health = uvicorn.Server(config)
                health_task = asyncio.create_task(health.serve())
            print(f"consuming for {args.name}; Ctrl-C stops", file=sys.stderr)
            await stop.wait()
            if health is not None:
                health.should_exit = True
                await health_task

    asyncio.run(main())
    return 0


def cmd_lag(args: argparse.Namespace) -> int:
    """Each consumer group's committed offset, the partition's end and the lag between them."""
    import json

    from shared.broker import kafka_reachable, topic_partitions

    settings = get_settings()

    async def main() -> list[dict[str, Any]]:
        from aiokafka import AIOKafkaConsumer, TopicPartition
        from aiokafka.admin import AIOKafkaAdminClient

        if not await kafka_reachable(settings):
            raise SystemExit(f"fupin lag: Kafka at {settings.kafka_bootstrap} does not answer")
        admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap, request_timeout_ms=10000)
        reader = AIOKafkaConsumer(bootstrap_servers=settings.kafka_bootstrap, enable_auto_commit=False, request_timeout_ms=10000)
        await admin.start()
        await reader.start()
        try:
            groups = args.group or sorted(g for g, _ in await admin.list_consumer_groups() if args.all or g.startswith(settings.consumer_group_prefix))
            rows = []
            for group in groups:
                committed = await admin.list_consumer_group_offsets(group)
                topics = sorted({tp.topic for tp in committed})
                partitions = [TopicPartition(t, p) for t, p in await topic_partitions(admin, topics)]
                ends = await reader.end_offsets(partitions) if partitions else {}
                for tp in partitions:
                    offset = committed[tp].offset if tp in committed and committed[tp].offset >= 0 else 0
                    rows.append(
                        {"group": group, "topic": tp.topic, "partition": tp.partition, "committed": offset, "end": ends[tp], "lag": max(0, ends[tp] - offset)}
                    )
            return rows
        finally:
            await reader.stop()
            await admin.close()

    rows = asyncio.run(main())
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    if not rows:
        print(f"no consumer group with committed offsets under the prefix {settings.consumer_group_prefix!r} (--all for every group)")
        return 0
    print(f"{'GROUP':<32} {'TOPIC':<32} {'PART':>4} {'COMMITTED':>10} {'END':>10} {'LAG':>8}")
    totals: dict[str, int] = {}
    for r in rows:
        totals[r["group"]] = totals.get(r["group"], 0) + r["lag"]
        print(f"{r['group']:<32} {r['topic']:<32} {r['partition']:>4} {r['committed']:>10} {r['end']:>10} {r['lag']:>8}")
    for group, lag in totals.items():
        print(f"{group}: {lag} events waiting")
    return 1 if args.fail_over is not None and any(lag > args.fail_over for lag in totals.values()) else 0


def cmd_outbox(args: argparse.Namespace) -> int:
    """Each service's outbox: the last sequence appended, the last published, and what waits between them."""
    import json

    from sqlalchemy import text

    from shared.db import create_engine

    settings = get_settings()

    async def main() -> list[dict[str, Any]]:
        rows = []
        for name in args.services or SERVICES:
            engine = create_engine(settings.database_url(name))
            try:
                async with engine.connect() as conn:
                    found = (
                        await conn.execute(
                            text(
                                "SELECT h.source, h.last_sequence, r.published_sequence, r.published_at "
                                "FROM outbox_head h JOIN outbox_relay r ON r.source = h.source"
                            )
                        )
                    ).all()
                for source, last, published, at in found:
                    rows.append(
                        {"service": name, "source": source, "last_sequence": int(last), "published_sequence": int(published),
                         "waiting": int(last) - int(published), "published_at": str(at) if at else None}
                    )  # fmt: skip
            except Exception as exc:
                from shared.db import database_unavailable

                what = "database unreachable" if database_unavailable(exc) else "cannot read the outbox (not migrated?)"
                rows.append({"service": name, "error": f"{what}: {type(exc).__name__}"})
            finally:
                await engine.dispose()
        return rows

    rows = asyncio.run(main())
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        if settings.mode == "embedded":
            print("embedded mode: the outboxes are the log (nothing is published); 'waiting' is not a backlog here")
        print(f"{'SERVICE':<12} {'APPENDED':>10} {'PUBLISHED':>10} {'WAITING':>8}  LAST PUBLISHED AT")
        for r in rows:
            if "error" in r:
                print(f"{r['service']:<12} {r['error']}")
            else:
                print(f"{r['service']:<12} {r['last_sequence']:>10} {r['published_sequence']:>10} {r['waiting']:>8}  {r['published_at'] or '-'}")
    failed = any("error" in r for r in rows)
    over = args.fail_over is not None and any(r.get("waiting", 0) > args.fail_over for r in rows)
    return 2 if failed else (1 if over else 0)


def cmd_migrate(args: argparse.Namespace) -> int:
    from shared import migrations
    from shared.db import create_engine

    settings = get_settings()

    async def main() -> None:
        for name in args.services or SERVICES:
            engine = create_engine(settings.database_url(name))
            try:
                await migrations.upgrade(engine, _spec(name))
                print(f"migrated {name}", file=sys.stderr)
            finally:
                await engine.dispose()

    asyncio.run(main())
    return 0


def cmd_makemigrations(args: argparse.Namespace) -> int:
    from shared import migrations

    asyncio.run(migrations.make_revision(_spec(args.name), args.message))
    return 0


def cmd_seed(args: argparse.Namespace) -> int:
    from shared.seed import seed

    return asyncio.run(seed(args.url, households_per_village=args.households, villages_per_county=args.villages))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fupin", description="韶关市产业精准扶贫平台 — Fupin command line")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("token", help="mint a development bearer token")
    p.add_argument("--role", required=True, help="city_admin, county_officer, township_officer, village_cadre, entity_operator, trainer, auditor")
    p.add_argument("--scope", help="division code (county 6, township 9, village 12 digits) or entity id")
    p.add_argument("--subject", help="who the token speaks for (default derived from role and scope)")
    p.add_argument("--ttl", type=int, default=8 * 3600, help="seconds until it expires")
    p.set_defaults(func=cmd_token)

    p = sub.add_parser("run", help="serve every service in one process (embedded mode)")
    p.add_argument("--port", type=int)
    p.add_argument("--host", default="127.0.0.1")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("serve-service", help="serve one service (distributed mode)")
    p.add_argument("name", choices=SERVICES)
    p.add_argument("--port", type=int)
    p.add_argument("--host", default="127.0.0.1")
    p.set_defaults(func=cmd_serve_service)

    p = sub.add_parser("consume", help="run a service's event consumers without HTTP")
    p.add_argument("name", choices=SERVICES)
    p.add_argument("--health-port", type=int, help="serve /healthz, /readyz and /metrics here (default FUPIN_CONSUMER_HEALTH_PORT; 0: none)")
    p.add_argument("--instance-id", help="static group membership id, one per process (default FUPIN_CONSUMER_INSTANCE_ID)")
    p.add_argument("--host", default="127.0.0.1")
    p.set_defaults(func=cmd_consume)

    p = sub.add_parser("lag", help="Kafka consumer lag per group and partition (committed offset vs the partition's end)")
    p.add_argument("--group", action="append", help="only this consumer group (repeatable; default: every group under FUPIN_CONSUMER_GROUP_PREFIX)")
    p.add_argument("--all", action="store_true", help="every consumer group of the cluster, whatever its prefix")
    p.add_argument("--json", action="store_true")
    p.add_argument("--fail-over", type=int, metavar="N", help="exit 1 when a group's total lag exceeds N (for scripts and cron)")
    p.set_defaults(func=cmd_lag)

    p = sub.add_parser("outbox", help="each service's outbox backlog: appended, published, waiting")
    p.add_argument("services", nargs="*", help=f"default: all of {', '.join(SERVICES)}")
    p.add_argument("--json", action="store_true")
    p.add_argument("--fail-over", type=int, metavar="N", help="exit 1 when a backlog exceeds N events")
    p.set_defaults(func=cmd_outbox)

    p = sub.add_parser("migrate", help="bring service databases to the latest migration")
    p.add_argument("services", nargs="*", help=f"default: all of {', '.join(SERVICES)}")
    p.set_defaults(func=cmd_migrate)

    p = sub.add_parser("makemigrations", help="autogenerate a service's next migration")
    p.add_argument("name", choices=SERVICES)
    p.add_argument("-m", "--message", required=True)
    p.set_defaults(func=cmd_makemigrations)

    p = sub.add_parser("seed", help="load demo data (Shaoguan's counties, villages, households) through the HTTP API")
    p.add_argument("--url", default=f"http://127.0.0.1:{os.environ.get('PORT', '8000')}")
    p.add_argument("--villages", type=int, default=3, help="villages per county")
    p.add_argument("--households", type=int, default=10, help="households per village")
    p.set_defaults(func=cmd_seed)

    # Services contribute their own commands (e.g. the ledger's `audit`).
    for name in SERVICES:
        try:
            module = importlib.import_module(f"services.{name}.cli")
        except ModuleNotFoundError as exc:
            if exc.name != f"services.{name}.cli":
                raise
            continue
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
