"""CORS origins come from settings: the web consoles' origin is allowed, others are not."""

import httpx

from services.households.app import SPEC
from shared.service import build_app
from shared.settings import FupinSettings


async def test_cors_allows_the_configured_console_origin_only(tmp_path):
    settings = FupinSettings(env="test", data_dir=tmp_path, cors_origins=["https://console.fupin.example"], run_consumers=False)
    app = build_app([SPEC], settings)
    async with app.router.lifespan_context(app), httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization,idempotency-key"}
        ok = await c.options("/households/v1/households", headers={"Origin": "https://console.fupin.example", **preflight})
        assert ok.status_code == 200 and ok.headers["access-control-allow-origin"] == "https://console.fupin.example"
        other = await c.options("/households/v1/households", headers={"Origin": "https://evil.example", **preflight})
        assert "access-control-allow-origin" not in other.headers
        exposed = await c.get("/healthz", headers={"Origin": "https://console.fupin.example"})
        assert "x-request-id" in exposed.headers["access-control-expose-headers"].lower()
