"""The HTTP edge of the project's errors: each ``shared.errors.Problem`` becomes an RFC 9457 problem document.

Each problem has a stable machine ``code``, a title in Chinese (the default) and English, chosen by
``Accept-Language``, and where it applies the offending ``field`` and the policy ``rule`` broken.
The exceptions themselves live in ``shared.errors`` (no web framework, so domain code can raise them);
they are re-exported here for routers and services.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from shared.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    PayloadTooLarge,
    PreconditionRequired,
    Problem,
    RuleViolation,
    Unauthorized,
    Unavailable,
    idempotency_key_required,
    if_match_required,
    problem_type,
)

__all__ = [
    "PROBLEM_JSON",
    "PROBLEM_SCHEMA",
    "Conflict",
    "Forbidden",
    "InvalidInput",
    "NotFound",
    "PayloadTooLarge",
    "PreconditionRequired",
    "Problem",
    "RuleViolation",
    "Unauthorized",
    "Unavailable",
    "document_problems",
    "field_path",
    "idempotency_key_required",
    "install_problem_handlers",
    "preferred_language",
    "problem_response",
    "problem_type",
]

log = logging.getLogger("fupin.problems")

PROBLEM_JSON = "application/problem+json"


def preferred_language(request: Request) -> str:
    from shared.language import negotiate_language

    return negotiate_language(request.headers.get("accept-language"))


def problem_response(request: Request, problem: Problem) -> JSONResponse:
    body = problem.body(preferred_language(request), instance=request.url.path)
    headers = dict(problem.headers)
    request_id = getattr(request.state, "request_id", None)
    if request_id:
        headers["X-Request-ID"] = request_id
    return JSONResponse(body, status_code=problem.status, headers=headers, media_type=PROBLEM_JSON)


def field_path(loc: tuple[Any, ...] | list[Any]) -> str:
    """Render a pydantic location as the JSON path a front-end developer would write: ``members[0].id_number``."""
    parts = list(loc)
    if parts and parts[0] in ("body", "query", "path", "header"):
        parts = parts[1:]
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or str(loc[0] if loc else "")


async def _problem_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, Problem)
    return problem_response(request, exc)


async def _validation_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = []
    for err in exc.errors():
        msg = str(err.get("msg", ""))
        entry: dict[str, Any] = {"field": field_path(err.get("loc", ())), "message": msg, "type": err.get("type")}
        ctx = err.get("ctx") or {}
        if isinstance(ctx.get("rule"), str):
            entry["rule"] = ctx["rule"]
        errors.append(entry)
    if any(err.get("type") == "missing" and tuple(err.get("loc", ())) == ("header", "Idempotency-Key") for err in exc.errors()):
        return problem_response(request, idempotency_key_required())
    if any(err.get("type") == "missing" and tuple(err.get("loc", ())) == ("header", "If-Match") for err in exc.errors()):
        return problem_response(request, if_match_required())
    first = errors[0] if errors else {"field": None, "message": "invalid"}
    problem = InvalidInput(
        f"字段 {first['field']} 不合法：{first['message']}",
        detail_en=f"Field {first['field']} is invalid: {first['message']}",
        field=first["field"],
        rule=first.get("rule"),
        errors=errors,
    )
    return problem_response(request, problem)


_STATUS_PROBLEMS = {
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    413: PayloadTooLarge,
}


def _allowed_methods(request: Request) -> list[str]:
    """The methods some route answers on this path: the framework's `Allow` names only the first route's."""
    from starlette.routing import Match

    routes = request.app.router.routes
    return [
        method
        for method in ("GET", "POST", "PUT", "PATCH", "DELETE")
        if any(route.matches({**request.scope, "method": method})[0] == Match.FULL for route in routes)
    ]


async def _http_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    cls = _STATUS_PROBLEMS.get(exc.status_code)
    # The framework's own headers stay; a 405 names every method the path answers, not only the first route's.
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        headers["Allow"] = ", ".join(_allowed_methods(request))
    extra: dict[str, Any] = {"headers": headers} if headers else {}
    if cls is None:
        problem = Problem(str(exc.detail), code=f"http_{exc.status_code}", **extra)
        problem.status = exc.status_code
        if exc.status_code in HTTPStatus._value2member_map_:
            problem.title_en = HTTPStatus(exc.status_code).phrase
    else:
        problem = cls(str(exc.detail) if exc.detail else None, **extra)
    return problem_response(request, problem)


async def _unhandled(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error", extra={"path": request.url.path})
    problem = Problem("服务器内部错误", detail_en="Internal server error", code="internal_error")
    problem.status = 500
    return problem_response(request, problem)


# The shape of every problem body, as ``Problem.body`` writes it; published in the OpenAPI.
PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "RFC 9457 problem details; `code` is stable, `field` names the offending input, `rule` the policy rule (R1–R22).",
    "type": "object",
    "required": ["type", "title", "status", "code"],
    "properties": {
        "type": {"type": "string", "pattern": "^urn:fupin:problem:"},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "code": {"type": "string"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "field": {"type": "string"},
        "rule": {"type": "string"},
        "errors": {
            "type": "array",
            # Input errors name `field` and `message` (and `type`, `rule`); import errors `row`, `column`, `value`, `reason`.
            "items": {"type": "object"},
        },
    },
}


def document_problems(openapi: dict[str, Any]) -> dict[str, Any]:
    """Say in the OpenAPI what a 422 really is: a problem (application/problem+json), not FastAPI's default shape."""
    openapi.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    ref = {"$ref": "#/components/schemas/Problem"}
    for item in openapi.get("paths", {}).values():
        for operation in item.values():
            response = operation.get("responses", {}).get("422") if isinstance(operation, dict) else None
            if response is not None:
                response["description"] = "Invalid input: a problem naming the field (and, for policy, the rule)"
                response["content"] = {PROBLEM_JSON: {"schema": ref}}
    for unused in ("HTTPValidationError", "ValidationError"):  # only ever the default 422 body
        openapi["components"]["schemas"].pop(unused, None)
    return openapi


