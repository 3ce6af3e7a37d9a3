"""The operator console beside the API: the built ``console/dist`` at ``/`` and, in development, a token route.

The console is a single-page app: a GET for a path that no API route answers gets ``index.html``
(the browser's router takes it from there), except under the API's own prefixes, where an unknown
path stays a 404 problem and a known path with another method a 405. Nothing is served when the
console was not built; the API is unchanged.

``POST /dev/v1/token`` mints a development token for a role and scope (the sign-in picker). It is
registered only when ``env`` is development or test: in production the identity provider issues
the tokens and this path answers 404.
"""

from __future__ import annotations

import mimetypes
import re
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.routing import Match

from shared.auth import Role, mint_token, validate_scope
from shared.bounds import Name, StrictInput
from shared.problems import InvalidInput, NotFound, Problem
from shared.settings import SERVICES, FupinSettings

DEFAULT_DIST = Path(__file__).resolve().parent.parent / "console" / "dist"
# Paths that belong to the API (``/<service>/v1/…``, the docs, the probes): an unknown one is never the console.
# The console's own routes (``/funds``, ``/households/<id>``) share first segments with services, not ``/v1``.
API_PATH = re.compile(rf"^(?:(?:{'|'.join(map(re.escape, (*SERVICES, 'dev')))})/v\d+(?:/|$)|(?:openapi\.json|docs|redoc|healthz|readyz)(?:/|$))")
DEV_TOKEN_TTL_SECONDS = 8 * 3600
PROBED_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


class MethodNotAllowed(Problem):
    status = 405
    code = "method_not_allowed"
    title_zh = "不支持该请求方法"
    title_en = "Method not allowed"


class DevTokenIn(StrictInput):
    model_config = {"json_schema_extra": {"examples": [{"role": "county_officer", "scope": "440232", "name": "乳源县扶贫办"}]}}

    role: Role
    scope: str | None = Field(None, max_length=64, description="division code (county 6, township 9, village 12 digits) or entity id")
    name: Name | None = Field(None, description="the name the console shows for the signed-in person")
    subject: str | None = Field(None, max_length=100, pattern=r"^[A-Za-z0-9._:@-]+$", description="who the token speaks for (default from role and scope)")


class DevTokenOut(BaseModel):
    token: str
    token_type: str = "Bearer"
    expires_in: int
    role: Role
    scope: str | None
    subject: str


def dev_router(settings: FupinSettings) -> APIRouter:
    router = APIRouter(prefix="/dev/v1", tags=["development"])

    @router.post("/token", summary="Development only: a bearer token for a role and scope (the console's sign-in picker)")
    async def dev_token(body: DevTokenIn) -> DevTokenOut:
        try:
            validate_scope(body.role, body.scope)
        except ValueError as exc:
            raise InvalidInput("角色与范围不匹配", detail_en=str(exc), field="scope") from None
        subject = body.subject or f"dev-{body.role}-{body.scope or 'city'}"
        token = mint_token(settings, role=body.role, scope=body.scope, subject=subject, name=body.name, ttl_seconds=DEV_TOKEN_TTL_SECONDS)
        return DevTokenOut(token=token, expires_in=DEV_TOKEN_TTL_SECONDS, role=body.role, scope=body.scope, subject=subject)

    return router


def console_dist(settings: FupinSettings) -> Path:
    return settings.console_dist or DEFAULT_DIST


def install_console(app: FastAPI, settings: FupinSettings) -> None:
    """The dev token route (development/test only) and, when built, the console at ``/``."""
    if settings.env in ("development", "test") and settings.jwt_algorithm == "HS256":
        app.include_router(dev_router(settings))

    @app.get("/console/config.json", include_in_schema=False)
    async def console_config() -> JSONResponse:
        # Where the console finds each service: same origin (embedded) or one address per service.
        return JSONResponse(
            {"api": dict(settings.console_api_urls), "env": settings.env, "dev_sign_in": settings.env in ("development", "test"), "oidc": settings.console_oidc or None},
            headers={"Cache-Control": "no-store"},
        )

    dist = console_dist(settings).resolve()
    if not (dist / "index.html").is_file():
        return
    index = dist / "index.html"

    async def spa(request: Request, path: str = "") -> Response:
        if API_PATH.match(path) or request.method not in ("GET", "HEAD"):
            allowed: set[str] = set()
            for route in request.app.router.routes:
                if route in spa_routes:
                    continue
                match, _ = route.matches(request.scope)
                if match == Match.PARTIAL:
                    # Included routers do not list their methods: ask the route which ones it takes.
                    allowed |= {m for m in PROBED_METHODS if route.matches({**request.scope, "method": m})[0] == Match.FULL}
            if allowed:
                # As the router itself answers when this fallback is absent: 405 with the methods allowed.
                raise MethodNotAllowed(detail_en=f"{request.method} is not allowed on {request.url.path}", headers={"Allow": ", ".join(sorted(allowed))})
            raise NotFound(detail_en=f"no route {request.url.path}")
        if path:
            candidate = (dist / path).resolve()
            if candidate.is_relative_to(dist) and candidate.is_file():
                # Hashed assets never change; index.html must be revalidated to pick up a new build.
                cache = "public, max-age=31536000, immutable" if path.startswith("assets/") else "no-cache"
                media_type = mimetypes.guess_type(candidate.name)[0]
                return FileResponse(candidate, media_type=media_type, headers={"Cache-Control": cache})
            if path.startswith("assets/"):
                raise NotFound(detail_en=f"no console asset {path}")
        return FileResponse(index, media_type="text/html", headers={"Cache-Control": "no-cache"})

    # Every method, so that a write to an unknown path stays a 404 (not a 405 from this route).
    methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
    app.add_api_route("/", spa, methods=methods, include_in_schema=False)
    app.add_api_route("/{path:path}", spa, methods=methods, include_in_schema=False)
    spa_routes: list[Any] = app.router.routes[-2:]
