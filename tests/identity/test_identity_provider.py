"""Production tokens: RS256 from the identity provider, verified against its JWKS; issuer and audience checked."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from services.households.app import SPEC as HOUSEHOLDS
from shared.auth import mint_token
from shared.service import build_app
from shared.settings import FupinSettings

ISSUER, AUDIENCE, KID = "https://idp.shaoguan.example/realms/fupin", "fupin-api", "key-2026"


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def provider() -> Iterator[tuple[str, rsa.RSAPrivateKey]]:
    """A local stand-in for the identity provider's JWKS endpoint, on 127.0.0.1."""
    key = _key()
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    body = json.dumps({"keys": [{**jwk, "kid": KID, "use": "sig", "alg": "RS256"}]}).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/certs", key
    finally:
        server.shutdown()


def _token(key: rsa.RSAPrivateKey, **claims: object) -> str:
    now = int(time.time())
    body = {"sub": "officer-li", "role": "county_officer", "scope": "440232", "iat": now, "exp": now + 600, "iss": ISSUER, "aud": AUDIENCE}
    body.update(claims)
    return jwt.encode(body, key, algorithm="RS256", headers={"kid": KID})


@pytest.fixture
async def client(provider, tmp_path):
    url, _ = provider
    settings = FupinSettings(env="test", data_dir=tmp_path, jwt_algorithm="RS256", jwks_url=url, jwt_issuer=ISSUER, jwt_audience=AUDIENCE, run_consumers=False)
    app = build_app([HOUSEHOLDS], settings)
    async with app.router.lifespan_context(app), httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        yield c, settings


async def _status(c: httpx.AsyncClient, token: str) -> int:
    return (await c.get("/households/v1/villages", headers={"Authorization": f"Bearer {token}"})).status_code


async def test_provider_token_is_accepted_with_its_role_and_scope(client, provider):
    c, _ = client
    _, key = provider
    r = await c.get("/households/v1/villages", headers={"Authorization": f"Bearer {_token(key)}"})
    assert r.status_code == 200
    # the scope came from the token: a village outside 440232 cannot be registered
    outside = await c.post("/households/v1/villages", json={"code": "440233100101", "name": "x"}, headers={"Authorization": f"Bearer {_token(key)}"})
    assert outside.status_code == 403


async def test_wrong_issuer_wrong_audience_or_foreign_key_is_401(client, provider):
    c, _ = client
    _, key = provider
    assert await _status(c, _token(key, iss="https://elsewhere.example")) == 401
    assert await _status(c, _token(key, aud="another-api")) == 401
    assert await _status(c, _token(_key())) == 401  # same kid, not the provider's key


async def test_a_locally_signed_token_is_refused_when_the_provider_signs(client, provider):
    c, settings = client
    now = int(time.time())
    hs = jwt.encode({"sub": "x", "role": "city_admin", "iat": now, "exp": now + 60, "iss": ISSUER, "aud": AUDIENCE}, settings.jwt_secret, algorithm="HS256")
    assert await _status(c, hs) == 401
    with pytest.raises(RuntimeError):
        mint_token(settings, role="city_admin")
