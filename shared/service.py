"""Building a service's ASGI app: one transaction per request, outbox before commit, idempotent writes.

``build_app([spec, ...])`` serves one service (distributed mode) or all five under their
prefixes (embedded mode) from the same code.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated, Any, cast

from cryptography.exceptions import InvalidTag
from fastapi import APIRouter, Depends, FastAPI, Header, Request
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from pydantic import BaseModel
from sqlalchemy import CursorResult, MetaData, Table, delete, insert, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.admission import AdmissionMiddleware
from shared.auth import Principal, authenticate
from shared.bus import Freshness, KafkaRelay, KafkaSubscriber, LogSource, OutboxSubscriber, Signal, Subscription, kafka_reachable, maybe_locked
from shared.console import install_console
from shared.db import create_engine, is_sqlite, utcnow
from shared.http import install_http
from shared.ids import new_id
from shared.labels import install_labels
from shared.logging import request_id_var
from shared.metrics import HTTP_LATENCY, HTTP_REQUESTS, POOLS, exposition
from shared.openapi import install_openapi
from shared.outbox import PRINCIPAL_KEY, append_pending, ensure_head
from shared.pii import PiiVault
from shared.problems import Conflict, InvalidInput, PayloadTooLarge, Problem, idempotency_key_required, install_problem_handlers
from shared.settings import FupinSettings, get_settings
from shared.tracing import configure_tracing, request_span

log = logging.getLogger("fupin.http")

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass
class ServiceSpec:
    """What a service brings to an app: its routes, its tables and migrations, what it listens to."""

    name: str
    routers: Sequence[APIRouter]
    metadata: MetaData
    migrations: Path
    subscriptions: Sequence[Subscription] = ()
    on_startup: Callable[[ServiceContext], Awaitable[None]] | None = None
    description: str = ""


@dataclass
class ServiceContext:
    spec: ServiceSpec
    settings: FupinSettings
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    signal: Signal
    vault: PiiVault
    write_lock: asyncio.Lock | None
    # Admission control for write requests: SQLite's single writer, or a few concurrent
    # transactions on PostgreSQL (they all meet on the outbox head lock; more only queue there,
    # holding connections, and the lock holder's next statement waits behind them).
    write_gate: asyncio.Semaphore | asyncio.Lock | None = None
    extras: dict[str, Any] = field(default_factory=dict)
    # When (time.monotonic()) the next keyed write also deletes a batch of expired idempotency records.
    idempotency_purge_due: float = 0.0

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def idempotency_ttl(self) -> timedelta:
        return timedelta(hours=self.settings.idempotency_ttl_hours)

    async def commit(self, session: AsyncSession) -> list[dict[str, Any]]:
        """Append the session's events to the outbox and commit both; then wake the relay."""
        envelopes = await append_pending(session, self.spec.metadata, self.name)
        await session.commit()
        if envelopes:
            self.signal.notify()
            log.info(
                "events recorded",
                extra={
                    "service": self.name,
                    "event_ids": [e["id"] for e in envelopes[:50]],
                    "event_types": sorted({e["type"] for e in envelopes}),
                    "count": len(envelopes),
                    "through_sequence": envelopes[-1]["sequence"],
                },
            )
        return envelopes

    @asynccontextmanager
    async def write_session(self, principal: Principal | None = None) -> AsyncIterator[AsyncSession]:
        """A unit of work outside HTTP (imports, seeds, consumers): events and state commit together."""
        async with maybe_locked(self.write_lock), self.sessionmaker() as session:
            if principal is not None:
                session.info[PRINCIPAL_KEY] = principal
            yield session
            await self.commit(session)


# Dependencies are coroutines on purpose: FastAPI runs plain functions in a thread pool.
async def context_of(request: Request) -> ServiceContext:
    ctx: ServiceContext = request.state.ctx
    return ctx


async def session_of(request: Request) -> AsyncSession:
    session: AsyncSession = request.state.session
    return session


