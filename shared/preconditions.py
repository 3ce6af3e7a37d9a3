"""Optimistic concurrency: ``If-Match`` on updates, against the ``ETag`` the caller's GET carried.

Two cadres editing one household must not silently overwrite each other. Every GET of a resource
carries a strong ``ETag`` (``shared.http.ETagMiddleware``: a digest of the body). An update names the
version it was made from by sending that tag back as ``If-Match``:

- ``IfMatchRequired`` (every PATCH): 428 ``if_match_required`` without the header;
- ``IfMatchOptional`` (other updates of an existing resource: a status change, leaving the register):
  checked when sent;
- ``GuardRequired`` / ``GuardOptional`` bundle the header with the request and response, so a route
  writes ``await guard.update(session, read, resource, write)``;
- ``precondition(...)``, called by the route in the write's own transaction with the resource as the
  caller reads it now: 412 ``precondition_failed`` when the tag is not the current one. The route then
  sets the new representation's tag on its answer (``tag_response``), so a second edit needs no GET.

The tag is the one the caller's GET answered: the same principal sees the same body (masking
included), and the gzipped variant (``-gz``) of a tag names the same version. ``*`` matches any
existing resource. On PostgreSQL a transaction-scoped advisory lock on the resource serializes
conditional writes of it, so of two updates made from one version exactly one succeeds; SQLite has
a single writer.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Header, Request, Response
from pydantic import BaseModel, TypeAdapter
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from shared.errors import PreconditionFailed, if_match_required
from shared.http import GZIP_MINIMUM_BYTES, body_etag

T = TypeVar("T")
_DESCRIPTION = "the `ETag` of the representation this update was made from (from the resource's GET); 412 when it is no longer current"


def json_body(value: Any) -> bytes:
    """The bytes FastAPI answers for a returned model (``JSONResponse.render`` of its JSON-mode dump)."""
    content = TypeAdapter(type(value)).dump_python(value, mode="json", by_alias=True) if isinstance(value, BaseModel) else value
    return json.dumps(content, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")).encode("utf-8")


def _plain(tag: str) -> str:
    tag = tag.strip()
    if tag.endswith('-gz"'):
        tag = tag[: -len('-gz"')] + '"'
    return tag


def if_match_matches(if_match: str, current: str) -> bool:
    """RFC 9110 §13.1.1: strong comparison (a weak tag never matches); ``*`` matches any current representation."""
    want = _plain(current)
    for candidate in if_match.split(","):
        candidate = candidate.strip()
        if candidate == "*":
            return True
        if candidate.startswith("W/"):
            continue
        if _plain(candidate) == want:
            return True
    return False


async def _required(if_match: Annotated[str, Header(alias="If-Match", max_length=2000, description=f"required: {_DESCRIPTION}")]) -> str:
    # Declared required so the OpenAPI says so; a missing header is answered 428 by the validation
    # handler (shared/problems.py), an empty one here.
    if not if_match.strip():
        raise if_match_required()
    return if_match


async def _optional(if_match: Annotated[str | None, Header(alias="If-Match", max_length=2000, description=f"optional: {_DESCRIPTION}")] = None) -> str | None:
    return if_match.strip() or None if if_match is not None else None


IfMatchRequired = Annotated[str, Depends(_required)]
IfMatchOptional = Annotated[str | None, Depends(_optional)]
PRECONDITION_DEPENDENCIES = (_required, _optional)


@dataclass
class Guard:
    """A route's conditional update: ``guard.update(session, read, resource, write)`` checks ``If-Match`` against
    ``read()``, runs ``write()`` and tags its answer — the three steps every guarded route takes."""

    if_match: str | None
    request: Request
    response: Response

    async def update(self, session: AsyncSession, read: Callable[[], Awaitable[Any]], resource: str, write: Callable[[], Awaitable[T]]) -> T:
        await precondition(session, self.if_match, read, resource=resource)
        out: T = tag_response(self.request, self.response, await write())
        return out


async def _guard_required(request: Request, response: Response, if_match: IfMatchRequired) -> Guard:
    return Guard(if_match, request, response)


async def _guard_optional(request: Request, response: Response, if_match: IfMatchOptional) -> Guard:
    return Guard(if_match, request, response)


GuardRequired = Annotated[Guard, Depends(_guard_required)]
GuardOptional = Annotated[Guard, Depends(_guard_optional)]


async def precondition(session: AsyncSession, if_match: str | None, read: Callable[[], Awaitable[Any]], *, resource: str) -> None:
    """412 unless ``if_match`` names the resource as ``read()`` gives it to this caller now, in this transaction.

    ``resource`` (e.g. ``households/<id>``) keys the PostgreSQL advisory lock, taken before the read,
    that serializes conditional writes of one resource until this transaction ends. ``None`` (an
    optional header not sent) checks nothing.
    """
    if if_match is None:
        return
    if session.get_bind().dialect.name == "postgresql":
        key = int.from_bytes(hashlib.sha256(resource.encode()).digest()[:8], "big", signed=True)
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
    tag = body_etag(json_body(await read()))
    if not if_match_matches(if_match, tag):
        raise PreconditionFailed(
            "该资源已被他人修改：请重新读取后再提交",
            detail_en="the resource changed since the version this update was made from: read it again and resubmit",
            field="If-Match",
            current_etag=tag,
        )


def tag_response(request: Request, response: Response, value: Any) -> Any:
    """Set the ``ETag`` of the updated representation (as its GET would tag it) and return the value."""
    body = json_body(value)
    gzipped = "gzip" in request.headers.get("accept-encoding", "") and len(body) >= GZIP_MINIMUM_BYTES
    response.headers["ETag"] = body_etag(body, gzipped=gzipped)
    return value
