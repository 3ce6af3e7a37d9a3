"""``fupin``: the command line of the platform (run, serve, consume, migrate, token, seed, audit …)."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import os
import signal
import sys
from typing import Any

from shared.settings import SERVICE_PORTS, SERVICES, FupinSettings, get_settings


def _spec(name: str) -> Any:
    from services.embedded import service_spec

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
    return _serve("services.embedded:create_app", port, args.host)


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
                health = uvicorn.Server(config)
                health.install_signal_handlers = lambda: None  # type: ignore[method-assign]  # ours stop the process
                health_task = asyncio.create_task(health.serve())
            print(f"consuming for {args.name}; Ctrl-C stops", file=sys.stderr)
            await stop.wait()
            if health is not None:
                health.should_exit = True
                await health_task

    asyncio.run(main())
    return 0


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