ContextDep = Annotated[ServiceContext, Depends(context_of)]
SessionDep = Annotated[AsyncSession, Depends(session_of)]


# ---- writes that create money facts ----------------------------------------------------------


async def _require_idempotency_key(
    idempotency_key: Annotated[
        str,
        Header(
            alias="Idempotency-Key",
            max_length=200,
            description="required: a retry with the same key answers the first response and never counts twice",
        ),
    ],
) -> None:
    # Declared required so the OpenAPI says so; a missing header is answered 428 by the validation
    # handler (shared/problems.py), an empty one here.
    if not idempotency_key:
        raise idempotency_key_required()


# ``@router.post(..., dependencies=[IdempotencyKeyRequired])`` on every write that creates money facts
# (wages, payments, distributions, subsidies, rent, loan returns): a 428 problem without the header.
IdempotencyKeyRequired = Depends(_require_idempotency_key)
_IDEMPOTENCY_KEY_RESPONSES: dict[int | str, dict[str, Any]] = {
    428: {"description": "no `Idempotency-Key` header: a money write must carry one", "content": {"application/problem+json": {}}}
}


# ---- idempotency records ---------------------------------------------------------------------
# A record is found by a keyed digest of (subject, method, path, key); it holds a keyed digest of the
# canonical request and the response sealed with the PII vault; it is answered for
# ``idempotency_ttl_hours`` and then ignored and purged. See docs/bounds.md.

PURGE_INTERVAL_SECONDS = 300.0
PURGE_BATCH = 500


def idempotency_record_id(vault: PiiVault, subject: str, method: str, path: str, key: str) -> str:
    return vault.digest(b"record\n" + "\n".join((subject, method, path, key)).encode())


