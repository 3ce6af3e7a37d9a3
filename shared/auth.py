"""Identity and access: who is asking (JWT bearer tokens), in which role, over which region.

The region scope lives here and only here: ``visible`` builds the WHERE clause for lists,
``ensure_readable`` answers 404 for a single object outside the scope (its existence is not
leaked) and ``ensure_writable`` answers 403 for a write outside it.

Region codes are the 12-digit statistical division codes, so a county (6 digits), a township
(9 digits) or a village (12 digits) scope is a prefix of every village code inside it.
"""

from __future__ import annotations

import asyncio
import time
from functools import lru_cache
from typing import Annotated, Any

import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import ColumnElement, false, true

from shared.errors import Forbidden, NotFound, Unauthorized
from shared.identity import FULL_PII_ROLES, REGION_ROLES, SYSTEM, Principal, Role, validate_scope
from shared.settings import FupinSettings, get_settings

__all__ = [
    "FULL_PII_ROLES",
    "REGION_ROLES",
    "SYSTEM",
    "CurrentPrincipal",
    "Principal",
    "Role",
    "authenticate",
    "can_read",
    "decode_token",
    "ensure_different_person",
    "ensure_readable",
    "ensure_writable",
    "mint_token",
    "readable_by",
    "require_roles",
    "validate_scope",
    "visible",
]


def mint_token(
    settings: FupinSettings,
    *,
    role: Role | str,
    scope: str | None = None,
    subject: str | None = None,
    name: str | None = None,
    ttl_seconds: int = 8 * 3600,
) -> str:
    """Sign a development token with the local key (production tokens come from the identity provider)."""
    if settings.jwt_algorithm != "HS256":
        raise RuntimeError("tokens are minted locally only in development (HS256)")
    role = Role(role)
    validate_scope(role, scope)
    now = int(time.time())
    claims: dict[str, Any] = {
        "sub": subject or f"dev-{role}-{scope or 'city'}",
        "role": str(role),
        "iat": now,
        "exp": now + ttl_seconds,
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
    }
    if scope:
        claims["scope"] = scope
    if name:
        claims["name"] = name
    return jwt.encode(claims, settings.jwt_secret, algorithm="HS256")


@lru_cache(maxsize=4)
def _jwks_client(url: str) -> jwt.PyJWKClient:
    return jwt.PyJWKClient(url, cache_keys=True)


async def decode_token(settings: FupinSettings, token: str) -> Principal:
    try:
        if settings.jwt_algorithm == "RS256":
            if not settings.jwks_url:
                raise Unauthorized("no JWKS configured")
            client = _jwks_client(settings.jwks_url)
            key: Any = (await asyncio.to_thread(client.get_signing_key_from_jwt, token)).key
        else:
            key = settings.jwt_secret
        claims = jwt.decode(
            token,
            key,
            algorithms=[settings.jwt_algorithm],
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            options={"require": ["exp", "sub"]},
        )
    except jwt.ExpiredSignatureError:
        raise Unauthorized("令牌已过期", detail_en="token expired", code="token_expired") from None
    except (jwt.InvalidTokenError, jwt.PyJWKClientError) as exc:
        raise Unauthorized("令牌无效", detail_en=f"invalid token: {exc}", code="token_invalid") from None
    try:
        role = Role(str(claims.get("role")))
        scope = validate_scope(role, claims.get("scope"))
    except ValueError as exc:
        raise Unauthorized("令牌的角色或范围无效", detail_en=str(exc), code="token_invalid") from None
    return Principal(subject=str(claims["sub"]), role=role, scope=scope, name=claims.get("name"))


_bearer = HTTPBearer(auto_error=False, description="JWT from the identity provider (or `fupin token` in development)")


async def authenticate(request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> Principal:
    cached: Principal | None = getattr(request.state, "principal", None)
    if cached is not None:
        return cached
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("缺少令牌", detail_en="missing bearer token", code="token_missing")
    settings = getattr(request.app.state, "settings", None) or get_settings()
    principal = await decode_token(settings, credentials.credentials)
    request.state.principal = principal
    return principal


CurrentPrincipal = Annotated[Principal, Depends(authenticate)]


def require_roles(*roles: Role) -> Any:
    """A dependency for write routes: only the named roles may call it; auditors never write."""
    allowed = frozenset(roles)

    async def dependency(principal: CurrentPrincipal) -> Principal:
        if principal.role == Role.auditor or principal.role not in allowed:
            raise Forbidden(
                f"角色 {principal.role} 无权执行此操作",
                detail_en=f"role {principal.role} may not do this",
                code="role_not_allowed",
            )
        return principal

    return Depends(dependency)


def readable_by(*roles: Role) -> Any:
    """A dependency for read routes open to the named roles only (e.g. the audit log: auditors, city admins)."""
    allowed = frozenset(roles)

    async def dependency(principal: CurrentPrincipal) -> Principal:
        if principal.role not in allowed:
            raise Forbidden(
                f"角色 {principal.role} 无权查看此内容",
                detail_en=f"only {', '.join(sorted(allowed))} may read this",
                code="role_not_allowed",
            )
        return principal

    return Depends(dependency)


# ---- region scope: the one place where it is decided ----------------------------------------


def visible(principal: Principal, *, region: Any = None, entity: Any = None) -> ColumnElement[bool]:
    """WHERE clause limiting a list to the rows the principal may see.

    ``region`` is the column holding a row's division code (village, township or county),
    ``entity`` the column holding the operating entity it concerns.
    """
    if principal.sees_everything:
        return true()
    if principal.role == Role.entity_operator:
        return entity == principal.scope if entity is not None else false()
    if principal.scope and region is not None:
        clause: ColumnElement[bool] = region.startswith(principal.scope, autoescape=True)
        return clause
    return false()


def can_read(principal: Principal, *, region: str | None = None, entity_id: str | None = None) -> bool:
    return principal.region_allows(region) or principal.entity_allows(entity_id)


def ensure_readable(principal: Principal, *, region: str | None = None, entity_id: str | None = None, what: str = "资源") -> None:
    if not can_read(principal, region=region, entity_id=entity_id):
        raise NotFound(f"{what}不存在", detail_en="not found")


def ensure_writable(principal: Principal, *, region: str | None = None, entity_id: str | None = None) -> None:
    if principal.role == Role.auditor:
        raise Forbidden("审计人员只读", detail_en="auditors read and never write", code="role_not_allowed")
    if principal.role == Role.trainer and region is not None and not principal.region_allows(region):
        raise Forbidden("超出管辖范围", detail_en="outside your region scope", code="out_of_scope")
    if not can_read(principal, region=region, entity_id=entity_id):
        raise Forbidden("超出管辖范围", detail_en="outside your region scope", code="out_of_scope")


def ensure_different_person(proposer: str, approver: Principal, *, what: str) -> None:
    """Separation of duties (maker-checker) for money: who proposed may not approve."""
    if proposer == approver.subject:
        raise Forbidden(
            f"{what}的提出人不能审批自己的提议",
            detail_en=f"the person who proposed the {what} cannot approve it (separation of duties)",
            code="separation_of_duties",
        )
