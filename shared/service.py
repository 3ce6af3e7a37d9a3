"""Building a service's ASGI app: one transaction per request, outbox before commit, idempotent writes.

``build_app([spec, ...])`` serves one service (distributed mode) or all five under their
prefixes (embedded mode) from the same code.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import text
from sqlalchemy.ext.asyncio import async_sessionmaker
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.admission import AdmissionMiddleware, WriteGate
from shared.broker import kafka_reachable, stop_tasks
from shared.bus import LogSource, OutboxSubscriber, Signal
from shared.console import install_console

# What services, the program and tests import from here, defined in the modules below ``build_app``.
from shared.context import ContextDep as ContextDep
from shared.context import ServiceContext as ServiceContext
from shared.context import ServiceSpec as ServiceSpec
from shared.context import SessionDep as SessionDep
from shared.db import create_engine, is_sqlite
from shared.freshness import Freshness
from shared.http import install_http
from shared.ids import new_id
from shared.kafka import KafkaRelay, KafkaSubscriber
from shared.labels import install_labels
from shared.logging import request_id_var
from shared.metrics import HTTP_LATENCY, HTTP_REQUESTS, POOLS, exposition
from shared.openapi import install_openapi
from shared.outbox import ensure_head
from shared.pii import PiiVault
from shared.problems import install_problem_handlers
from shared.routing import BodyLimitMiddleware as BodyLimitMiddleware
from shared.routing import IdempotencyKeyRequired as IdempotencyKeyRequired
from shared.routing import TransactionalRoute as TransactionalRoute
from shared.routing import idempotency_record_id as idempotency_record_id
from shared.routing import out_of_range_problem as out_of_range_problem
from shared.routing import purge_expired_idempotency_records as purge_expired_idempotency_records
from shared.routing import service_router as service_router
from shared.settings import FupinSettings, get_settings
from shared.tracing import configure_tracing, request_span

log = logging.getLogger("fupin.http")


class RequestContextMiddleware:
    """Request ids in responses and logs; one structured access line, a server span and metrics per request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = None
        for name, value in scope.get("headers", []):
            if name == b"x-request-id":
                request_id = value.decode("latin-1")[:100]
                break
        request_id = request_id or new_id()
        token = request_id_var.set(request_id)
        scope.setdefault("state", {})["request_id"] = request_id
        status = 500
        started = time.perf_counter()
        path = scope.get("path", "")
        method = scope.get("method", "")

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                # Exactly one: a problem document may already carry it (shared.problems.problem_response).
                message["headers"] = [h for h in message["headers"] if h[0].lower() != b"x-request-id"] + [(b"x-request-id", request_id.encode())]
            await send(message)

        try:
            with request_span(f"{method} {path}", scope.get("headers", []), **{"http.request.method": method}):
                await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            service = template.strip("/").split("/", 1)[0] or "-"
            HTTP_REQUESTS.labels(service, method, template, str(status)).inc()
            HTTP_LATENCY.labels(service, method, template).observe(elapsed)
            if path not in _QUIET_PATHS:
                log.info(
                    "request",
                    extra={"method": method, "path": path, "route": template, "status": status, "duration_ms": round(elapsed * 1000, 2)},
                )
            request_id_var.reset(token)


_QUIET_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})


def freeze_startup_heap() -> None:
    """Move what start-up left alive (modules, models, routes, the OpenAPI, caches: ~180,000 objects)
    out of the cyclic collector's sight, so a full collection walks only what requests made.

    Without it every full (generation 2) collection walked the whole start-up heap: ~100 ms paused
    the event loop, once in every ~15 county indicator reads, and every request in flight then
    waited for it (issue 17's p99). The shutdown unfreezes, so a process that starts apps again
    (the tests) collects their garbage as before.
    """
    gc.collect()
    gc.freeze()


