"""The operator console beside the API: the built ``console/dist`` at ``/`` and, in development, a token route.

The console is a single-page app: a GET for a path that no API route answers gets ``index.html``
(the browser's router takes it from there). Paths of the API (``/<service>/v1/…``, the docs, the
probes) and writes are never the console's: there the router's own 404 and 405 problems stand.
Nothing is served when the console was not built; the API is unchanged.

``POST /dev/v1/token`` mints a development token for a role and scope (the sign-in picker). It is
registered only when ``env`` is development or test: in production the identity provider issues
the tokens and this path answers 404.
"""

from __future__ import annotations

import mimetypes
import re
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.routing import Match, Route
from starlette.types import Scope

from shared.auth import Role, mint_token, validate_scope
from shared.bounds import Name, StrictInput
from shared.problems import InvalidInput, NotFound
from shared.settings import SERVICES, FupinSettings

DEFAULT_DIST = Path(__file__).resolve().parent.parent / "console" / "dist"
# Paths that belong to the API (``/<service>/v1/…``, the docs, the probes): an unknown one is never the console.
# The console's own routes (``/funds``, ``/households/<id>``) share first segments with services, not ``/v1``.
API_PATH = re.compile(rf"^(?:(?:{'|'.join(map(re.escape, (*SERVICES, 'dev')))})/v\d+(?:/|$)|(?:openapi\.json|docs|redoc|healthz|readyz)(?:/|$))")
DEV_TOKEN_TTL_SECONDS = 8 * 3600


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


class ConsoleRoute(Route):
    """GET/HEAD of any path outside the API: the console's files, or its index.html for the browser's router."""

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] != "http" or scope.get("method") not in ("GET", "HEAD") or API_PATH.match(scope["path"].lstrip("/")):
            return Match.NONE, {}
        return super().matches(scope)


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
            {
                "api": dict(settings.console_api_urls),
                "env": settings.env,
                "dev_sign_in": settings.env in ("development", "test"),
                "oidc": settings.console_oidc or None,
            },
            headers={"Cache-Control": "no-store"},
        )

    dist = console_dist(settings).resolve()
    if not (dist / "index.html").is_file():
        return
    index = dist / "index.html"

    async def spa(request: Request) -> Response:
        path = request.path_params.get("path", "")
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

    # Appended last, so every API route is tried first; it never matches an API path or a write,
    # so the router's own 404 and 405 (with Allow) stand for those.
    app.router.routes.append(ConsoleRoute("/{path:path}", spa, methods=["GET", "HEAD"], include_in_schema=False))
