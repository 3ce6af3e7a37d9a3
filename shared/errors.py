"""Errors are values with a shape: the project's own exceptions, raised by domain code and services alike.

Plain Python, no web framework: a ``domain.py`` raises these and knows nothing of HTTP. Each error has a
stable machine ``code``, a title in Chinese and English and, where it applies, the offending ``field``
and the policy ``rule`` broken. ``status`` is the HTTP status the edge answers with: ``shared.problems``
maps every ``Problem`` to an RFC 9457 problem document built from ``Problem.body``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol


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


class PreconditionFailed(Problem):
    """412: the ``If-Match`` of an update names a version of the resource that is no longer current."""

    status, code, title_zh, title_en = 412, "precondition_failed", "资源已被他人修改", "Precondition failed"


def if_match_required() -> PreconditionRequired:
    """428 for an update without ``If-Match`` (``shared.preconditions.IfMatchRequired``)."""
    return PreconditionRequired(
        "修改请求必须带 If-Match 请求头（先读取该资源，回传其 ETag）",
        detail_en="an update requires an If-Match header: read the resource first and send back its ETag",
        code="if_match_required",
        field="If-Match",
    )


def idempotency_key_required() -> PreconditionRequired:
    """428 for a money write without an ``Idempotency-Key`` (``shared.service.IdempotencyKeyRequired``)."""
    return PreconditionRequired(
        "创建资金事实的请求必须带 Idempotency-Key 请求头",
        detail_en="a write that creates a money fact requires an Idempotency-Key header",
        code="idempotency_key_required",
        field="Idempotency-Key",
    )


class TooManyRequests(Problem):
    """429: a public route's per-client allowance is spent; ``Retry-After`` says when to try again."""

    status, code, title_zh, title_en = 429, "too_many_requests", "请求过于频繁", "Too many requests"


class Unavailable(Problem):
    """503: a dependency of this request (its database) cannot be reached now; ``Retry-After`` says when to retry."""

    status, code, title_zh, title_en = 503, "service_unavailable", "服务暂不可用", "Service unavailable"


class _Breach(Protocol):
    @property
    def rule(self) -> str: ...
    @property
    def detail(self) -> str: ...
    @property
    def detail_en(self) -> str: ...
    @property
    def field(self) -> str | None: ...
    @property
    def numbers(self) -> dict[str, Any]: ...


class _Judged(Protocol):
    @property
    def breaches(self) -> Sequence[_Breach]: ...


def enforce(outcome: _Judged) -> None:
    """Refuse a write with the first breach a rule of ``policy`` found (``policy.verdicts.Outcome``), as a ``RuleViolation``."""
    for b in outcome.breaches[:1]:
        raise RuleViolation(b.rule, b.detail, detail_en=b.detail_en, field=b.field, **b.numbers)
