"""A service's routes: one transaction per request (``TransactionalRoute``), outbox before commit, idempotent
writes (``IdempotencyKeyRequired`` and the records that replay a retried write), bounded bodies and query strings,
and ``service_router``, the router every service's ``api.py`` makes."""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable, Coroutine, Iterator, Sequence
from contextlib import nullcontext
from datetime import datetime
from typing import Annotated, Any, cast

from cryptography.exceptions import InvalidTag
from fastapi import APIRouter, Depends, Header, Request
from fastapi.responses import Response
from fastapi.routing import APIRoute
from pydantic import BaseModel
from sqlalchemy import CursorResult, Table, delete, insert, select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.auth import Principal, authenticate
from shared.context import ServiceContext
from shared.db import utcnow
from shared.outbox import PRINCIPAL_KEY
from shared.pii import PiiVault
from shared.problems import Conflict, InvalidInput, PayloadTooLarge, Problem, idempotency_key_required

log = logging.getLogger("fupin.http")

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

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
            # A write waits for a transaction slot (SQLite's one writer, or shared.admission.WriteGate), or is refused 503 at once.
            gate = ctx.write_gate if write and ctx.write_gate is not None else nullcontext()
            async with gate, ctx.sessionmaker() as session:
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
