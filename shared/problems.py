"""Errors are values with a shape: the project's own exceptions, mapped once to RFC 9457 problem details.

Each problem has a stable machine ``code``, a title in Chinese (the default) and English, chosen by
``Accept-Language``, and where it applies the offending ``field`` and the policy ``rule`` broken.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger("fupin.problems")

PROBLEM_JSON = "application/problem+json"


def problem_type(code: str) -> str:
    return f"urn:fupin:problem:{code}"


class Problem(Exception):
    status: int = 400
    code: str = "bad_request"
    title_zh: str = "请求有误"
    title_en: str = "Bad request"

    def __init__(
        self,
        detail: str | None = None,
        *,
        detail_en: str | None = None,
        field: str | None = None,
        rule: str | None = None,
        errors: list[dict[str, Any]] | None = None,
        code: str | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail or self.title_en)
        self.detail = detail
        self.detail_en = detail_en
        self.field = field
        self.rule = rule
        self.errors = errors
        if code:
            self.code = code
        self.headers = headers or {}
        self.extra = extra

    def body(self, lang: str, instance: str | None = None) -> dict[str, Any]:
        english = lang == "en"
        body: dict[str, Any] = {
            "type": problem_type(self.code),
            "title": self.title_en if english else self.title_zh,
            "status": self.status,
            "code": self.code,
        }
        detail = (self.detail_en or self.detail) if english else (self.detail or self.detail_en)
        if detail:
            body["detail"] = detail
        if instance:
            body["instance"] = instance
        if self.field:
            body["field"] = self.field
        if self.rule:
            body["rule"] = self.rule
        if self.errors:
            body["errors"] = self.errors
        body.update(self.extra)
        return body


class InvalidInput(Problem):
    status, code, title_zh, title_en = 422, "validation_failed", "输入不合法", "Invalid input"


class RuleViolation(Problem):
    """A policy rule (R1–R22 of 韶扶组〔2018〕3号) was broken; ``rule`` names it."""

    status, code, title_zh, title_en = 422, "policy_rule_violated", "违反政策规定", "Policy rule violated"

    def __init__(self, rule: str, detail: str, **kwargs: Any) -> None:
        super().__init__(detail, rule=rule, **kwargs)


class NotFound(Problem):
    status, code, title_zh, title_en = 404, "not_found", "未找到", "Not found"


class Conflict(Problem):
    status, code, title_zh, title_en = 409, "conflict", "与现有数据冲突", "Conflict"


class Unauthorized(Problem):
    status, code, title_zh, title_en = 401, "unauthorized", "未认证", "Unauthorized"

    def __init__(self, detail: str | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("headers", {"WWW-Authenticate": 'Bearer realm="fupin"'})
        super().__init__(detail, **kwargs)


class Forbidden(Problem):
    status, code, title_zh, title_en = 403, "forbidden", "无权操作", "Forbidden"


class PayloadTooLarge(Problem):
    status, code, title_zh, title_en = 413, "payload_too_large", "请求体过大", "Payload too large"


class PreconditionRequired(Problem):
    """428: a money write without an ``Idempotency-Key`` (a retry could count twice), or a PATCH without ``If-Match``."""

    status, code, title_zh, title_en = 428, "precondition_required", "缺少必需的请求头", "Precondition required"


def idempotency_key_required() -> PreconditionRequired:
    """428 for a money write without an ``Idempotency-Key`` (``shared.service.IdempotencyKeyRequired``)."""
    return PreconditionRequired(
        "创建资金事实的请求必须带 Idempotency-Key 请求头",
        detail_en="a write that creates a money fact requires an Idempotency-Key header",
        code="idempotency_key_required",
        field="Idempotency-Key",
    )


class Unavailable(Problem):
    """503: a dependency of this request (its database) cannot be reached now; ``Retry-After`` says when to retry."""

    status, code, title_zh, title_en = 503, "service_unavailable", "服务暂不可用", "Service unavailable"


def preferred_language(request: Request) -> str:
    header = request.headers.get("accept-language", "")
    for part in header.split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.startswith("en"):
            return "en"
        if tag.startswith("zh"):
            return "zh"
    return "zh"


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
