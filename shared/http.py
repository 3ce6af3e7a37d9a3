"""HTTP for the field: gzip, the media types a body may have, and the language of localized answers.

``install_http(app)`` adds, innermost first:

- ``MediaTypeMiddleware``: a body whose ``Content-Type`` the operation does not read is a 415
  problem (FastAPI would try to parse it and answer a confusing 422);
- ``LanguageMiddleware``: a localized answer (a problem document) names its language in
  ``Content-Language`` and says ``Vary: Accept-Language``, so a cache keeps one copy per language;
- ``ETagMiddleware``: a strong ``ETag`` on whole JSON answers to GETs; ``If-None-Match`` → 304;
- ``GZipMiddleware``: bodies of at least ``GZIP_MINIMUM_BYTES`` are gzipped for a client that
  accepts it (a 300-household list goes from ~69 KB to ~6 KB); streamed answers (the audit export)
  are compressed as they stream, without ``Content-Length``.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from fastapi import FastAPI
from fastapi.params import File, Form
from starlette.datastructures import MutableHeaders
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.language import CONTENT_LANGUAGE, negotiate_language
from shared.problems import PROBLEM_JSON, Problem, problem_response

GZIP_MINIMUM_BYTES = 1024
# zlib's default: level 9 costs about twice the CPU for a few per cent on JSON.
GZIP_LEVEL = 6
FORM_MEDIA = ("multipart/form-data", "application/x-www-form-urlencoded")


class UnsupportedMediaType(Problem):
    status, code, title_zh, title_en = 415, "unsupported_media_type", "不支持的请求体类型", "Unsupported media type"


def _is_json(media: str) -> bool:
    return media == "application/json" or (media.startswith("application/") and media.endswith("+json"))


def accepted_media(route: Any) -> tuple[str, ...] | None:
    """The media types the route's body may have, or None when it takes no body."""
    declared = (route.openapi_extra or {}).get("requestBody", {}).get("content")
    if declared:
        return tuple(declared)
    if route.body_field is None:
        return None
    if isinstance(route.body_field.field_info, (Form, File)):
        return FORM_MEDIA
    return ("application/json",)


class MediaTypeMiddleware:
    """415 for a request body of a media type the matched operation does not read.

    JSON requests (nearly all) pass without a look at the routes; only another ``Content-Type`` costs
    a match.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.bodies: list[tuple[re.Pattern[str], frozenset[str], tuple[str, ...] | None]] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("method") in ("POST", "PUT", "PATCH"):
            content_type = ""
            for name, value in scope.get("headers", []):
                if name == b"content-type":
                    content_type = value.decode("latin-1")
                    break
            media = content_type.split(";", 1)[0].strip().lower()
            if media and not _is_json(media):
                accepted = self._accepted(scope)
                if accepted is not None and media not in accepted and not (any(_is_json(a) for a in accepted) and _is_json(media)):
                    problem = UnsupportedMediaType(
                        f"请求体类型 {media} 不受支持，应为 {', '.join(accepted)}",
                        detail_en=f"request body of type {media} is not accepted; send {', '.join(accepted)}",
                        field="Content-Type",
                        accepted=list(accepted),
                    )
                    await problem_response(Request(scope), problem)(scope, receive, send)
                    return
        await self.app(scope, receive, send)

    def _accepted(self, scope: Scope) -> tuple[str, ...] | None:
        if self.bodies is None:
            self.bodies = _route_bodies(scope["app"])
        path, method = scope.get("path", ""), scope.get("method", "")
        for pattern, methods, accepted in self.bodies:
            if method in methods and pattern.fullmatch(path):
                return accepted
        return None


def _route_bodies(app: Any) -> list[tuple[re.Pattern[str], frozenset[str], tuple[str, ...] | None]]:
    from shared.openapi import api_routes

    out = []
    for route in api_routes(app):
        pattern = re.compile(re.sub(r"\\{[^}:]+:path\\}", ".+", re.sub(r"\\{[^}:]+\\}", "[^/]+", re.escape(route.path_format))))
        out.append((pattern, frozenset(route.methods or ()), accepted_media(route)))
    return out


class LanguageMiddleware:
    """``Content-Language`` and ``Vary: Accept-Language`` on answers whose words depend on the caller's language."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_language(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if headers.get("content-type", "").startswith(PROBLEM_JSON) or scope.get(LOCALIZED_KEY):
                    accept = next((v.decode("latin-1") for k, v in scope.get("headers", []) if k == b"accept-language"), "")
                    headers["Content-Language"] = CONTENT_LANGUAGE[negotiate_language(accept)]
                    headers.add_vary_header("Accept-Language")
            await send(message)

        await self.app(scope, receive, send_with_language)


# A route that answers in the caller's language (not only problems) sets this in its scope.
LOCALIZED_KEY = "fupin.localized"


def mark_localized(request: Request) -> str:
    """Mark the answer as localized and return the language (``zh``/``en``) to answer in."""
    request.scope[LOCALIZED_KEY] = True
    return negotiate_language(request.headers.get("accept-language"))


def install_http(app: FastAPI, **_: Any) -> None:
    app.add_middleware(MediaTypeMiddleware)
    app.add_middleware(ETagMiddleware)
    app.add_middleware(LanguageMiddleware)
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_MINIMUM_BYTES, compresslevel=GZIP_LEVEL)


class ETagMiddleware:
    """A strong ``ETag`` on every whole JSON answer to a GET (a digest of its body), and 304 for a matching ``If-None-Match``.

    Streamed answers (no ``Content-Length``: the audit export) pass untouched. The tag names the
    encoding: an answer ``GZipMiddleware`` will compress (it runs outside this one) gets a ``-gz``
    tag, since the gzipped and the plain body are different representations.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") != "GET":
            await self.app(scope, receive, send)
            return
        request_headers = {k: v.decode("latin-1") for k, v in scope.get("headers", []) if k in (b"if-none-match", b"accept-encoding")}
        start: Message | None = None
        chunks: list[bytes] = []

        async def hold(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                whole = "content-length" in headers and "etag" not in headers and "content-encoding" not in headers
                if message["status"] == 200 and whole and headers.get("content-type", "").startswith("application/json"):
                    start = message
                    return
                await send(message)
                return
            if start is None or message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            body = b"".join(chunks)
            gzipped = "gzip" in request_headers.get(b"accept-encoding", "") and len(body) >= GZIP_MINIMUM_BYTES
            tag = body_etag(body, gzipped=gzipped)
            headers = MutableHeaders(scope=start)
            headers["ETag"] = tag
            if etag_matches(request_headers.get(b"if-none-match"), tag):
                not_modified = {
                    "type": "http.response.start",
                    "status": 304,
                    "headers": [(k, v) for k, v in start["headers"] if k.lower() not in (b"content-length", b"content-type")],
                }
                await send(not_modified)
                await send({"type": "http.response.body", "body": b""})
                return
            await send(start)
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, hold)


def body_etag(body: bytes, *, gzipped: bool = False) -> str:
    """The strong tag of a JSON body (``-gz`` for its gzipped representation); ``shared.preconditions`` compares ``If-Match`` with it."""
    return f'"{hashlib.sha256(body).hexdigest()[:32]}{"-gz" if gzipped else ""}"'


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """RFC 9110 §13.1.2: ``If-None-Match`` compares weakly; ``*`` matches any."""
    if not if_none_match:
        return False
    bare = etag.removeprefix("W/")
    return any(t.strip() == "*" or t.strip().removeprefix("W/") == bare for t in if_none_match.split(","))