def canonical_request(method: str, path: str, query: Sequence[tuple[str, str]], content_type: str, body: bytes) -> bytes:
    """The request as compared for a replay: a JSON body with sorted keys (so key order does not matter), else its bytes."""
    parts = [method.encode(), path.encode(), json.dumps(sorted(query), ensure_ascii=False).encode()]
    media = content_type.split(";", 1)[0].strip().lower()
    if body and (media == "application/json" or media.endswith("+json")):
        try:
            parts += [b"json", json.dumps(json.loads(body), sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()]
        except ValueError:
            parts += [b"raw", body]
    else:
        parts += [b"raw", body]
    return b"\n".join(parts)


def request_digest(vault: PiiVault, request: Request, body: bytes) -> str:
    canonical = canonical_request(request.method, request.url.path, request.query_params.multi_items(), request.headers.get("content-type", ""), body)
    return vault.digest(b"request\n" + canonical)


async def purge_expired_idempotency_records(session: AsyncSession, table: Table, *, before: datetime, limit: int = PURGE_BATCH) -> int:
    """Delete at most ``limit`` records created before ``before``; the number deleted."""
    # SKIP LOCKED (PostgreSQL; SQLite has one writer): two processes purging at once never wait on each other.
    stale = select(table.c.id).where(table.c.created_at < before).limit(limit).with_for_update(skip_locked=True).scalar_subquery()
    result = await session.execute(delete(table).where(table.c.id.in_(stale)))
    return int(cast("CursorResult[Any]", result).rowcount or 0)


class TransactionalRoute(APIRoute):
    """Every request runs in one transaction; a 2xx/3xx write commits state, events and idempotency record together."""

    service: str = ""
    public: bool = False

    def __init__(self, path: str, endpoint: Callable[..., Any], *, max_body_size: int | None = None, **kwargs: Any) -> None:
        # A route's ``max_body_size`` is enforced here, not by the framework's limiter, so that a refusal
        # is our problem document (the framework's answers ``text/plain`` when Content-Length is too large).
        self.body_limit = max_body_size
        if any(dep is IdempotencyKeyRequired for dep in kwargs.get("dependencies") or ()):
            kwargs["responses"] = {**_IDEMPOTENCY_KEY_RESPONSES, **(kwargs.get("responses") or {})}
        super().__init__(path, endpoint, **kwargs)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        original = super().get_route_handler()
        service = self.service
        public = self.public
        declared_query = declared_query_parameters(self)
        route_body_limit = self.body_limit

        async def handler(request: Request) -> Response:
            try:
                return await serve(request)
            except (OverflowError, DBAPIError, StarletteHTTPException) as exc:
                problem = out_of_range_problem(exc, *await _request_inputs(request))
                if problem is None:
                    raise
                raise problem from exc

        async def serve(request: Request) -> Response:
            ctx: ServiceContext = request.app.state.contexts[service]
            request.state.ctx = ctx
            write = request.method in WRITE_METHODS
            await read_bounded_body(request, route_body_limit or ctx.settings.max_body_bytes, read=write)
            principal: Principal | None = None
            if not public and "authorization" in request.headers:
                principal = await authenticate(request, _credentials(request))
            # Anonymous calls to a protected route are refused by its dependency (401) first.
            if public or principal is not None:
                refuse_unknown_query_parameters(request, declared_query)
            # Public routes (partner webhooks) deduplicate by their own message ids.
            key = request.headers.get("idempotency-key") if write and not public else None
            idem_id: str | None = None
            body_hash = ""  # set with idem_id
            if key:
                if len(key) > 200:
                    raise Problem("Idempotency-Key 过长", detail_en="Idempotency-Key longer than 200 characters", field="Idempotency-Key")
                subject = principal.subject if principal else "anonymous"
                idem_id = idempotency_record_id(ctx.vault, subject, request.method, request.url.path, key)
                body_hash = request_digest(ctx.vault, request, await request.body())
            async with maybe_locked(ctx.write_gate if write else None), ctx.sessionmaker() as session:
                request.state.session = session
                if principal is not None:
                    session.info[PRINCIPAL_KEY] = principal
                if idem_id:
                    replay = await _replay(session, ctx, idem_id, body_hash)
                    if replay is not None:
                        return replay
                response = await original(request)
                if not write:
                    return response
                if response.status_code >= 400:
                    await session.rollback()
                    return response
                if idem_id:
                    table = ctx.spec.metadata.tables["idempotency_record"]
                    now = utcnow()
                    await session.execute(
                        insert(table).values(
                            id=idem_id,
                            request_hash=body_hash,
                            status_code=response.status_code,
                            content_type=response.headers.get("content-type"),
                            location=response.headers.get("location"),
                            # Responses may show full identity and phone numbers (to roles that see them).
                            body=ctx.vault.seal(bytes(response.body), context=idem_id.encode()),
                            created_at=now,
                        )
                    )
                    if time.monotonic() >= ctx.idempotency_purge_due:
                        ctx.idempotency_purge_due = time.monotonic() + PURGE_INTERVAL_SECONDS
                        await purge_expired_idempotency_records(session, table, before=now - ctx.idempotency_ttl)
                try:
                    await ctx.commit(session)
                except IntegrityError:
                    if not idem_id:
                        raise
                    # The same key raced us and won; answer what it answered.
                    await session.rollback()
                    replay = await _replay(session, ctx, idem_id, body_hash)
                    if replay is None:
                        raise
                    return replay
                return response

        return handler


# ---- integers the database cannot hold ----------------------------------------------------------

_INT64 = range(-(2**63), 2**63)
# asyncpg, binding a Python int to an integer column: "invalid input for query argument $2: 1180… (value out of int64 range)"
_ASYNCPG_RANGE = re.compile(r"query argument \$\d+: (-?\d+) \(value out of int(?:16|32|64) range\)")
# A JSON number Python refuses to convert (more than 4300 digits), and the name it was given.
_HUGE_JSON_INT = re.compile(rb'"([^"\\]{1,100})"\s*:\s*-?\d{4000,}')


def _out_of_range(exc: BaseException) -> tuple[bool, int | None]:
    """Whether ``exc`` says a number was beyond what the database (or the JSON parser) holds, and which, if it says."""
    if isinstance(exc, OverflowError):  # SQLite binding: "Python int too large to convert to SQLite INTEGER"
        return True, None
    if isinstance(exc, DBAPIError):
        orig = exc.orig
        if isinstance(orig, OverflowError):
            return True, None
        message = str(orig)
        if (match := _ASYNCPG_RANGE.search(message)) is not None:
            return True, int(match.group(1))
        sqlstate = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
        # 22003 numeric_value_out_of_range (PostgreSQL, e.g. a bigint sum); SQLite's SUM() past 64 bits.
        return sqlstate == "22003" or message == "integer overflow", None
    if isinstance(exc, StarletteHTTPException) and exc.status_code == 400:
        cause = exc.__cause__
        return isinstance(cause, ValueError) and "integer string conversion" in str(cause), None
    return False, None


def _integers(value: Any, path: str = "") -> Iterator[tuple[str, int]]:
    if type(value) is int:
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _integers(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _integers(item, f"{path}[{index}]")


def out_of_range_problem(exc: BaseException, inputs: Any, raw_body: bytes = b"") -> InvalidInput | None:
    """A 422 for a number the database cannot hold, naming the input that carried it when it can; else None.

    ``inputs`` is the request's parameters and JSON body as one object (``{name: value}``); the
    field is the one holding the value the driver names, or else the first integer beyond 64 bits.
    """
    out_of_range, value = _out_of_range(exc)
    if not out_of_range:
        return None
    field = None
    if isinstance(exc, StarletteHTTPException):  # the body did not parse: find the number's name in the raw text
        match = _HUGE_JSON_INT.search(raw_body)
        field = match.group(1).decode("utf-8", "replace") if match else None
    else:
        for path, number in _integers(inputs):
            if (number == value) if value is not None else (number not in _INT64):
                field = path
                break
    return InvalidInput(
        f"数值超出允许范围：{field}" if field else "数值超出允许范围",
        detail_en=f"{field} is out of the range the platform stores" if field else "a number is out of the range the platform stores",
        code="value_out_of_range",
        field=field,
    )


async def _request_inputs(request: Request) -> tuple[dict[str, Any], bytes]:
    """Path and query parameters and the JSON body as one object, and the raw body, to find an offending number in."""
    # Path and query parameters are text on the wire; those that are whole numbers may be what overflowed.
    params = {**request.path_params, **dict(request.query_params.multi_items())}
    inputs: dict[str, Any] = {
        name: int(value) if isinstance(value, str) and value.lstrip("-").isdigit() and len(value) < 4000 else value for name, value in params.items()
    }
    body = await request.body() if request.method in WRITE_METHODS else b""
    try:
        parsed = json.loads(body) if body else None
    except ValueError:
        parsed = None
    if isinstance(parsed, dict):
        inputs.update(parsed)
    return inputs, body


# ---- body size -------------------------------------------------------------------------------

BODY_LIMIT_KEY = "fupin.body_limit"


class _BodyAllowance:
    """The limit of the request in flight; the route sets its own before the body is read."""

    __slots__ = ("limit",)

    def __init__(self, limit: int) -> None:
        self.limit = limit


def body_too_large(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(f"请求体超过 {limit} 字节", detail_en=f"request body larger than {limit} bytes", limit_bytes=limit)


class BodyLimitMiddleware:
    """Counts request body bytes as they arrive and refuses (413) past the limit, so no body is held whole beyond it."""

    def __init__(self, app: ASGIApp, default_limit: int) -> None:
        self.app = app
        self.default_limit = default_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        allowance = _BodyAllowance(self.default_limit)
        scope[BODY_LIMIT_KEY] = allowance
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > allowance.limit:
                    raise body_too_large(allowance.limit)
            return message

        await self.app(scope, limited_receive, send)


async def read_bounded_body(request: Request, limit: int, *, read: bool) -> None:
    """413 before reading when Content-Length exceeds ``limit``; for writes, read (and cache) the body within it.

    Reading here, before the transaction, keeps a slow or oversized upload out of the write gate, and
    lets the refusal surface as our problem rather than as the framework's "error parsing the body".
    """
    allowance = request.scope.get(BODY_LIMIT_KEY)
    if isinstance(allowance, _BodyAllowance):
        allowance.limit = limit
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise body_too_large(limit)
    if read:
        await request.body()


def declared_query_parameters(route: APIRoute) -> frozenset[str]:
    """Every query parameter the route reads: its own, its dependencies' (``page_params``) and its router's."""
    names: set[str] = set()
    stack = [route.dependant]
    while stack:
        dependant = stack.pop()
        for param in dependant.query_params:
            model = param.field_info.annotation
            if isinstance(model, type) and issubclass(model, BaseModel):  # a query-parameter model
                names.update(f.alias or name for name, f in model.model_fields.items())
            else:
                names.add(param.alias)
        stack.extend(dependant.dependencies)
    return frozenset(names)


def refuse_unknown_query_parameters(request: Request, declared: frozenset[str]) -> None:
    """A misspelt filter must not silently return everything: an undeclared query parameter is a 422 naming it."""
    unknown = [name for name in dict.fromkeys(request.query_params.keys()) if name not in declared]
    if unknown:
        raise InvalidInput(
            f"未知的查询参数 {unknown[0]}",
            detail_en=f"unknown query parameter {unknown[0]}",
            code="unknown_query_parameter",
            field=unknown[0],
            errors=[{"field": name, "message": "unknown query parameter", "type": "extra_forbidden"} for name in unknown],
        )


def _credentials(request: Request) -> Any:
    from fastapi.security import HTTPAuthorizationCredentials

    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if not token:
        return None
    return HTTPAuthorizationCredentials(scheme=scheme, credentials=token.strip())


async def _replay(session: AsyncSession, ctx: ServiceContext, idem_id: str, body_hash: str) -> Response | None:
    """The first response to this key, or None when there is none (or only an expired one, which goes)."""
    table = ctx.spec.metadata.tables["idempotency_record"]
    row = (await session.execute(select(table).where(table.c.id == idem_id))).first()
    if row is None:
        return None
    body = None
    if row.created_at >= utcnow() - ctx.idempotency_ttl:
        try:
            body = ctx.vault.unseal(row.body, context=idem_id.encode())
        except InvalidTag:  # written before records were sealed, or under another PII key
            pass
    if body is None:
        # Expired or unreadable: forget it; this request counts as new.
        await session.execute(delete(table).where(table.c.id == idem_id))
        return None
    if row.request_hash != body_hash:
        raise Conflict(
            "同一 Idempotency-Key 已用于不同的请求内容",
            detail_en="this Idempotency-Key was used with a different request body",
            code="idempotency_key_reused",
            field="Idempotency-Key",
        )
    headers = {"Idempotent-Replayed": "true"}
    if row.location:
        headers["Location"] = row.location
    return Response(content=body, status_code=row.status_code, media_type=row.content_type, headers=headers)


def service_router(service: str, *, public: bool = False, **kwargs: Any) -> APIRouter:
    """Router for ``/<service>/v1``: transactional, and authenticated unless ``public`` (webhooks)."""
    route_class = type(f"{service.title()}Route", (TransactionalRoute,), {"service": service, "public": public})
    dependencies = list(kwargs.pop("dependencies", []))
    if not public:
        dependencies.append(Depends(authenticate))
    return APIRouter(prefix=f"/{service}/v1", route_class=route_class, dependencies=dependencies, **kwargs)


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
                    write_gate=write_lock or asyncio.Semaphore(settings.max_concurrent_writes),
                )
            app.state.contexts = contexts
            app.state.relays = []
            app.state.subscribers = []
            app.state.freshness = {}
            for ctx in contexts.values():
                if ctx.spec.on_startup:
                    await ctx.spec.on_startup(ctx)
            await _start_bus(app, settings, contexts, tasks)
            yield
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
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
