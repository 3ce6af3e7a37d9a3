"""Identity and access (issue 3): tokens on every route, roles, region scope, auditors read-only."""

from __future__ import annotations

import re
import time

import jwt
import pytest

from shared.auth import mint_token
from tests.helpers import citizen_id, eventually, unique_number, village_code

# The code tables (labels) are public like the OpenAPI that carries them: no personal or regional data.
PUBLIC = {"/healthz", "/readyz", "/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc", "/v1/labels"}
WRITE = {"post", "put", "patch", "delete"}


def _routes(app):
    """(method, concrete path) for every documented route that requires a token."""
    out = []
    for path, item in app.openapi()["paths"].items():
        # Partner webhooks authenticate by signature; signed checkpoints are published to anyone;
        # the development sign-in exists only outside production (tests/console checks it is absent there);
        # /<service>/v1/public/ holds what anyone may read (a printed card's check, a posted notice).
        if path in PUBLIC or "/webhooks/" in path or "/v1/public/" in path or path.startswith(("/.well-known/", "/dev/")):
            continue
        concrete = re.sub(r"\{[^}]+\}", "00000000-0000-7000-8000-000000000000", path)
        for method in item:
            out.append((method, concrete))
    return out


async def test_no_route_answers_without_a_token(platform):
    routes = _routes(platform.app)
    assert len(routes) >= 5
    for method, path in routes:
        r = await platform.client.request(method.upper(), path, json={})
        assert r.status_code == 401, f"{method.upper()} {path} answered {r.status_code} without a token"
        assert r.headers["content-type"].startswith("application/problem+json")
        assert r.headers.get("www-authenticate", "").lower().startswith("bearer")


async def test_public_routes_answer_without_a_token(platform):
    for path in ("/healthz", "/readyz", "/openapi.json"):
        assert (await platform.client.get(path)).status_code == 200, path


async def test_expired_token_is_401(platform):
    token = mint_token(platform.settings, role="city_admin", ttl_seconds=-10)
    r = await platform.client.get("/households/v1/villages", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 401 and r.json()["code"] == "token_expired"


async def test_token_signed_with_another_key_is_401(platform):
    now = int(time.time())
    forged = jwt.encode(
        {"sub": "mallory", "role": "city_admin", "iat": now, "exp": now + 600, "iss": platform.settings.jwt_issuer, "aud": platform.settings.jwt_audience},
        "not-the-platform-key-0000000000000000000",
        algorithm="HS256",
    )
    r = await platform.client.get("/households/v1/villages", headers={"Authorization": f"Bearer {forged}"})
    assert r.status_code == 401 and r.json()["code"] == "token_invalid"


async def test_token_with_a_role_the_platform_does_not_know_is_401(platform):
    now = int(time.time())
    token = jwt.encode(
        {"sub": "x", "role": "superuser", "iat": now, "exp": now + 600, "iss": platform.settings.jwt_issuer, "aud": platform.settings.jwt_audience},
        platform.settings.jwt_secret,
        algorithm="HS256",
    )
    r = await platform.client.get("/households/v1/villages", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 401


async def test_auditor_cannot_change_anything(platform):
    auditor = platform.as_("auditor")
    writes = [(m, p) for m, p in _routes(platform.app) if m in WRITE]
    assert writes, "no write routes found"
    for method, path in writes:
        r = await platform.client.request(method.upper(), path, json={}, headers=auditor)
        assert r.status_code == 403, f"auditor {method.upper()} {path} answered {r.status_code}"


async def test_auditor_reads_everything(platform):
    code = village_code("440281")
    assert (await platform.client.post("/households/v1/villages", json={"code": code, "name": "审计可见村"}, headers=platform.admin)).status_code == 201
    r = await platform.client.get(f"/households/v1/villages/{code}", headers=platform.as_("auditor"))
    assert r.status_code == 200


# ---- region scope matrix: role × endpoint family × in/out of scope -------------------------------


async def _household(platform, county: str) -> tuple[str, str]:
    code = village_code(county)
    await platform.client.post("/households/v1/villages", json={"code": code, "name": "范围村"}, headers=platform.admin)
    member = {"name": "范某", "id_number": citizen_id(county), "relation": "head", "birth_date": "1975-05-05", "sex": "female", "labour_capacity": "full"}
    r = await platform.client.post(
        "/households/v1/households",
        json={"household_number": unique_number(), "village_code": code, "registered_on": "2026-02-01", "members": [member]},
        headers=platform.admin,
    )
    assert r.status_code == 201, r.text
    return code, r.json()["id"]


def _scopes(code: str) -> dict[str, str]:
    return {"county_officer": code[:6], "township_officer": code[:9], "village_cadre": code}


@pytest.mark.parametrize("role", ["county_officer", "township_officer", "village_cadre"])
async def test_region_roles_see_inside_and_not_outside_their_scope(platform, role):
    inside_village, inside = await _household(platform, "440229")
    outside_village, outside = await _household(platform, "440233")
    headers = platform.as_(role, _scopes(inside_village)[role])
    c = platform.client

    assert (await c.get(f"/households/v1/households/{inside}", headers=headers)).status_code == 200
    r = await c.get(f"/households/v1/households/{outside}", headers=headers)
    assert r.status_code == 404, "a household outside the scope must not be revealed"

    listed = (await c.get("/households/v1/villages", params={"limit": 500}, headers=headers)).json()["items"]
    codes = {v["code"] for v in listed}
    assert inside_village in codes and outside_village not in codes

    async def ledger_sees_inside():
        assert (await c.get(f"/ledger/v1/households/{inside}/income", params={"year": 2026}, headers=headers)).status_code == 200

    await eventually(ledger_sees_inside)
    await eventually(lambda: _ledger_has(platform, outside))
    assert (await c.get(f"/ledger/v1/households/{outside}/income", params={"year": 2026}, headers=headers)).status_code == 404


async def _ledger_has(platform, household_id):
    r = await platform.client.get(f"/ledger/v1/households/{household_id}/income", params={"year": 2026}, headers=platform.admin)
    assert r.status_code == 200


@pytest.mark.parametrize("role", ["county_officer", "township_officer", "village_cadre"])
async def test_region_roles_cannot_write_outside_their_scope(platform, role):
    inside_village, _ = await _household(platform, "440222")
    other_county_village = village_code("440224")
    headers = platform.as_(role, _scopes(inside_village)[role])
    r = await platform.client.post("/households/v1/villages", json={"code": other_county_village, "name": "越权村"}, headers=headers)
    assert r.status_code == 403 and r.json()["code"] == "out_of_scope"
    # nothing was written
    assert (await platform.client.get(f"/households/v1/villages/{other_county_village}", headers=platform.admin)).status_code == 404


async def test_county_officer_writes_inside_the_county(platform):
    code = village_code("440282")
    r = await platform.client.post("/households/v1/villages", json={"code": code, "name": "县内村"}, headers=platform.as_("county_officer", "440282"))
    assert r.status_code == 201


async def test_roles_without_registry_rights_cannot_register_households(platform):
    for role, scope in (("trainer", None), ("entity_operator", "some-entity")):
        r = await platform.client.post("/households/v1/villages", json={"code": village_code(), "name": "x"}, headers=platform.as_(role, scope))
        assert r.status_code == 403, role