def build_app(specs: Sequence[ServiceSpec], settings: FupinSettings | None = None, *, title: str = "Fupin") -> FastAPI:
    settings = settings or get_settings()
    tasks: list[asyncio.Task[None]] = []

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        contexts: dict[str, ServiceContext] = {}
        vault = PiiVault(settings.pii_key)
        try:
            for spec in specs:
                engine = create_engine(settings.database_url(spec.name))
                POOLS.track(spec.name, engine)
                if settings.migrate_on_start:
                    # Imported here: Alembic costs a restarted consumer (migrate_on_start off) ~0.3 s of start-up.
                    from shared import migrations

                    await migrations.upgrade(engine, spec)
                async with engine.begin() as conn:
                    await ensure_head(conn, spec.metadata, spec.name)
                write_lock = asyncio.Lock() if is_sqlite(engine) else None
                contexts[spec.name] = ServiceContext(
                    spec=spec,
                    settings=settings,
                    engine=engine,
                    sessionmaker=async_sessionmaker(engine, expire_on_commit=False),
                    signal=Signal(),
                    vault=vault,
                    write_lock=write_lock,
                    write_gate=write_lock or WriteGate(spec.name, concurrent=settings.max_concurrent_writes, queued=settings.max_queued_writes),
                )
            app.state.contexts = contexts
            app.state.relays = []
            app.state.subscribers = []
            app.state.freshness = {}
            for ctx in contexts.values():
                if ctx.spec.on_startup:
                    await ctx.spec.on_startup(ctx)
            await _start_bus(app, settings, contexts, tasks)
            freeze_startup_heap()
            yield
        finally:
            gc.unfreeze()
            await stop_tasks(tasks)
            tasks.clear()
            for ctx in contexts.values():
                for extra in ctx.extras.values():
                    if hasattr(extra, "dispose"):
                        await extra.dispose()
                await ctx.engine.dispose()

    app = FastAPI(
        title=title,
        version="1.0.0",
        lifespan=lifespan,
        # FastAPI's own OpenTelemetry instrumentation would add a server span, an operation span per
        # dependency and endpoint, and metrics to every request (about a fifth of a signed webhook's
        # CPU, issue 19); RequestContextMiddleware already makes the one server span whose trace the
        # events carry, and the Prometheus metrics are ours.
        telemetry={"tracing": False, "metrics": False, "logs": False},
        description="韶关市产业精准扶贫平台 — Shaoguan industry-based precision poverty alleviation. "
        "Errors are RFC 9457 problem details; money is integer fen; lists page with cursors; "
        "writes accept an `Idempotency-Key`.",
    )
    app.state.settings = settings
    app.state.specs = list(specs)
    install_problem_handlers(app)
    install_openapi(app)  # after the problem handlers: it rewrites the document they describe
    install_labels(app)  # after install_openapi: it labels the enums of the described document
    install_http(app, settings=settings)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["*"],
            allow_headers=["*"],
            expose_headers=["X-Request-ID", "Location", "Idempotent-Replayed", "ETag"],
        )
    app.add_middleware(BodyLimitMiddleware, default_limit=settings.max_body_bytes)
    # Inside the request context (ids, access log, metrics), outside everything that reads the body.
    app.add_middleware(AdmissionMiddleware, max_in_flight=settings.max_in_flight)
    app.add_middleware(FreshnessHeaders)
    app.add_middleware(RequestContextMiddleware)
    configure_tracing(settings.trace_exporter)

    @app.get("/healthz", tags=["health"], summary="Alive")
    async def healthz() -> dict[str, str]:
        return {"status": "alive"}

    @app.get("/readyz", tags=["health"], summary="Ready to serve its own requests; what is degraded, how fresh its projections are")
    async def readyz(request: Request) -> JSONResponse:
        return await readiness(request.app, settings)

    @app.get("/metrics", tags=["health"], summary="Prometheus metrics of this process", include_in_schema=False)
    async def metrics() -> Response:
        body, content_type = exposition()
        return Response(body, media_type=content_type)

    from shared.changes import changes_router  # imports this module's service_router

    for spec in specs:
        for router in spec.routers:
            app.include_router(router)
        app.include_router(changes_router(spec.name))
    install_console(app, settings)  # last: its fallback answers only what no API route does
    return app