async def _database_handler(request: Request, exc: Exception) -> JSONResponse:
    """A database outage is a 503 with ``Retry-After``, answered (not raised) so the connection stays open.

    Any other database error is still a 500, but also answered here rather than re-raised.
    """
    from shared.db import database_unavailable
    from shared.metrics import DB_UNAVAILABLE

    if not database_unavailable(exc):
        return await _unhandled(request, exc)
    settings = getattr(request.app.state, "settings", None)
    retry_after = str(getattr(settings, "retry_after_seconds", 5))
    service = request.url.path.strip("/").split("/", 1)[0] or "-"
    DB_UNAVAILABLE.labels(service).inc()
    log.warning("database unreachable; answered 503", extra={"path": request.url.path, "error": repr(exc)[:300]})
    problem = Unavailable(
        "数据库暂时无法访问，请稍后重试",
        detail_en="the database cannot be reached right now; retry after the Retry-After delay",
        headers={"Retry-After": retry_after},
    )
    return problem_response(request, problem)


def install_problem_handlers(app: Any) -> None:
    from sqlalchemy.exc import SQLAlchemyError

    app.add_exception_handler(Problem, _problem_handler)
    # Database outages surface as driver or socket errors; they are handled (not re-raised, as the
    # catch-all for Exception is) so the client keeps its connection.
    for exc_type in (SQLAlchemyError, ConnectionError, TimeoutError):
        app.add_exception_handler(exc_type, _database_handler)
    app.add_exception_handler(RequestValidationError, _validation_handler)
    app.add_exception_handler(StarletteHTTPException, _http_handler)
    app.add_exception_handler(Exception, _unhandled)
    framework_openapi = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document_problems(framework_openapi())
        schema: dict[str, Any] = app.openapi_schema
        return schema

    app.openapi = openapi
