"""The console beside the API: served at / with a fallback for its routes, API paths untouched; the dev token route."""

from __future__ import annotations

import httpx
import pytest

from fupin.embedded import create_app
from shared.checkpoint import Signer
from shared.settings import FupinSettings


def _settings(tmp_path, **kw) -> FupinSettings:
    return FupinSettings(env=kw.pop("env", "test"), data_dir=tmp_path, run_consumers=False, **kw)


@pytest.fixture
def dist(tmp_path):
    d = tmp_path / "dist"
    (d / "assets").mkdir(parents=True)
    (d / "index.html").write_text("<!doctype html><title>扶贫</title><div id=app></div>", encoding="utf-8")
    (d / "assets" / "app-1234.js").write_text("console.log(1)")
    return d


async def _client(app):
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")


async def test_console_is_served_at_root_with_fallback_and_api_paths_stay_problems(tmp_path, dist):
    app = create_app(_settings(tmp_path, console_dist=dist))
    async with app.router.lifespan_context(app), await _client(app) as c:
        root = await c.get("/")
        assert root.status_code == 200 and "扶贫" in root.text
        for route in ("/villages/440232101101", "/funds", "/households/0192f0a4", "/ledger"):  # console routes: the browser's router takes them
            deep = await c.get(route)
            assert deep.status_code == 200 and deep.headers["content-type"].startswith("text/html"), route
        asset = await c.get("/assets/app-1234.js")
        assert asset.status_code == 200 and "immutable" in asset.headers["cache-control"]
        assert (await c.get("/assets/missing.js")).status_code == 404
        assert (await c.get("/households/v1/villages")).status_code == 401  # the API still answers its own paths
        assert (await c.get("/docs")).headers["content-type"].startswith("text/html")
        unknown_api = await c.get("/funds/v1/no-such-thing")
        assert unknown_api.status_code == 404 and unknown_api.headers["content-type"].startswith("application/problem+json")
        wrong_method = await c.get("/funds/v1/distributions/x/approve")
        assert wrong_method.status_code == 405 and wrong_method.headers["allow"] == "POST"
        put = await c.put("/funds/v1/funds", json={})
        assert put.status_code == 405 and put.headers["allow"] == "GET, POST"
        assert (await c.post("/nowhere", json={})).status_code == 404  # writes to unknown paths stay 404
        assert (await c.get("/healthz")).json() == {"status": "alive"}
        assert (await c.get("/openapi.json")).json()["openapi"].startswith("3.")
        escape = await c.get("/..%2F..%2Fetc%2Fpasswd")
        assert escape.status_code == 200 and "扶贫" in escape.text  # never a file outside the build


async def test_without_a_build_the_api_is_unchanged(tmp_path):
    app = create_app(_settings(tmp_path, console_dist=tmp_path / "nowhere"))
    async with app.router.lifespan_context(app), await _client(app) as c:
        assert (await c.get("/")).status_code == 404
        config = (await c.get("/console/config.json")).json()
        assert config["api"] == {} and config["dev_sign_in"] is True


async def test_dev_token_route_mints_a_token_the_api_accepts_for_that_role_and_scope(tmp_path):
    app = create_app(_settings(tmp_path))
    async with app.router.lifespan_context(app), await _client(app) as c:
        r = await c.post("/dev/v1/token", json={"role": "village_cadre", "scope": "440232101101", "name": "邓书记"})
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["role"] == "village_cadre" and body["scope"] == "440232101101"
        listed = await c.get("/households/v1/villages", headers={"Authorization": f"Bearer {body['token']}"})
        assert listed.status_code == 200
        bad = await c.post("/dev/v1/token", json={"role": "village_cadre", "scope": "4402"})
        assert bad.status_code == 422 and bad.json()["field"] == "scope"
        unknown = await c.post("/dev/v1/token", json={"role": "auditor", "password": "x"})
        assert unknown.status_code == 422 and "password" in unknown.text


async def test_dev_token_route_is_absent_in_production(tmp_path, dist):
    settings = FupinSettings(
        env="production",
        data_dir=tmp_path,
        run_consumers=False,
        console_dist=dist,
        jwt_algorithm="RS256",
        jwks_url="http://127.0.0.1:9/jwks",
        pii_key="a-real-key-for-this-test-only-0123456789",
        checkpoint_key=Signer.generate("fupin.shaoguan.gov.cn").encode(),
    )
    app = create_app(settings)
    assert not any(getattr(route, "path", "").startswith("/dev/") for route in app.routes)
    async with await _client(app) as c:
        r = await c.post("/dev/v1/token", json={"role": "city_admin"})
        assert r.status_code == 404 and r.headers["content-type"].startswith("application/problem+json")
        assert (await c.get("/console/config.json")).json()["dev_sign_in"] is False
        assert (await c.get("/")).status_code == 200  # the console itself is served; it signs in by OIDC