async def readiness(app: FastAPI, settings: FupinSettings) -> JSONResponse:
    """503 only when this process cannot answer its own requests (a database is unreachable).

    A lost broker degrades a service but does not stop it: writes wait in the outbox, reads come
    from its own database. Projections report their freshness (``stale`` past
    ``FUPIN_LEDGER_STALE_SECONDS``) and a stale one is listed under ``degraded``.
    """
    checks: dict[str, str] = {}
    degraded: list[str] = []
    contexts: dict[str, ServiceContext] = getattr(app.state, "contexts", {})
    for name, ctx in contexts.items():
        try:
            async with ctx.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
            checks[f"{name}.database"] = "ok"
        except Exception as exc:
            checks[f"{name}.database"] = f"unreachable: {type(exc).__name__}"
    if settings.mode == "distributed":
        checks["event_bus"] = "ok" if await kafka_reachable(settings) else "unreachable"
        if checks["event_bus"] != "ok":
            degraded.append("event_bus")
    else:
        checks["event_bus"] = "ok (embedded log)"
    freshness = {name: f.as_dict() for name, f in getattr(app.state, "freshness", {}).items()}
    for name, f in freshness.items():
        if f["stale"] is True:
            degraded.append(f"{name}.freshness")
    ready = bool(contexts) and all(v.startswith("ok") for k, v in checks.items() if k.endswith(".database"))
    body: dict[str, Any] = {"status": "ready" if ready else "not_ready", "checks": checks, "degraded": degraded}
    if freshness:
        body["freshness"] = freshness
    return JSONResponse(body, status_code=200 if ready else 503)


class FreshnessHeaders:
    """A service's answers say how fresh its projections are: ``X-Fupin-Lag-Events``, ``X-Fupin-Stale``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        service = scope.get("path", "").strip("/").split("/", 1)[0]
        app = scope.get("app")
        state = app.state if app is not None else None
        freshness = getattr(state, "freshness", {}).get(service) if state is not None else None
        if freshness is None:
            await self.app(scope, receive, send)
            return

        async def send_with_freshness(message: Message) -> None:
            if message["type"] == "http.response.start":
                stale = freshness.stale
                message["headers"] = list(message.get("headers", [])) + [
                    (b"x-fupin-lag-events", b"unknown" if freshness.lag is None else str(freshness.lag).encode()),
                    (b"x-fupin-stale", b"unknown" if stale is None else (b"true" if stale else b"false")),
                ]
            await send(message)

        await self.app(scope, receive, send_with_freshness)


async def _start_bus(app: FastAPI, settings: FupinSettings, contexts: dict[str, ServiceContext], tasks: list[asyncio.Task[None]]) -> None:
    if settings.mode == "embedded":
        if not settings.run_consumers:
            return
        sources: dict[str, LogSource] = {name: LogSource(name, ctx.engine, ctx.spec.metadata, ctx.signal) for name, ctx in contexts.items()}
        for ctx in contexts.values():
            for sub in ctx.spec.subscriptions:
                for source in sub.sources:
                    if source not in sources:
                        # A source served by another process: read its SQLite log by path, polling.
                        from shared.db import make_base

                        sources[source] = LogSource(source, create_engine(settings.database_url(source)), make_base(source).metadata, Signal())
                subscriber = OutboxSubscriber(sub, ctx.sessionmaker, ctx.spec.metadata, sources, settings, ctx.write_lock)
                app.state.subscribers.append(subscriber)
                tasks.append(asyncio.create_task(subscriber.run(), name=f"subscriber:{sub.consumer}"))
                _watch_freshness(app, Freshness(sub, settings, ctx.sessionmaker, ctx.spec.metadata, sources), tasks)
        return
    for ctx in contexts.values():
        relay = KafkaRelay(ctx.name, ctx.engine, ctx.spec.metadata, settings, ctx.signal)
        app.state.relays.append(relay)
        tasks.append(asyncio.create_task(relay.run(), name=f"relay:{ctx.name}"))
    for ctx in contexts.values():
        for sub in ctx.spec.subscriptions:
            if settings.run_consumers:
                consumer = KafkaSubscriber(sub, ctx.sessionmaker, ctx.spec.metadata, settings)
                app.state.subscribers.append(consumer)
                tasks.append(asyncio.create_task(consumer.run(), name=f"subscriber:{sub.consumer}"))
            if settings.serves_http:
                _watch_freshness(app, Freshness(sub, settings, ctx.sessionmaker, ctx.spec.metadata), tasks)


def _watch_freshness(app: FastAPI, freshness: Freshness, tasks: list[asyncio.Task[None]]) -> None:
    app.state.freshness[freshness.metadata.info["service"]] = freshness
    tasks.append(asyncio.create_task(freshness.run(), name=f"freshness:{freshness.consumer}"))
